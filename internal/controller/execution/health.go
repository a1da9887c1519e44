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

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// reflectStatus returns the member object's .status for the Work, plus the
// object's metadata.generation as "generation" so that the binding
// controller can compare it with status.observedGeneration. A status that
// already has a "generation" field keeps its own. Objects without status
// and generation (ConfigMaps, Secrets) reflect nothing.
func reflectStatus(obj *unstructured.Unstructured) (*runtime.RawExtension, error) {
	status, _, err := unstructured.NestedMap(obj.Object, "status")
	if err != nil {
		return nil, err
	}
	if gen := obj.GetGeneration(); gen > 0 {
		if status == nil {
			status = map[string]any{}
		}
		if _, ok := status["generation"]; !ok {
			status["generation"] = gen
		}
	}
	if status == nil {
		return nil, nil
	}
	raw, err := json.Marshal(status)
	if err != nil {
		return nil, err
	}
	return &runtime.RawExtension{Raw: raw}, nil
}

// health interprets a member object's state. Kinds without rules are
// healthy once applied.
func health(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	group := obj.GroupVersionKind().Group
	switch {
	case group == "apps" && obj.GetKind() == "Deployment":
		return deploymentHealth(obj)
	case group == "apps" && obj.GetKind() == "StatefulSet":
		return statefulSetHealth(obj)
	case group == "batch" && obj.GetKind() == "Job":
		return jobHealth(obj)
	case group == "" && obj.GetKind() == "Pod":
		return podHealth(obj)
	default:
		return workv1alpha1.ResourceHealthy
	}
}

// deploymentHealth: the controller saw the current spec, and every desired
// replica is updated and available with no old replica left.
func deploymentHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	if !observedCurrent(obj) {
		return workv1alpha1.ResourceUnhealthy
	}
	want := desiredReplicas(obj)
	if statusInt(obj, "replicas") == want && statusInt(obj, "updatedReplicas") == want && statusInt(obj, "availableReplicas") == want {
		return workv1alpha1.ResourceHealthy
	}
	return workv1alpha1.ResourceUnhealthy
}

// statefulSetHealth: like a Deployment, with ready replicas; an OnDelete
// StatefulSet does not update replicas by itself, so updated ones are not
// required.
func statefulSetHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	if !observedCurrent(obj) {
		return workv1alpha1.ResourceUnhealthy
	}
	want := desiredReplicas(obj)
	strategy, _, _ := unstructured.NestedString(obj.Object, "spec", "updateStrategy", "type")
	updated := strategy == "OnDelete" || statusInt(obj, "updatedReplicas") == want
	if updated && statusInt(obj, "replicas") == want && statusInt(obj, "readyReplicas") == want {
		return workv1alpha1.ResourceHealthy
	}
	return workv1alpha1.ResourceUnhealthy
}

// jobHealth: a Job is healthy while running and once complete; only a
// failed Job is unhealthy.
func jobHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	if conditionTrue(obj, "Failed") {
		return workv1alpha1.ResourceUnhealthy
	}
	return workv1alpha1.ResourceHealthy
}

// podHealth: Running and Ready, or finished successfully.
func podHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
	switch {
	case phase == "Succeeded":
		return workv1alpha1.ResourceHealthy
	case phase == "Running" && conditionTrue(obj, "Ready"):
		return workv1alpha1.ResourceHealthy
	default:
		return workv1alpha1.ResourceUnhealthy
	}
}

func observedCurrent(obj *unstructured.Unstructured) bool {
	return statusInt(obj, "observedGeneration") >= obj.GetGeneration()
}

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
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if ok && m["type"] == condType && m["status"] == "True" {
			return true
		}
	}
	return false
}
