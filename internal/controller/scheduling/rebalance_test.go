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

package scheduling

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/framework"
)

func TestRebalanceHandover(t *testing.T) {
	binding := func(annotations map[string]string, tasks ...workv1alpha2.GracefulEvictionTask) *workv1alpha2.ResourceBinding {
		return &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Annotations: annotations}, Spec: workv1alpha2.ResourceBindingSpec{
			Clusters:              []workv1alpha2.TargetCluster{{Name: "hz", Replicas: 3}, {Name: "sh", Replicas: 3}},
			GracefulEvictionTasks: tasks,
		}}
	}
	spread := &scheduler.Result{Clusters: []framework.TargetCluster{{Name: "hz", Replicas: 2}, {Name: "sh", Replicas: 2}, {Name: "fra", Replicas: 2}}}
	got := rebalanceHandover(binding(nil), spread)
	if got[workv1alpha2.FailbackFromAnnotation] != `{"hz":3,"sh":3}` || got[workv1alpha2.HandoverReasonAnnotation] != workv1alpha2.HandoverRebalance {
		t.Fatalf("handover %v; want hz and sh keeping 3 until the new placement is healthy", got)
	}
	same := &scheduler.Result{Clusters: []framework.TargetCluster{{Name: "hz", Replicas: 3}, {Name: "sh", Replicas: 3}}}
	if got := rebalanceHandover(binding(nil), same); got != nil {
		t.Fatalf("nothing moves away, yet handover %v", got)
	}
	if got := rebalanceHandover(binding(map[string]string{workv1alpha2.FailbackFromAnnotation: `{"hz":3}`}), spread); got != nil {
		t.Fatalf("a move under way, yet handover %v", got)
	}
	if got := rebalanceHandover(binding(nil, workv1alpha2.GracefulEvictionTask{FromCluster: "fra"}), spread); got != nil {
		t.Fatalf("an eviction under way, yet handover %v", got)
	}
}
