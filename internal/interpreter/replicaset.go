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
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// A ReplicaSet has no health rule: it is healthy once applied.
func init() {
	replicaSet := podWorkload[appsv1.ReplicaSet](func(r *appsv1.ReplicaSet) (*int32, *corev1.PodSpec) {
		return r.Spec.Replicas, &r.Spec.Template.Spec
	})
	registerBuiltin(schema.GroupKind{Group: "apps", Kind: "ReplicaSet"}, Operations{
		GetReplicas:     replicaSet.replicas,
		ReviseReplica:   reviseSpecReplicas,
		GetDependencies: replicaSet.dependencies,
		AggregateStatus: func(tpl *unstructured.Unstructured, members []MemberStatus, _ time.Time) (map[string]any, error) {
			status, _, _ := replicatedStatus(tpl, members, counters{progress: []string{"readyReplicas", "availableReplicas", "fullyLabeledReplicas"}, excess: []string{"replicas"}})
			return status, nil
		},
	})
}
