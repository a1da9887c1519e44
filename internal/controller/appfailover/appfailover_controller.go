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
// Package appfailover times how long a workload stays unhealthy on each
// cluster, for the bindings whose policy has failover.application
// (Karmada's application failover). It records the timers on the binding
// (workv1alpha2.UnhealthySinceAnnotation), its only write; the scheduler
// evicts a cluster whose timer is older than the policy tolerates and
// places the replicas elsewhere.
package appfailover

import (
	"context"
	"encoding/json"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/controller/retry"
	"kurator.dev/kurator/internal/failover"
)

// Reconciler watches the health the binding status controller aggregates.
type Reconciler struct {
	Client client.Client
	Clock  clock.PassiveClock
}

// SetupWithManager registers the controller for ResourceBindings.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	return ctrl.NewControllerManagedBy(mgr).Named("application-failover").
		For(&workv1alpha2.ResourceBinding{}).
		WithOptions(controller.Options{MaxConcurrentReconciles: 4}).
		Complete(retry.OnConflict(r))
}

// +kubebuilder:rbac:groups=work.karmada.io,resources=resourcebindings,verbs=get;list;watch;patch

// Reconcile brings the binding's unhealthy timers up to date with the
// health of its target clusters.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	rb := &workv1alpha2.ResourceBinding{}
	if err := r.Client.Get(ctx, req.NamespacedName, rb); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	var since map[string]time.Time
	if _, on := failover.ApplicationToleration(&rb.Spec); on && rb.DeletionTimestamp.IsZero() {
		since = failover.ObserveHealth(failover.DecodeUnhealthySince(rb), rb.Status.AggregatedStatus, rb.Spec.Clusters, r.Clock.Now())
	}
	value, had := rb.Annotations[workv1alpha2.UnhealthySinceAnnotation]
	next := failover.EncodeUnhealthySince(since)
	if next == value && (next != "" || !had) {
		return ctrl.Result{}, nil
	}
	// This controller is the annotation's only writer: a merge patch of
	// that one key needs no lock.
	var patched any = next
	if next == "" {
		patched = nil
	}
	body, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]any{workv1alpha2.UnhealthySinceAnnotation: patched}}})
	if err != nil {
		return ctrl.Result{}, err
	}
	if err := r.Client.Patch(ctx, rb, client.RawPatch(types.MergePatchType, body)); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	ctrl.LoggerFrom(ctx).V(2).Info("Unhealthy timers updated", "unhealthySince", next)
	return ctrl.Result{}, nil
}
