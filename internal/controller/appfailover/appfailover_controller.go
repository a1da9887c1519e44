/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

	http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/
// Package appfailover moves a workload off a cluster where it stays
// unhealthy longer than its policy's failover.application tolerates
// (Karmada's application failover). The scheduler then places its replicas
// elsewhere, avoiding that cluster while the eviction task lasts.
package appfailover

import (
	"context"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/failover"
)

// Reconciler watches the health the binding controller aggregates.
type Reconciler struct {
	Client   client.Client
	Recorder events.EventRecorder
	Clock    clock.PassiveClock

	timers failover.UnhealthySince
}

// SetupWithManager registers the controller for ResourceBindings.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	return ctrl.NewControllerManagedBy(mgr).Named("application-failover").
		For(&workv1alpha2.ResourceBinding{}).
		WithOptions(controller.Options{MaxConcurrentReconciles: 4}).
		Complete(r)
}

// +kubebuilder:rbac:groups=work.karmada.io,resources=resourcebindings,verbs=get;list;watch;patch

// Reconcile times the unhealthy clusters of one binding and evicts the
// workload from those past its toleration.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	rb := &workv1alpha2.ResourceBinding{}
	if err := r.Client.Get(ctx, req.NamespacedName, rb); err != nil {
		if apierrors.IsNotFound(err) {
			r.timers.Forget(req.String())
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	toleration, on := failover.ApplicationToleration(&rb.Spec)
	if !on || !rb.DeletionTimestamp.IsZero() {
		r.timers.Forget(req.String())
		return ctrl.Result{}, nil
	}
	now := r.Clock.Now()
	since := r.timers.Observe(req.String(), rb.Status.AggregatedStatus, rb.Spec.Clusters, now)
	expired, next := failover.ExpiredClusters(since, toleration, now)
	if len(expired) == 0 {
		return ctrl.Result{RequeueAfter: next}, nil
	}
	before := rb.DeepCopy()
	evicted := failover.EvictApplication(&rb.Spec, expired, now)
	if len(evicted) == 0 {
		return ctrl.Result{RequeueAfter: next}, nil
	}
	// Conditional on the version read: the scheduler and the binding
	// controller write these fields too.
	if err := r.Client.Patch(ctx, rb, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})); err != nil {
		if apierrors.IsConflict(err) {
			return ctrl.Result{RequeueAfter: 50 * time.Millisecond}, nil
		}
		return ctrl.Result{}, err
	}
	r.Recorder.Eventf(rb, nil, corev1.EventTypeWarning, failover.ReasonApplicationFailure, "Evict",
		"Moving the workload off %s: unhealthy for more than %s", strings.Join(evicted, ", "), toleration)
	ctrl.LoggerFrom(ctx).Info("Application failover", "clusters", evicted, "toleration", toleration)
	return ctrl.Result{RequeueAfter: next}, nil
}
