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
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// A Pod is propagated whole.
func init() {
	pod := podWorkload[corev1.Pod](func(p *corev1.Pod) (*int32, *corev1.PodSpec) {
		return nil, &p.Spec
	})
	registerBuiltin(schema.GroupKind{Kind: "Pod"}, Operations{
		GetDependencies: pod.dependencies,
		InterpretHealth: podHealth,
	})
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
