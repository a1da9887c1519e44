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

package federatedhpa

import (
	"context"
	"fmt"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/policymatch"
)

// FromHPALabel marks a FederatedHPA that serves a HorizontalPodAutoscaler
// of the same name.
const FromHPALabel = "autoscaling.kurator.dev/from-hpa"

// HPAReconciler serves HorizontalPodAutoscalers on the control plane, where
// no HPA controller runs. An HPA that a policy propagates is the members'
// business: each member's copy scales its own replicas. Any other HPA is
// fleet-wide: it is served by a FederatedHPA of the same name that it owns
// (so the fleet arithmetic, history and events are the FederatedHPA's),
// and its status mirrors that FederatedHPA's. It owns the FederatedHPAs it
// creates and the HPAs' status.
type HPAReconciler struct {
	Client client.Client
	Clock  clock.PassiveClock
}

// Reconcile keeps one HPA's FederatedHPA and status.
func (r *HPAReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	hpa := &autoscalingv2.HorizontalPodAutoscaler{}
	if err := r.Client.Get(ctx, req.NamespacedName, hpa); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !hpa.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	fhpa := &autoscalingv1alpha1.FederatedHPA{}
	err := r.Client.Get(ctx, req.NamespacedName, fhpa)
	if err != nil && !apierrors.IsNotFound(err) {
		return ctrl.Result{}, err
	}
	exists := err == nil
	owned := exists && metav1.IsControlledBy(fhpa, hpa)
	propagated, err := r.propagated(ctx, hpa)
	if err != nil {
		return ctrl.Result{}, err
	}
	if propagated {
		// The members scale; a FederatedHPA would fight them.
		if owned {
			return ctrl.Result{}, client.IgnoreNotFound(r.Client.Delete(ctx, fhpa))
		}
		return ctrl.Result{}, nil
	}
	if exists && !owned {
		return ctrl.Result{}, r.writeStatus(ctx, hpa, nil, fmt.Sprintf(
			"FederatedHPA %s/%s exists and is not this HPA's: rename one of them", fhpa.Namespace, fhpa.Name))
	}
	if !exists {
		fhpa = &autoscalingv1alpha1.FederatedHPA{ObjectMeta: metav1.ObjectMeta{Namespace: hpa.Namespace, Name: hpa.Name}}
	}
	op, err := controllerutil.CreateOrUpdate(ctx, r.Client, fhpa, func() error {
		if fhpa.Labels == nil {
			fhpa.Labels = map[string]string{}
		}
		fhpa.Labels[FromHPALabel] = hpa.Name
		fhpa.Spec = autoscalingv1alpha1.FederatedHPASpec{
			ScaleTargetRef: hpa.Spec.ScaleTargetRef, MinReplicas: hpa.Spec.MinReplicas, MaxReplicas: hpa.Spec.MaxReplicas,
			Metrics: hpa.Spec.Metrics, Behavior: hpa.Spec.Behavior,
		}
		return controllerutil.SetControllerReference(hpa, fhpa, r.Client.Scheme())
	})
	if err != nil {
		return ctrl.Result{}, err
	}
	if op != controllerutil.OperationResultNone {
		ctrl.LoggerFrom(ctx).V(1).Info("Wrote the FederatedHPA serving an HPA", "operation", op)
	}
	return ctrl.Result{}, r.writeStatus(ctx, hpa, fhpa, "")
}

// propagated reports whether a policy propagates the HPA: it has a binding,
// or a policy selects it (the binding may not be written yet).
func (r *HPAReconciler) propagated(ctx context.Context, hpa *autoscalingv2.HorizontalPodAutoscaler) (bool, error) {
	binding := &workv1alpha2.ResourceBinding{}
	err := r.Client.Get(ctx, client.ObjectKey{Namespace: hpa.Namespace, Name: workv1alpha2.BindingName(hpa.Name, "HorizontalPodAutoscaler")}, binding)
	if err == nil {
		return true, nil
	}
	if !apierrors.IsNotFound(err) {
		return false, err
	}
	obj := &unstructured.Unstructured{}
	obj.SetAPIVersion(autoscalingv2.SchemeGroupVersion.String())
	obj.SetKind("HorizontalPodAutoscaler")
	obj.SetNamespace(hpa.Namespace)
	obj.SetName(hpa.Name)
	obj.SetLabels(hpa.Labels)
	var candidates []policymatch.Candidate
	pps := &policyv1alpha1.PropagationPolicyList{}
	if err := r.Client.List(ctx, pps, client.InNamespace(hpa.Namespace)); err != nil {
		return false, err
	}
	for i := range pps.Items {
		candidates = append(candidates, policymatch.Candidate{Name: pps.Items[i].Name, Namespace: hpa.Namespace, Spec: &pps.Items[i].Spec})
	}
	cpps := &policyv1alpha1.ClusterPropagationPolicyList{}
	if err := r.Client.List(ctx, cpps); err != nil {
		return false, err
	}
	for i := range cpps.Items {
		candidates = append(candidates, policymatch.Candidate{Name: cpps.Items[i].Name, Spec: &cpps.Items[i].Spec})
	}
	_, found := policymatch.Best(obj, candidates)
	return found, nil
}

// writeStatus mirrors the FederatedHPA's status into the HPA's, or reports
// why there is none.
func (r *HPAReconciler) writeStatus(ctx context.Context, hpa *autoscalingv2.HorizontalPodAutoscaler, fhpa *autoscalingv1alpha1.FederatedHPA, conflict string) error {
	status := hpa.Status.DeepCopy()
	if fhpa != nil {
		*status = *fhpa.Status.HorizontalPodAutoscalerStatus.DeepCopy()
	} else {
		now := metav1.NewTime(r.Clock.Now())
		status.Conditions = []autoscalingv2.HorizontalPodAutoscalerCondition{{
			Type: autoscalingv2.AbleToScale, Status: "False", Reason: "FederatedHPAConflict", Message: conflict, LastTransitionTime: now,
		}}
	}
	generation := hpa.Generation
	status.ObservedGeneration = &generation
	if apiequality.Semantic.DeepEqual(status, &hpa.Status) {
		return nil
	}
	hpa.Status = *status
	return r.Client.Status().Update(ctx, hpa)
}

// SetupWithManager watches HPAs, the FederatedHPAs they own, and the
// bindings and policies that decide whether they are propagated.
func (r *HPAReconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("hpa").
		For(&autoscalingv2.HorizontalPodAutoscaler{}).
		Owns(&autoscalingv1alpha1.FederatedHPA{}).
		Watches(&workv1alpha2.ResourceBinding{}, handler.EnqueueRequestsFromMapFunc(hpaOfBinding)).
		Watches(&policyv1alpha1.PropagationPolicy{}, handler.EnqueueRequestsFromMapFunc(r.hpasIn)).
		Watches(&policyv1alpha1.ClusterPropagationPolicy{}, handler.EnqueueRequestsFromMapFunc(r.hpasIn)).
		Complete(r)
}

func hpaOfBinding(_ context.Context, obj client.Object) []reconcile.Request {
	rb, ok := obj.(*workv1alpha2.ResourceBinding)
	if !ok || rb.Spec.Resource.Kind != "HorizontalPodAutoscaler" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: rb.Namespace, Name: rb.Spec.Resource.Name}}}
}

func (r *HPAReconciler) hpasIn(ctx context.Context, obj client.Object) []reconcile.Request {
	list := &autoscalingv2.HorizontalPodAutoscalerList{}
	if err := r.Client.List(ctx, list, client.InNamespace(obj.GetNamespace())); err != nil {
		return nil
	}
	out := make([]reconcile.Request, len(list.Items))
	for i := range list.Items {
		out[i] = reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])}
	}
	return out
}
