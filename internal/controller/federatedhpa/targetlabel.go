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
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
)

// The FederatedHPA controller is the only writer of
// autoscalingv1alpha1.MetricsReportedLabel: it labels each FederatedHPA's
// target, and takes the label off a template that no FederatedHPA targets
// any more, once its FederatedHPA is deleted or points elsewhere. The
// template it labelled is recorded on the FederatedHPA, so that a changed
// target or a deletion knows what to take the label off.
const (
	// labelledTargetAnnotation on a FederatedHPA names the template it
	// labelled, Kind.group/name in its namespace.
	labelledTargetAnnotation = "autoscaling.kurator.dev/labelled-target"
	// targetLabelFinalizer holds a deleted FederatedHPA until the label is
	// off its target.
	targetLabelFinalizer = "autoscaling.kurator.dev/target-label"
)

// syncTargetLabel labels the FederatedHPA's target and unlabels the one it
// no longer targets. deleted is true when the FederatedHPA is being deleted
// and may go: nothing else is to be done for it.
func (r *Reconciler) syncTargetLabel(ctx context.Context, fhpa *autoscalingv1alpha1.FederatedHPA) (deleted bool, err error) {
	deleting := !fhpa.DeletionTimestamp.IsZero()
	if deleting && !controllerutil.ContainsFinalizer(fhpa, targetLabelFinalizer) {
		return true, nil
	}
	want := ""
	if !deleting {
		want = targetKey(fhpa)
	}
	labelled := fhpa.Annotations[labelledTargetAnnotation]
	if labelled != "" && labelled != want {
		if err := r.unlabelUnlessTargeted(ctx, fhpa, labelled); err != nil {
			return false, err
		}
		labelled = ""
	}
	if want != "" {
		ok, err := r.setTargetLabel(ctx, fhpa.Namespace, want, true)
		if err != nil {
			return false, err
		}
		if ok {
			labelled = want
		}
	}
	annotations := map[string]any{labelledTargetAnnotation: nil}
	if labelled != "" {
		annotations[labelledTargetAnnotation] = labelled
	}
	metadata := map[string]any{"annotations": annotations}
	switch {
	case deleting:
		metadata["finalizers"] = removeString(fhpa.Finalizers, targetLabelFinalizer)
	case !controllerutil.ContainsFinalizer(fhpa, targetLabelFinalizer):
		metadata["finalizers"] = append(slices.Clone(fhpa.Finalizers), targetLabelFinalizer)
	case fhpa.Annotations[labelledTargetAnnotation] == labelled:
		return false, nil
	}
	// The finalizers are sent whole: the resourceVersion makes a
	// concurrent change of them a conflict, not a loss.
	metadata["resourceVersion"] = fhpa.ResourceVersion
	body, err := json.Marshal(map[string]any{"metadata": metadata})
	if err != nil {
		return false, err
	}
	if err := r.Client.Patch(ctx, fhpa, client.RawPatch(types.MergePatchType, body)); err != nil {
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, fmt.Errorf("record the labelled target of FederatedHPA %s/%s: %w", fhpa.Namespace, fhpa.Name, err)
	}
	return deleting, nil
}

// unlabelUnlessTargeted takes the label off the template key unless another
// FederatedHPA of the namespace targets it.
func (r *Reconciler) unlabelUnlessTargeted(ctx context.Context, fhpa *autoscalingv1alpha1.FederatedHPA, key string) error {
	var list autoscalingv1alpha1.FederatedHPAList
	if err := r.Client.List(ctx, &list, client.InNamespace(fhpa.Namespace)); err != nil {
		return err
	}
	for i := range list.Items {
		other := &list.Items[i]
		if other.UID != fhpa.UID && other.DeletionTimestamp.IsZero() && targetKey(other) == key {
			return nil
		}
	}
	_, err := r.setTargetLabel(ctx, fhpa.Namespace, key, false)
	return err
}

// setTargetLabel puts the label on the template key (or takes it off),
// writing only when it differs. found is false when the template does not
// exist (yet).
func (r *Reconciler) setTargetLabel(ctx context.Context, namespace, key string, on bool) (found bool, err error) {
	gk, name, ok := parseTargetKey(key)
	if !ok {
		return false, nil
	}
	mapping, err := r.Client.RESTMapper().RESTMapping(gk)
	if err != nil {
		if isNoMatch(err) {
			return false, nil
		}
		return false, err
	}
	obj := &metav1.PartialObjectMetadata{}
	obj.SetGroupVersionKind(mapping.GroupVersionKind)
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, obj); err != nil {
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	_, has := obj.Labels[autoscalingv1alpha1.MetricsReportedLabel]
	if has == on {
		return true, nil
	}
	var value any
	if on {
		value = "true"
	}
	body, err := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{autoscalingv1alpha1.MetricsReportedLabel: value}}})
	if err != nil {
		return false, err
	}
	if err := r.Client.Patch(ctx, obj, client.RawPatch(types.MergePatchType, body)); err != nil {
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return false, fmt.Errorf("label %s %s/%s: %w", gk.Kind, namespace, name, err)
	}
	ctrl.LoggerFrom(ctx).V(1).Info("Wrote the metrics-reported label of a target", "target", key, "on", on)
	return true, nil
}

// targetKey identifies a FederatedHPA's target in its namespace regardless
// of the API version it is named by: Kind.group/name.
func targetKey(fhpa *autoscalingv1alpha1.FederatedHPA) string {
	ref := fhpa.Spec.ScaleTargetRef
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil || ref.Kind == "" || ref.Name == "" {
		return ""
	}
	return schema.GroupKind{Group: gv.Group, Kind: ref.Kind}.String() + "/" + ref.Name
}

func parseTargetKey(key string) (schema.GroupKind, string, bool) {
	gk, name, ok := strings.Cut(key, "/")
	if !ok || gk == "" || name == "" {
		return schema.GroupKind{}, "", false
	}
	return schema.ParseGroupKind(gk), name, true
}

func removeString(list []string, s string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(v string) bool { return v == s })
}
