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
// Package intelligentscheduler runs IntelligentSchedulers: it finds the
// workloads each governs, hands them its objective with their measured SLIs
// and whether the budget is exceeded (an annotation on the binding the
// scheduler reads), and reports the estimated spend and emissions, the
// clusters below the SLO and the spend forecast in status.
package intelligentscheduler

import (
	"context"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/metricsprovider"
)

// DefaultResync is how often estimates and SLIs are refreshed.
const DefaultResync = 30 * time.Second

// Reconciler runs IntelligentSchedulers.
type Reconciler struct {
	Client   client.Client
	Metrics  metricsprovider.Provider
	Recorder events.EventRecorder
	Clock    clock.Clock
	// Resync is how often each scheduler is re-evaluated.
	Resync time.Duration
}

// +kubebuilder:rbac:groups=scheduling.kurator.dev,resources=intelligentschedulers,verbs=get;list;watch
// +kubebuilder:rbac:groups=scheduling.kurator.dev,resources=intelligentschedulers/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=work.karmada.io,resources=resourcebindings;clusterresourcebindings,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=cluster.karmada.io,resources=clusters,verbs=get;list;watch

// SetupWithManager watches schedulers, the bindings they may govern, and
// the clusters whose prices they estimate with.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	if r.Resync == 0 {
		r.Resync = DefaultResync
	}
	if r.Metrics == nil {
		r.Metrics = metricsprovider.None{}
	}
	registerMetrics()
	return ctrl.NewControllerManagedBy(mgr).Named("intelligentscheduler").
		For(&schedulingv1alpha1.IntelligentScheduler{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&workv1alpha2.ResourceBinding{}, handler.EnqueueRequestsFromMapFunc(r.allSchedulers), builder.WithPredicates(placementChanged)).
		Watches(&workv1alpha2.ClusterResourceBinding{}, handler.EnqueueRequestsFromMapFunc(r.allSchedulers), builder.WithPredicates(placementChanged)).
		Watches(&karmadaclusterv1alpha1.Cluster{}, handler.EnqueueRequestsFromMapFunc(r.allSchedulers), builder.WithPredicates(propertiesChanged)).
		Complete(r)
}

// placementChanged passes the binding changes that change an estimate or
// a selection: creation, deletion, spec (the generation).
var placementChanged = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool { return e.ObjectOld.GetGeneration() != e.ObjectNew.GetGeneration() },
}

var propertiesChanged = predicate.Funcs{
	CreateFunc: func(event.CreateEvent) bool { return true },
	DeleteFunc: func(event.DeleteEvent) bool { return true },
	UpdateFunc: func(e event.UpdateEvent) bool {
		return clusterproperties.Changed(e.ObjectOld.GetAnnotations(), e.ObjectNew.GetAnnotations()) ||
			clusterproperties.Changed(e.ObjectOld.GetLabels(), e.ObjectNew.GetLabels())
	},
}

// allSchedulers enqueues every scheduler: a binding may move from one to
// another, and there are few schedulers.
func (r *Reconciler) allSchedulers(ctx context.Context, _ client.Object) []reconcile.Request {
	var list schedulingv1alpha1.IntelligentSchedulerList
	if err := r.Client.List(ctx, &list); err != nil {
		return nil
	}
	out := make([]reconcile.Request, 0, len(list.Items))
	for _, s := range list.Items {
		out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&s)})
	}
	return out
}

// Reconcile evaluates one scheduler: its workloads, their objective, the
// estimates and the status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var s schedulingv1alpha1.IntelligentScheduler
	if err := r.Client.Get(ctx, req.NamespacedName, &s); err != nil {
		if client.IgnoreNotFound(err) != nil {
			return ctrl.Result{}, err
		}
		// Gone: its workloads are placed by their policies alone again.
		return ctrl.Result{}, r.releaseAll(ctx, req.Name)
	}
	if !s.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	now := r.Clock.Now()
	settings, err := intelligent.Parse(&s)
	if err != nil {
		if err := r.releaseAll(ctx, s.Name); err != nil {
			return ctrl.Result{}, err
		}
		return ctrl.Result{}, r.writeInvalid(ctx, &s, err)
	}
	fleet, err := r.readFleet(ctx)
	if err != nil {
		return ctrl.Result{}, err
	}
	governed := fleet.governedBy(&s)
	if err := r.release(ctx, s.Name, fleet.bindings, governed); err != nil {
		return ctrl.Result{}, err
	}
	e := r.evaluate(ctx, &s, settings, fleet, governed, now)
	if err := r.handOver(ctx, governed, e.objectives); err != nil {
		return ctrl.Result{}, err
	}
	if err := r.writeStatus(ctx, &s, settings, e, now); err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{RequeueAfter: r.Resync}, nil
}

func (r *Reconciler) writeInvalid(ctx context.Context, s *schedulingv1alpha1.IntelligentScheduler, err error) error {
	before := s.Status.DeepCopy()
	apimeta.SetStatusCondition(&s.Status.Conditions, metav1.Condition{
		Type: schedulingv1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: "InvalidSpec",
		Message: err.Error(), ObservedGeneration: s.Generation,
	})
	s.Status.ObservedGeneration = s.Generation
	return r.patchStatus(ctx, s, before)
}
