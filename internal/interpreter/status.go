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

package interpreter

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Readers of a member object's spec and status, shared by the kinds'
// health rules.

// observedCurrent reports whether the object's controller has seen its
// current spec.
func observedCurrent(obj *unstructured.Unstructured) bool {
	return statusInt(obj, "observedGeneration") >= obj.GetGeneration()
}

// desiredReplicas is spec.replicas, one when unset.
func desiredReplicas(obj *unstructured.Unstructured) int64 {
	n, found, err := unstructured.NestedInt64(obj.Object, "spec", "replicas")
	if !found || err != nil {
		return 1
	}
	return n
}

func statusInt(obj *unstructured.Unstructured, field string) int64 {
	n, _, _ := unstructured.NestedInt64(obj.Object, "status", field)
	return n
}

func conditionTrue(obj *unstructured.Unstructured, condType string) bool {
	status, _, _ := unstructured.NestedMap(obj.Object, "status")
	st, _, _, _ := memberCondition(status, condType)
	return st == "True"
}
