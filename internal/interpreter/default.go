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
	"encoding/json"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// defaults answer for kinds, and operations, without an implementation:
// the object is propagated whole, references nothing, is healthy once
// applied, reports its whole status, its template's status is the control
// plane's own, and what it applies is the manifest as rendered.
var defaults = Operations{
	GetReplicas:     func(*unstructured.Unstructured) (*Replicated, error) { return nil, nil },
	ReviseReplica:   func(*unstructured.Unstructured, Share) error { return nil },
	GetDependencies: func(*unstructured.Unstructured) ([]Dependency, error) { return nil, nil },
	InterpretHealth: func(*unstructured.Unstructured) workv1alpha1.ResourceHealth { return workv1alpha1.ResourceHealthy },
	ReflectStatus:   reflectWholeStatus,
	AggregateStatus: func(*unstructured.Unstructured, []MemberStatus, time.Time) (map[string]any, error) { return nil, nil },
	Retain:          func(desired, _ *unstructured.Unstructured) (*unstructured.Unstructured, error) { return desired, nil },
}

// reflectWholeStatus returns the member object's .status, plus the
// object's metadata.generation as "generation" so that the binding
// controller can compare it with status.observedGeneration. A status that
// already has a "generation" field keeps its own. Objects without status
// and generation (ConfigMaps, Secrets) reflect nothing.
func reflectWholeStatus(obj *unstructured.Unstructured) (*runtime.RawExtension, error) {
	status, _, err := unstructured.NestedMap(obj.Object, "status")
	if err != nil {
		return nil, err
	}
	return reflectWithGeneration(obj, status)
}

// reflectWithGeneration encodes status, or the part of it a kind reflects,
// with the object's generation added as reflectWholeStatus does.
func reflectWithGeneration(obj *unstructured.Unstructured, status map[string]any) (*runtime.RawExtension, error) {
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
