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
// Package interpreter reads what scheduling needs from a resource template:
// how many replicas it has and what one replica asks of a node. Kinds it
// does not know have no replicas and are propagated whole.
package interpreter

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"kurator.dev/kurator/internal/podresources"
	"kurator.dev/kurator/internal/scheduler/estimator"
)

// Replicated describes a template with replicas.
type Replicated struct {
	Replicas     int64
	Requirements estimator.Requirements
}

var (
	deploymentGK  = schema.GroupKind{Group: "apps", Kind: "Deployment"}
	statefulSetGK = schema.GroupKind{Group: "apps", Kind: "StatefulSet"}
	replicaSetGK  = schema.GroupKind{Group: "apps", Kind: "ReplicaSet"}
	jobGK         = schema.GroupKind{Group: "batch", Kind: "Job"}
)

// IsReplicated reports whether the kind's replicas are divided across
// clusters (others are duplicated whole).
func IsReplicated(gk schema.GroupKind) bool {
	switch gk {
	case deploymentGK, statefulSetGK, replicaSetGK, jobGK:
		return true
	}
	return false
}

// Interpret returns the replicas and per-replica requirements of obj, or
// nil for a kind without replicas.
func Interpret(obj *unstructured.Unstructured) (*Replicated, error) {
	gk := obj.GroupVersionKind().GroupKind()
	var replicas *int32
	var tpl corev1.PodTemplateSpec
	switch gk {
	case deploymentGK:
		var d appsv1.Deployment
		if err := convert(obj, &d); err != nil {
			return nil, err
		}
		replicas, tpl = d.Spec.Replicas, d.Spec.Template
	case statefulSetGK:
		var s appsv1.StatefulSet
		if err := convert(obj, &s); err != nil {
			return nil, err
		}
		replicas, tpl = s.Spec.Replicas, s.Spec.Template
	case replicaSetGK:
		var r appsv1.ReplicaSet
		if err := convert(obj, &r); err != nil {
			return nil, err
		}
		replicas, tpl = r.Spec.Replicas, r.Spec.Template
	case jobGK:
		var j batchv1.Job
		if err := convert(obj, &j); err != nil {
			return nil, err
		}
		// A Job's pods in flight are its parallelism; completions are split
		// in proportion when it is rendered per cluster.
		replicas, tpl = j.Spec.Parallelism, j.Spec.Template
	default:
		return nil, nil
	}
	n := int64(1)
	if replicas != nil {
		n = int64(*replicas)
	}
	if n < 0 {
		return nil, fmt.Errorf("%s %s has negative replicas", gk.Kind, obj.GetName())
	}
	return &Replicated{Replicas: n, Requirements: estimator.Requirements{
		Requests:     podresources.Requests(&tpl.Spec),
		NodeSelector: tpl.Spec.NodeSelector,
		Affinity:     tpl.Spec.Affinity,
		Tolerations:  tpl.Spec.Tolerations,
	}}, nil
}

func convert(obj *unstructured.Unstructured, into any) error {
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, into); err != nil {
		return fmt.Errorf("%s %s is not a valid %s: %w", obj.GetKind(), obj.GetName(), obj.GroupVersionKind().GroupVersion(), err)
	}
	return nil
}
