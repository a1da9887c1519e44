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
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"kurator.dev/kurator/internal/podresources"
	"kurator.dev/kurator/internal/scheduler/estimator"
)

// podWorkload reads a workload kind's replicas (nil when it has none or
// leaves them to the default of one) and pod spec from its typed object;
// the operations built on it are shared by the kinds that run pods.
type podWorkload[T any] func(*T) (replicas *int32, spec *corev1.PodSpec)

func (w podWorkload[T]) read(obj *unstructured.Unstructured) (*int32, *corev1.PodSpec, error) {
	typed, err := decode[T](obj)
	if err != nil {
		return nil, nil, err
	}
	replicas, spec := w(typed)
	return replicas, spec, nil
}

// decode reads an object into a typed struct: the kind's API type, or for a
// custom kind a small local struct of the fields its interpreter reads
// (fields the struct lacks are ignored).
func decode[T any](obj *unstructured.Unstructured) (*T, error) {
	var typed T
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &typed); err != nil {
		return nil, fmt.Errorf("%s %s is not a valid %s: %w", obj.GetKind(), obj.GetName(), obj.GroupVersionKind().GroupVersion(), err)
	}
	return &typed, nil
}

// replicas is GetReplicas of a kind whose replicas are divided: unset
// replicas are one, and a replica asks for what its pod spec requests.
func (w podWorkload[T]) replicas(obj *unstructured.Unstructured) (*Replicated, error) {
	replicas, spec, err := w.read(obj)
	if err != nil {
		return nil, err
	}
	n := int64(1)
	if replicas != nil {
		n = int64(*replicas)
	}
	if n < 0 {
		return nil, fmt.Errorf("%s %s has negative replicas", obj.GetKind(), obj.GetName())
	}
	return &Replicated{Replicas: n, Requirements: PodRequirements(spec)}, nil
}

// PodRequirements is what one pod of spec asks of a node: its effective
// requests (init containers and overhead counted), node selector, affinity
// and tolerations.
func PodRequirements(spec *corev1.PodSpec) estimator.Requirements {
	return estimator.Requirements{
		Requests:     podresources.Requests(spec),
		NodeSelector: spec.NodeSelector,
		Affinity:     spec.Affinity,
		Tolerations:  spec.Tolerations,
	}
}

// dependencies is GetDependencies of a kind that runs pods: what its pod
// spec references, in the workload's namespace.
func (w podWorkload[T]) dependencies(obj *unstructured.Unstructured) ([]Dependency, error) {
	_, spec, err := w.read(obj)
	if err != nil {
		return nil, err
	}
	return PodDependencies(obj.GetNamespace(), spec), nil
}

// reviseSpecReplicas is ReviseReplica of a kind whose share is
// spec.replicas.
func reviseSpecReplicas(obj *unstructured.Unstructured, share Share) error {
	return unstructured.SetNestedField(obj.Object, share.Replicas, "spec", "replicas")
}
