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

package execution

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/interpreter"
)

// Karmada's retain behaviour for replicas: a manifest labelled
// RetainReplicasLabel sets spec.replicas when it creates the member object
// and never afterwards, so that an autoscaler in the member owns them. With
// server-side apply that means leaving the field out of what is applied,
// and out of the manifest's hash: a new division of the template's
// replicas then changes nothing to apply. One case needs the field
// nonetheless: while Kurator's apply still owns it (nobody else has
// written it since the creation), leaving it out would make the API server
// remove it, resetting the replicas to the kind's default. Kurator then
// applies the member's own value, at the resourceVersion it was read at,
// so that an autoscaler scaling meanwhile makes the apply fail instead of
// being undone; the autoscaler's next write takes the field over.

// retainsReplicas reports whether a decoded manifest asks the member to
// keep its replicas.
func retainsReplicas(obj *unstructured.Unstructured) bool {
	return obj.GetLabels()[workv1alpha1.RetainReplicasLabel] == workv1alpha1.RetainReplicasValue
}

// cutReplicas removes spec.replicas from a manifest that retains them and
// returns its value, to be applied on creation; nil otherwise.
func cutReplicas(obj *unstructured.Unstructured) any {
	if !retainsReplicas(obj) {
		return nil
	}
	replicas, found, _ := unstructured.NestedFieldNoCopy(obj.Object, "spec", "replicas")
	if !found {
		return nil
	}
	unstructured.RemoveNestedField(obj.Object, "spec", "replicas")
	return replicas
}

// toApply is what t sends to the member given live, its current object
// there (nil when there is none).
func (t *target) toApply(live *unstructured.Unstructured) *unstructured.Unstructured {
	if t.replicas == nil {
		return t.obj
	}
	if live == nil {
		obj := t.obj.DeepCopy()
		_ = unstructured.SetNestedField(obj.Object, t.replicas, "spec", "replicas")
		return obj
	}
	current, found, _ := unstructured.NestedFieldCopy(live.Object, "spec", "replicas")
	if !found || !ownsReplicas(live) {
		return t.obj
	}
	obj := t.obj.DeepCopy()
	_ = unstructured.SetNestedField(obj.Object, current, "spec", "replicas")
	obj.SetResourceVersion(live.GetResourceVersion())
	return obj
}

// ownsReplicas reports whether Kurator's apply owns live's spec.replicas.
func ownsReplicas(live *unstructured.Unstructured) bool {
	fields := ownedFields(live)
	if fields == "" {
		return false
	}
	var set struct {
		Spec map[string]json.RawMessage `json:"f:spec"`
	}
	if err := json.Unmarshal([]byte(fields), &set); err != nil {
		return false
	}
	_, owned := set.Spec["f:replicas"]
	return owned
}

// retain carries over, from the member's object, the fields its kind's
// Retain operation says member components own (a customisation's Retain
// script); obj is not modified. Without a member object, or a Retain of the
// kind's own, obj is applied as it is.
func (t *target) retain(obj, live *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	if live == nil {
		return obj, nil
	}
	in := interpreter.For(obj.GroupVersionKind())
	if !in.Handles(interpreter.OperationRetain) {
		return obj, nil
	}
	retained, err := in.Retain(obj.DeepCopy(), live.DeepCopy())
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", obj.GetKind(), describe(t.id), err)
	}
	return retained, nil
}
