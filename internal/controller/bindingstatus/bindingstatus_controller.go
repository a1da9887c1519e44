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
// Package bindingstatus folds the Works' status back: each target
// cluster's report into the binding's aggregatedStatus and FullyApplied
// condition, and the members' statuses, summed by the resource interpreter,
// into the template's status. It writes nothing else; the way forward
// (decision to Works) is the binding controller's.
package bindingstatus

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/priorityqueue"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/bindingworks"
	"kurator.dev/kurator/internal/controller/interpretercustomization"
	"kurator.dev/kurator/internal/controller/retry"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/resourcetemplate"
)

// Reconciler handles one kind of binding.
type Reconciler struct {
	Client     client.Client
	Dynamic    dynamic.Interface
	Mapper     apimeta.RESTMapper
	Templates  *resourcetemplate.Reader
	Clock      clock.PassiveClock
	NewBinding func() workv1alpha2.Binding

	settling settling
}

// SetupWithManager registers reconcilers for both binding kinds.
func SetupWithManager(mgr ctrl.Manager, dyn dynamic.Interface, templates *resourcetemplate.Reader) error {
	for _, r := range []*Reconciler{
		{NewBinding: func() workv1alpha2.Binding { return &workv1alpha2.ResourceBinding{} }},
		{NewBinding: func() workv1alpha2.Binding { return &workv1alpha2.ClusterResourceBinding{} }},
	} {
		r.Client, r.Dynamic, r.Mapper, r.Templates, r.Clock = mgr.GetClient(), dyn, mgr.GetRESTMapper(), templates, clock.RealClock{}
		_, cluster := r.NewBinding().(*workv1alpha2.ClusterResourceBinding)
		name := "bindingstatus-rb"
		if cluster {
			name = "bindingstatus-crb"
		}
		// A new decision (generation) changes the clusters to report on, and
		// the Rendered condition the clusters that failed to render; Work
		// status flows in at low priority, coalesced.
		if err := ctrl.NewControllerManagedBy(mgr).Named(name).
			For(r.NewBinding(), builder.WithPredicates(predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, renderedChanged))).
			WithOptions(controller.Options{MaxConcurrentReconciles: 48}).
			Watches(&workv1alpha1.Work{}, lowPriority(bindingworks.ToBinding(cluster))).
			WatchesRawSource(interpretercustomization.BindingsOfChangedKinds(interpreter.Default, mgr.GetClient(), cluster)).
			Complete(retry.OnConflict(r)); err != nil {
			return err
		}
	}
	return nil
}

// +kubebuilder:rbac:groups=work.karmada.io,resources=works,verbs=get;list;watch
// +kubebuilder:rbac:groups=work.karmada.io,resources=resourcebindings/status;clusterresourcebindings/status,verbs=get;update;patch

// Reconcile summarises the Works of one binding.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	b := r.NewBinding()
	if err := r.Client.Get(ctx, req.NamespacedName, b); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !b.GetDeletionTimestamp().IsZero() {
		r.settling.forget(req.String())
		return ctrl.Result{}, nil
	}
	works, err := bindingworks.List(ctx, r.Client, b)
	if err != nil {
		return ctrl.Result{}, err
	}
	if !worksWritten(b, works) {
		// The binding controller has not written the Works of this
		// decision yet: their creation wakes this controller, and the wait
		// for their reports starts from there.
		return ctrl.Result{}, nil
	}
	settleAfter, err := r.updateBindingStatus(ctx, b, works)
	if err != nil {
		return ctrl.Result{}, err
	}
	if settleAfter > 0 {
		// Work reports wake the binding anyway; this is the deadline, at
		// the low priority of status work.
		result = ctrl.Result{RequeueAfter: settleAfter, Priority: ptr.To(handler.LowPriority)}
	}
	ref := b.BindingSpec().Resource
	if !interpreter.For(schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind)).Handles(interpreter.OperationAggregateStatus) {
		// Nothing to aggregate: the template need not be read.
		return result, nil
	}
	tpl, err := r.Templates.For(ctx, b)
	if err != nil || tpl == nil {
		return result, err
	}
	return result, r.aggregateTemplateStatus(ctx, b, tpl, works)
}

// worksWritten reports whether every target cluster of the binding's
// decision has a Work, but those the binding controller reports it could
// not render for. Before that the binding is not decided yet, or its Works
// are being written.
func worksWritten(b workv1alpha2.Binding, works []workv1alpha1.Work) bool {
	status := b.BindingStatus()
	if apimeta.FindStatusCondition(status.Conditions, workv1alpha2.ConditionRendered) == nil {
		return false
	}
	targets := propagation.Targets(b.BindingSpec())
	failed := propagation.RenderFailures(status.Conditions, targets)
	have := make(map[string]bool, len(works))
	for i := range works {
		have[works[i].Namespace] = true
	}
	for _, t := range targets {
		if _, ok := failed[t.Name]; !ok && !have[workv1alpha1.ExecutionNamespace(t.Name)] {
			return false
		}
	}
	return true
}

// renderedChanged passes a change of the binding's Rendered condition.
var renderedChanged = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		o, ok1 := e.ObjectOld.(workv1alpha2.Binding)
		n, ok2 := e.ObjectNew.(workv1alpha2.Binding)
		if !ok1 || !ok2 {
			return false
		}
		return !equality.Semantic.DeepEqual(apimeta.FindStatusCondition(o.BindingStatus().Conditions, workv1alpha2.ConditionRendered),
			apimeta.FindStatusCondition(n.BindingStatus().Conditions, workv1alpha2.ConditionRendered))
	},
}

type queue = workqueue.TypedRateLimitingInterface[reconcile.Request]

// statusCoalescing is how long a Work's status change waits before its
// binding is reconciled, so that the Works of several clusters reporting
// at about the same time make one binding status write, not one each.
const statusCoalescing = 500 * time.Millisecond

// lowPriority enqueues the requests of fn after statusCoalescing, behind
// every request of normal priority (new decisions, template changes), when
// the controller's queue is a priority queue.
func lowPriority(fn handler.MapFunc) handler.EventHandler {
	add := func(ctx context.Context, obj client.Object, q queue) {
		reqs := fn(ctx, obj)
		if pq, ok := q.(priorityqueue.PriorityQueue[reconcile.Request]); ok {
			pq.AddWithOpts(priorityqueue.AddOpts{Priority: ptr.To(handler.LowPriority), After: statusCoalescing}, reqs...)
			return
		}
		for _, r := range reqs {
			q.AddAfter(r, statusCoalescing)
		}
	}
	return handler.Funcs{
		CreateFunc:  func(ctx context.Context, e event.CreateEvent, q queue) { add(ctx, e.Object, q) },
		UpdateFunc:  func(ctx context.Context, e event.UpdateEvent, q queue) { add(ctx, e.ObjectNew, q) },
		DeleteFunc:  func(ctx context.Context, e event.DeleteEvent, q queue) { add(ctx, e.Object, q) },
		GenericFunc: func(ctx context.Context, e event.GenericEvent, q queue) { add(ctx, e.Object, q) },
	}
}
