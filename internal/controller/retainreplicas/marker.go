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

// Package retainreplicas implements Karmada's retain behaviour for the
// workloads that HPAs propagated to the members scale. The Marker labels
// the scale target of every HPA that a policy propagates with
// RetainReplicasLabel (Karmada's hpaScaleTargetMarker), so that the members
// keep the replicas their HPAs write (the execution controller leaves them
// out of what it applies). The Syncer keeps such a template's replicas, when
// divided, equal to the sum of the members' (Karmada's
// deploymentReplicasSyncer), so that the control plane shows the fleet's
// count.
package retainreplicas

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/propagation"
)

var hpaGVK = autoscalingv2.SchemeGroupVersion.WithKind("HorizontalPodAutoscaler")

// Target names the scale target of an HPA: the Marker's unit of work, so
// that a target whose last HPA is gone is still reconciled.
type Target struct {
	Namespace  string
	APIVersion string
	Kind       string
	Name       string
}

func (t Target) String() string {
	return fmt.Sprintf("%s %s/%s (%s)", t.Kind, t.Namespace, t.Name, t.APIVersion)
}

// targetOf is the Target an HPA scales.
func targetOf(hpa *autoscalingv2.HorizontalPodAutoscaler) Target {
	ref := hpa.Spec.ScaleTargetRef
	return Target{Namespace: hpa.Namespace, APIVersion: ref.APIVersion, Kind: ref.Kind, Name: ref.Name}
}

// scales reports whether hpa scales t, in any version of its group.
func (t Target) scales(hpa *autoscalingv2.HorizontalPodAutoscaler) bool {
	ref := hpa.Spec.ScaleTargetRef
	return ref.Kind == t.Kind && ref.Name == t.Name &&
		schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind).Group == schema.FromAPIVersionAndKind(t.APIVersion, t.Kind).Group
}

// Marker keeps RetainReplicasLabel on the scale targets of propagated HPAs.
// It owns the label only where it set it, which it records in
// RetainReplicasSetByAnnotation: a label a user set stays.
type Marker struct {
	Client client.Client
	// Reader reads templates of any kind from the API server, so that no
	// informer is started per kind.
	Reader client.Reader
}

// Reconcile labels one scale target, or removes the label it set.
func (m *Marker) Reconcile(ctx context.Context, t Target) (reconcile.Result, error) {
	hpas := &autoscalingv2.HorizontalPodAutoscalerList{}
	if err := m.Client.List(ctx, hpas, client.InNamespace(t.Namespace)); err != nil {
		return reconcile.Result{}, fmt.Errorf("list HPAs of %s: %w", t, err)
	}
	var by []string
	for i := range hpas.Items {
		hpa := &hpas.Items[i]
		if !hpa.DeletionTimestamp.IsZero() || !t.scales(hpa) {
			continue
		}
		propagated, err := propagation.Propagated(ctx, m.Client, hpaGVK, hpa)
		if err != nil {
			return reconcile.Result{}, err
		}
		if propagated {
			by = append(by, hpa.Name)
		}
	}
	slices.Sort(by)
	tpl := &metav1.PartialObjectMetadata{}
	tpl.SetGroupVersionKind(schema.FromAPIVersionAndKind(t.APIVersion, t.Kind))
	if err := m.Reader.Get(ctx, client.ObjectKey{Namespace: t.Namespace, Name: t.Name}, tpl); err != nil {
		// A target not created yet is labelled when it is: its binding's
		// creation wakes the Marker.
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	patch := markPatch(tpl, strings.Join(by, ","))
	if patch == nil {
		return reconcile.Result{}, nil
	}
	ctrl.LoggerFrom(ctx).V(1).Info("Marking the retained replicas of a scale target", "target", t.String(), "hpas", by)
	body, err := json.Marshal(patch)
	if err != nil {
		return reconcile.Result{}, fmt.Errorf("mark %s: %w", t, err)
	}
	if err := m.Client.Patch(ctx, tpl, client.RawPatch(types.MergePatchType, body)); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(fmt.Errorf("mark %s: %w", t, err))
	}
	return reconcile.Result{}, nil
}

// markPatch is the merge patch of tpl's metadata that makes its label
// match the propagated HPAs by (comma-separated, empty for none), or nil
// when it does already. The label is added with the record of who asked;
// once none does, a label this controller set is removed. A label it did
// not set, whatever its value, is the user's and left alone.
func markPatch(tpl client.Object, by string) map[string]any {
	_, labelled := tpl.GetLabels()[workv1alpha1.RetainReplicasLabel]
	setBy, ours := tpl.GetAnnotations()[workv1alpha1.RetainReplicasSetByAnnotation]
	labels, annotations := map[string]any{}, map[string]any{}
	switch {
	case by != "" && !labelled:
		labels[workv1alpha1.RetainReplicasLabel] = workv1alpha1.RetainReplicasValue
		annotations[workv1alpha1.RetainReplicasSetByAnnotation] = by
	case by != "" && ours && setBy != by:
		annotations[workv1alpha1.RetainReplicasSetByAnnotation] = by
	case by == "" && ours:
		annotations[workv1alpha1.RetainReplicasSetByAnnotation] = nil
		if labelled {
			labels[workv1alpha1.RetainReplicasLabel] = nil
		}
	default:
		return nil
	}
	meta := map[string]any{"annotations": annotations}
	if len(labels) > 0 {
		meta["labels"] = labels
	}
	return map[string]any{"metadata": meta}
}

// SetupWithManager watches HPAs (their old and new targets), the bindings
// of HPAs and the policies that decide whether HPAs are propagated.
func (m *Marker) SetupWithManager(mgr ctrl.Manager) error {
	return builder.TypedControllerManagedBy[Target](mgr).
		Named("retain-replicas-marker").
		Watches(&autoscalingv2.HorizontalPodAutoscaler{}, handler.TypedEnqueueRequestsFromMapFunc(targetOfObject)).
		Watches(&workv1alpha2.ResourceBinding{}, handler.TypedEnqueueRequestsFromMapFunc(m.targetOfBinding)).
		Watches(&policyv1alpha1.PropagationPolicy{}, handler.TypedEnqueueRequestsFromMapFunc(m.targetsIn)).
		Watches(&policyv1alpha1.ClusterPropagationPolicy{}, handler.TypedEnqueueRequestsFromMapFunc(m.targetsIn)).
		Complete(m)
}

func targetOfObject(_ context.Context, obj client.Object) []Target {
	hpa, ok := obj.(*autoscalingv2.HorizontalPodAutoscaler)
	if !ok {
		return nil
	}
	return []Target{targetOf(hpa)}
}

// targetOfBinding maps an HPA's binding to the HPA's target, and the
// binding of a template an HPA scales to that template: a scale target
// created after its HPA is labelled once the detector claims it.
func (m *Marker) targetOfBinding(ctx context.Context, obj client.Object) []Target {
	rb, ok := obj.(*workv1alpha2.ResourceBinding)
	if !ok {
		return nil
	}
	ref := rb.Spec.Resource
	if ref.Kind == hpaGVK.Kind && schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind).Group == hpaGVK.Group {
		hpa := &autoscalingv2.HorizontalPodAutoscaler{}
		if err := m.Client.Get(ctx, client.ObjectKey{Namespace: rb.Namespace, Name: ref.Name}, hpa); err != nil {
			// A deleted HPA's own event reconciles its target.
			return nil
		}
		return []Target{targetOf(hpa)}
	}
	// Most bindings are of templates no HPA scales: the cached HPAs say so
	// without reading the template.
	t := Target{Namespace: rb.Namespace, APIVersion: ref.APIVersion, Kind: ref.Kind, Name: ref.Name}
	hpas := &autoscalingv2.HorizontalPodAutoscalerList{}
	if err := m.Client.List(ctx, hpas, client.InNamespace(rb.Namespace)); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Cannot list HPAs for a binding change", "binding", rb.Name)
		return nil
	}
	for i := range hpas.Items {
		if t.scales(&hpas.Items[i]) {
			return []Target{t}
		}
	}
	return nil
}

// targetsIn maps a policy to the targets of the HPAs it may propagate: those
// of its namespace, or every namespace's for a cluster-wide policy.
func (m *Marker) targetsIn(ctx context.Context, obj client.Object) []Target {
	list := &autoscalingv2.HorizontalPodAutoscalerList{}
	if err := m.Client.List(ctx, list, client.InNamespace(obj.GetNamespace())); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Cannot list HPAs for a policy change", "policy", obj.GetName())
		return nil
	}
	out := make([]Target, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, targetOf(&list.Items[i]))
	}
	return out
}
