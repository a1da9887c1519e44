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

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

func init() {
	statefulSet := podWorkload[appsv1.StatefulSet](func(s *appsv1.StatefulSet) (*int32, *corev1.PodSpec) {
		return s.Spec.Replicas, &s.Spec.Template.Spec
	})
	registerBuiltin(schema.GroupKind{Group: "apps", Kind: "StatefulSet"}, Operations{
		GetReplicas:     statefulSet.replicas,
		ReviseReplica:   reviseSpecReplicas,
		GetDependencies: statefulSet.dependencies,
		InterpretHealth: statefulSetHealth,
		AggregateStatus: aggregateStatefulSet,
	})
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

// aggregateStatefulSet adds to the counters (see replicatedStatus) one
// revision for the fleet (see fleetRevisions), which is what kstatus and
// 'kubectl rollout status' compare.
func aggregateStatefulSet(tpl *unstructured.Unstructured, members []MemberStatus, _ time.Time) (map[string]any, error) {
	status, reports, allCurrent := replicatedStatus(tpl, members, counters{
		progress: []string{"readyReplicas", "availableReplicas", "updatedReplicas", "currentReplicas"},
		excess:   []string{"replicas"},
	})
	if status == nil {
		return nil, nil
	}
	fleetRevisions(tpl, members, status, reports, allCurrent)
	return status, nil
}
