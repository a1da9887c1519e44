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
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

func init() {
	deployment := podWorkload[appsv1.Deployment](func(d *appsv1.Deployment) (*int32, *corev1.PodSpec) {
		return d.Spec.Replicas, &d.Spec.Template.Spec
	})
	registerBuiltin(schema.GroupKind{Group: "apps", Kind: "Deployment"}, Operations{
		GetReplicas:     deployment.replicas,
		ReviseReplica:   reviseSpecReplicas,
		GetDependencies: deployment.dependencies,
		InterpretHealth: deploymentHealth,
		AggregateStatus: sumStatus("replicas", "readyReplicas", "availableReplicas", "updatedReplicas", "unavailableReplicas", "terminatingReplicas"),
	})
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
