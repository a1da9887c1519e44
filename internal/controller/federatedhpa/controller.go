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

// Package federatedhpa reconciles FederatedHPAs: every sync period it reads
// the target template's pods in every cluster its binding places it on
// (package autoscaling/collect), computes the fleet's replica count with the
// HPA's arithmetic (package autoscaling), limits it by the behaviour with
// the recommendations and scale events kept in status, and writes the
// template's replicas through its scale subresource. The scheduler then
// divides them as the workload's policy says. It also serves
// HorizontalPodAutoscalers on the control plane (hpa.go).
package federatedhpa

import (
	"context"
	"errors"
	"fmt"
	"time"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/autoscaling"
	"kurator.dev/kurator/internal/autoscaling/collect"
	"kurator.dev/kurator/internal/metricsprovider"
	"kurator.dev/kurator/internal/scaletarget"
)

// DefaultSyncPeriod is Karmada's (and the HPA's): metrics are read and the
// replica count recomputed every 15 s.
const DefaultSyncPeriod = 15 * time.Second

// Reconciler owns FederatedHPA status and writes its target template's
// replicas.
type Reconciler struct {
	Client    client.Client
	Collector *collect.Collector
	Metrics   metricsprovider.Provider
	Recorder  events.EventRecorder
	Clock     clock.PassiveClock
	// SyncPeriod is how often each FederatedHPA is evaluated.
	SyncPeriod time.Duration
	// Tolerance is the HPA's: a ratio within it of 1 scales nothing.
	Tolerance float64
}

// Reconcile evaluates one FederatedHPA: observe the target and its
// placement, collect, compute, limit, scale, write status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	fhpa := &autoscalingv1alpha1.FederatedHPA{}
	if err := r.Client.Get(ctx, req.NamespacedName, fhpa); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if deleted, err := r.syncTargetLabel(ctx, fhpa); deleted || err != nil {
		return ctrl.Result{}, err
	}
	before := fhpa.Status.DeepCopy()
	err := r.evaluate(ctx, fhpa)
	generation := fhpa.Generation
	fhpa.Status.ObservedGeneration = &generation
	if !apiequality.Semantic.DeepEqual(before, &fhpa.Status) {
		if werr := r.Client.Status().Update(ctx, fhpa); werr != nil {
			return ctrl.Result{}, errors.Join(err, werr)
		}
	}
	return ctrl.Result{RequeueAfter: r.SyncPeriod}, err
}

// target is the scaled template as the evaluation sees it.
type target struct {
	gvk      schema.GroupVersionKind
	scale    *autoscalingv1.Scale
	selector labels.Selector
	binding  *workv1alpha2.ResourceBinding
}

func (r *Reconciler) evaluate(ctx context.Context, fhpa *autoscalingv1alpha1.FederatedHPA) error {
	now := r.Clock.Now()
	t, err := r.observe(ctx, fhpa)
	if err != nil {
		return err
	}
	if t == nil {
		return nil
	}
	current := t.scale.Spec.Replicas
	fhpa.Status.CurrentReplicas = current
	if t.binding.Spec.Replicas != current || t.binding.Status.SchedulerObservedGeneration < t.binding.Generation {
		// The scheduler has not divided the last change yet: the clusters'
		// shares would not add up to the template's count.
		fhpa.Status.DesiredReplicas = current
		return nil
	}
	clusters, err := r.clusters(ctx, t.binding)
	if err != nil {
		return err
	}
	answers := r.Collector.Collect(ctx, collect.Workload{Namespace: fhpa.Namespace, Selector: t.selector,
		Group: t.gvk.Group, Kind: t.gvk.Kind, Name: fhpa.Spec.ScaleTargetRef.Name}, clusters)
	r.recordClusters(fhpa, answers)
	proposal, err := r.propose(ctx, fhpa, t, answers, now)
	if err != nil {
		setCondition(fhpa, autoscalingv2.ScalingActive, false, proposal.reason, err.Error(), now)
		fhpa.Status.DesiredReplicas = current
		return nil
	}
	setCondition(fhpa, autoscalingv2.ScalingActive, true, "ValidMetricFound",
		"the HPA was able to successfully calculate a replica count from "+proposal.metricName, now)
	if predicted := r.predict(ctx, fhpa, proposal.replicas, now); predicted > proposal.replicas {
		proposal.replicas, proposal.metricName = predicted, "the forecast of "+fhpa.Spec.Prediction.Query
		proposal.detail = fmt.Sprintf("%d replicas for the peak of %s expected at %s", predicted,
			fhpa.Status.Prediction.PeakLoad, fhpa.Status.Prediction.PeakTime.UTC().Format(time.RFC3339))
	}
	desired := r.limit(fhpa, current, proposal.replicas, now)
	if full := noRoom(t.binding); full != "" && desired > current {
		desired = current
		setCondition(fhpa, autoscalingv2.ScalingLimited, true, "InsufficientCapacity",
			"no scale-up while the clusters cannot place the replicas already asked for: "+full, now)
	}
	fhpa.Status.DesiredReplicas = desired
	if desired == current {
		return nil
	}
	return r.scale(ctx, fhpa, t, desired, proposal, now)
}

// observe reads the target's scale and binding; nil without an error when
// the FederatedHPA cannot act yet (conditions say why).
func (r *Reconciler) observe(ctx context.Context, fhpa *autoscalingv1alpha1.FederatedHPA) (*target, error) {
	now := r.Clock.Now()
	ref := fhpa.Spec.ScaleTargetRef
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		setCondition(fhpa, autoscalingv2.AbleToScale, false, "FailedGetScale", fmt.Sprintf("scaleTargetRef.apiVersion %q: %v", ref.APIVersion, err), now)
		return nil, nil
	}
	gvk := gv.WithKind(ref.Kind)
	scale, err := scaletarget.Get(ctx, r.Client, scaletarget.Object(r.Client.Scheme(), gvk, fhpa.Namespace, ref.Name))
	if err != nil {
		if apierrors.IsNotFound(err) || isNoMatch(err) {
			setCondition(fhpa, autoscalingv2.AbleToScale, false, "FailedGetScale",
				fmt.Sprintf("the target %s %s has no scale subresource here or does not exist: %v", ref.Kind, ref.Name, err), now)
			return nil, nil
		}
		return nil, err
	}
	selector, err := labels.Parse(scale.Status.Selector)
	if err != nil || scale.Status.Selector == "" {
		setCondition(fhpa, autoscalingv2.AbleToScale, false, "InvalidSelector",
			fmt.Sprintf("the target %s %s reports no usable pod selector %q", ref.Kind, ref.Name, scale.Status.Selector), now)
		return nil, nil
	}
	setCondition(fhpa, autoscalingv2.AbleToScale, true, "SucceededGetScale", "the HPA controller was able to get the target's current scale", now)
	binding := &workv1alpha2.ResourceBinding{}
	key := client.ObjectKey{Namespace: fhpa.Namespace, Name: workv1alpha2.BindingName(ref.Name, ref.Kind)}
	if err := r.Client.Get(ctx, key, binding); err != nil {
		if !apierrors.IsNotFound(err) {
			return nil, err
		}
		binding = nil
	}
	if binding == nil || len(binding.Spec.Clusters) == 0 {
		setCondition(fhpa, autoscalingv2.ScalingActive, false, "NotPlaced",
			fmt.Sprintf("%s %s is not placed on any cluster yet: no policy propagates it, or it is not scheduled", ref.Kind, ref.Name), now)
		fhpa.Status.CurrentReplicas, fhpa.Status.DesiredReplicas = scale.Spec.Replicas, scale.Spec.Replicas
		return nil, nil
	}
	return &target{gvk: gvk, scale: scale, selector: selector, binding: binding}, nil
}

// noRoom is the scheduler's message when it could not place the binding's
// replicas for lack of capacity (it then keeps its previous decision), or
// empty.
func noRoom(binding *workv1alpha2.ResourceBinding) string {
	c := apimeta.FindStatusCondition(binding.Status.Conditions, workv1alpha2.ConditionScheduled)
	if c == nil || c.Status != metav1.ConditionFalse || c.Reason != workv1alpha2.BindingReasonUnschedulable || c.ObservedGeneration < binding.Generation {
		return ""
	}
	return c.Message
}

// clusters are the Cluster objects of the binding's target clusters; one
// that no longer exists is left out.
func (r *Reconciler) clusters(ctx context.Context, binding *workv1alpha2.ResourceBinding) ([]*karmadaclusterv1alpha1.Cluster, error) {
	out := make([]*karmadaclusterv1alpha1.Cluster, 0, len(binding.Spec.Clusters))
	for _, tc := range binding.Spec.Clusters {
		c := &karmadaclusterv1alpha1.Cluster{}
		if err := r.Client.Get(ctx, client.ObjectKey{Name: tc.Name}, c); err != nil {
			if apierrors.IsNotFound(err) {
				continue
			}
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// SetupWithManager evaluates each FederatedHPA on its spec's changes and
// every sync period.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	if r.SyncPeriod <= 0 {
		r.SyncPeriod = DefaultSyncPeriod
	}
	if r.Tolerance <= 0 {
		r.Tolerance = autoscaling.DefaultTolerance
	}
	if r.Metrics == nil {
		r.Metrics = metricsprovider.None{}
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("federatedhpa").
		For(&autoscalingv1alpha1.FederatedHPA{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Complete(r)
}

func setCondition(fhpa *autoscalingv1alpha1.FederatedHPA, typ autoscalingv2.HorizontalPodAutoscalerConditionType, ok bool, reason, message string, now time.Time) {
	status := "False"
	if ok {
		status = "True"
	}
	conds := fhpa.Status.Conditions
	for i := range conds {
		if conds[i].Type != typ {
			continue
		}
		if string(conds[i].Status) != status {
			conds[i].LastTransitionTime = metav1.NewTime(now)
		}
		conds[i].Status, conds[i].Reason, conds[i].Message = corev1ConditionStatus(status), reason, message
		return
	}
	fhpa.Status.Conditions = append(conds, autoscalingv2.HorizontalPodAutoscalerCondition{
		Type: typ, Status: corev1ConditionStatus(status), Reason: reason, Message: message, LastTransitionTime: metav1.NewTime(now),
	})
}
