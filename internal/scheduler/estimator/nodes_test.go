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
package estimator

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestNodesWithPods(t *testing.T) {
	node := func(name string) *corev1.Node { return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}} }
	pod := func(nodeName string, phase corev1.PodPhase, cpu string) *corev1.Pod {
		return &corev1.Pod{Spec: corev1.PodSpec{NodeName: nodeName, Containers: []corev1.Container{{Name: "c",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}}}}},
			Status: corev1.PodStatus{Phase: phase}}
	}
	nodes := NodesWithPods([]*corev1.Node{node("a"), node("b")}, []*corev1.Pod{
		pod("a", corev1.PodRunning, "500m"),
		pod("a", corev1.PodPending, "250m"), // bound, starting: counts
		pod("a", corev1.PodSucceeded, "1"),  // terminated: does not
		pod("b", corev1.PodFailed, "1"),     // terminated: does not
		pod("", corev1.PodPending, "2"),     // not scheduled: does not
		pod("gone", corev1.PodRunning, "3"), // unknown node: does not
	})
	if len(nodes) != 2 {
		t.Fatalf("%d nodes, want 2", len(nodes))
	}
	if got := nodes[0].Requested[corev1.ResourceCPU]; got.MilliValue() != 750 || nodes[0].Pods != 2 {
		t.Fatalf("node a: requested cpu %s and %d pods, want 750m and 2", got.String(), nodes[0].Pods)
	}
	if got := nodes[1].Requested[corev1.ResourceCPU]; !got.IsZero() || nodes[1].Pods != 0 {
		t.Fatalf("node b: requested cpu %s and %d pods, want none", got.String(), nodes[1].Pods)
	}
}
