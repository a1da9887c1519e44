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

// Package traffic reconciles TrafficPolicies: it decides each cluster's share
// of a host's traffic from its health (readiness, available replicas and
// SLIs read through the metrics provider) with the weight law of package
// traffic/weights, records the decision and its reasons in status, and keeps
// the Istio DestinationRule and VirtualService that carry it in every member.
package traffic

import (
	"context"
	"errors"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/metricsprovider"
	trafficspec "kurator.dev/kurator/internal/traffic"
)

// Reconciler owns TrafficPolicy status and the Works labelled with
// networkingv1alpha1.TrafficPolicyLabel.
type Reconciler struct {
	Client   client.Client
	Metrics  metricsprovider.Provider
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
}

// Reconcile runs the phases: clean up on deletion, observe, measure, decide,
// program the members, write status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	tp := &networkingv1alpha1.TrafficPolicy{}
	if err := r.Client.Get(ctx, req.NamespacedName, tp); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !tp.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.reconcileDelete(ctx, tp)
	}
	if controllerutil.AddFinalizer(tp, networkingv1alpha1.TrafficFinalizer) {
		if err := r.Client.Update(ctx, tp); err != nil {
			return ctrl.Result{}, err
		}
	}
	before := tp.Status.DeepCopy()
	next, err := r.reconcileNormal(ctx, tp)
	tp.Status.ObservedGeneration = tp.Generation
	if !apiequalStatus(before, &tp.Status) {
		if werr := r.Client.Status().Update(ctx, tp); werr != nil {
			return ctrl.Result{}, errors.Join(err, werr)
		}
	}
	return ctrl.Result{RequeueAfter: next}, err
}

func (r *Reconciler) reconcileDelete(ctx context.Context, tp *networkingv1alpha1.TrafficPolicy) error {
	if err := r.removeWorks(ctx, tp, nil); err != nil {
		return err
	}
	if controllerutil.RemoveFinalizer(tp, networkingv1alpha1.TrafficFinalizer) {
		return r.Client.Update(ctx, tp)
	}
	return nil
}

// reconcileNormal returns when to look again: at the next SLI interval, or
// when a pending change's cooldown ends.
func (r *Reconciler) reconcileNormal(ctx context.Context, tp *networkingv1alpha1.TrafficPolicy) (time.Duration, error) {
	now := r.Clock.Now()
	o, err := trafficspec.ParseObjectives(tp.Spec.SLO)
	if err != nil {
		r.setCondition(tp, networkingv1alpha1.ConditionReady, metav1.ConditionFalse, "InvalidObjectives", err.Error())
		return 0, nil
	}
	members, ready, err := r.members(ctx)
	if err != nil {
		return 0, err
	}
	targets, err := r.targets(ctx, tp, ready)
	if err != nil {
		return 0, err
	}
	for _, t := range targets {
		if !t.placed {
			r.setCondition(tp, networkingv1alpha1.ConditionReady, metav1.ConditionFalse, networkingv1alpha1.ReasonWorkloadNotPlaced,
				"workload "+t.workload.Kind+"/"+t.workload.Name+" has no binding with clusters yet")
			return o.Interval, nil
		}
	}
	slis, evaluated := r.measure(ctx, tp, o, targets, now)
	decision, err := r.decide(tp, o, targets, slis, evaluated, now)
	if err != nil {
		r.setCondition(tp, networkingv1alpha1.ConditionReady, metav1.ConditionFalse, "InvalidWeights", err.Error())
		return 0, nil
	}
	applied, failed, err := r.program(ctx, tp, members, decision.objects)
	if err != nil {
		return 0, err
	}
	r.setProgrammed(tp, len(members), applied, failed)
	next := o.Interval
	if !decision.nextEvaluation.IsZero() && decision.nextEvaluation.After(now) {
		next = min(next, decision.nextEvaluation.Sub(now))
	}
	return next, nil
}

// measure reads SLIs when objectives are set and an interval has passed since
// the last reading (timestamps in status, so restarts keep the rhythm).
func (r *Reconciler) measure(ctx context.Context, tp *networkingv1alpha1.TrafficPolicy, o trafficspec.Objectives, targets []target, now time.Time) (measured, bool) {
	if !o.Set {
		r.setCondition(tp, networkingv1alpha1.ConditionMetricsAvailable, metav1.ConditionTrue, networkingv1alpha1.ReasonNoSLO,
			"no objectives set: weights follow readiness and available replicas")
		return nil, false
	}
	if last := tp.Status.LastEvaluationTime; last != nil && now.Sub(last.Time) < o.Interval {
		return nil, false
	}
	out := measured{}
	for _, t := range targets {
		s, err := metricsprovider.WorkloadSLIs(ctx, r.Metrics, metricsprovider.Workload{Namespace: tp.Namespace, Name: t.workload.Name}, o.Window(), now)
		if err != nil {
			reason := networkingv1alpha1.ReasonMetricsUnavailable
			if errors.Is(err, metricsprovider.ErrNotConfigured) {
				reason = networkingv1alpha1.ReasonMetricsNotConfigured
			}
			r.setCondition(tp, networkingv1alpha1.ConditionMetricsAvailable, metav1.ConditionFalse, reason,
				err.Error()+"; the objectives are not checked and the breach counts in force are kept")
			return nil, false
		}
		out[t.subset] = s
	}
	tp.Status.LastEvaluationTime = &metav1.Time{Time: now}
	r.setCondition(tp, networkingv1alpha1.ConditionMetricsAvailable, metav1.ConditionTrue, networkingv1alpha1.ReasonMetricsRead,
		"SLIs read from "+r.Metrics.String())
	return out, true
}

func (r *Reconciler) setCondition(tp *networkingv1alpha1.TrafficPolicy, typ string, status metav1.ConditionStatus, reason, message string) {
	apimeta.SetStatusCondition(&tp.Status.Conditions, metav1.Condition{
		Type: typ, Status: status, Reason: reason, Message: message, ObservedGeneration: tp.Generation,
	})
}

// SetupWithManager watches policies, the bindings and clusters they depend
// on, and their Works.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	if r.Metrics == nil {
		r.Metrics = metricsprovider.None{}
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("trafficpolicy").
		For(&networkingv1alpha1.TrafficPolicy{}, builder.WithPredicates(predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&workv1alpha2.ResourceBinding{}, handler.EnqueueRequestsFromMapFunc(r.policiesInNamespace)).
		Watches(&karmadaclusterv1alpha1.Cluster{}, handler.EnqueueRequestsFromMapFunc(r.allPolicies)).
		Watches(&workv1alpha1.Work{}, handler.EnqueueRequestsFromMapFunc(policyOfWork)).
		Complete(r)
}

func (r *Reconciler) policiesInNamespace(ctx context.Context, obj client.Object) []reconcile.Request {
	return r.listPolicies(ctx, client.InNamespace(obj.GetNamespace()))
}

func (r *Reconciler) allPolicies(ctx context.Context, _ client.Object) []reconcile.Request {
	return r.listPolicies(ctx)
}

func (r *Reconciler) listPolicies(ctx context.Context, opts ...client.ListOption) []reconcile.Request {
	list := &networkingv1alpha1.TrafficPolicyList{}
	if err := r.Client.List(ctx, list, opts...); err != nil {
		return nil
	}
	out := make([]reconcile.Request, 0, len(list.Items))
	for _, tp := range list.Items {
		out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&tp)})
	}
	return out
}

// policyOfWork maps a Work back to its policy (label namespace.name; policy
// names have no dots only by convention, so the first dot splits).
func policyOfWork(_ context.Context, obj client.Object) []reconcile.Request {
	key, ok := obj.GetLabels()[networkingv1alpha1.TrafficPolicyLabel]
	if !ok {
		return nil
	}
	for i := 0; i < len(key); i++ {
		if key[i] == '.' {
			return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: key[:i], Name: key[i+1:]}}}
		}
	}
	return nil
}
