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

func node(name string, cpu, mem string, pods int64, mutate ...func(*corev1.Node)) *corev1.Node {
	n := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.io/hostname": name}},
		Status: corev1.NodeStatus{
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: Quantity(cpu), corev1.ResourceMemory: Quantity(mem), corev1.ResourcePods: *resourceInt(pods)},
			Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
		},
	}
	for _, m := range mutate {
		m(n)
	}
	return n
}

// Quantity parses a quantity in test tables.
func Quantity(s string) resource.Quantity { return resource.MustParse(s) }

func resourceInt(v int64) *resource.Quantity { return resource.NewQuantity(v, resource.DecimalSI) }

func req(cpu, mem string) Requirements {
	r := Requirements{Requests: corev1.ResourceList{}}
	if cpu != "" {
		r.Requests[corev1.ResourceCPU] = Quantity(cpu)
	}
	if mem != "" {
		r.Requests[corev1.ResourceMemory] = Quantity(mem)
	}
	return r
}

func TestReplicasPerNodeNotClusterSum(t *testing.T) {
	// Three nodes with 1.5 CPU free each: a cluster-wide sum says 4.5 CPU,
	// so two 2-CPU replicas; per node, none fits.
	nodes := []Node{}
	for _, name := range []string{"a", "b", "c"} {
		nodes = append(nodes, Node{Node: node(name, "4", "16Gi", 110), Requested: corev1.ResourceList{corev1.ResourceCPU: Quantity("2500m")}, Pods: 3})
	}
	if got := Replicas(nodes, req("2", "")); got != 0 {
		t.Fatalf("got %d, want 0", got)
	}
	if got := Replicas(nodes, req("500m", "")); got != 9 {
		t.Fatalf("got %d, want 9", got)
	}
}

func TestReplicasLimits(t *testing.T) {
	cases := map[string]struct {
		nodes []Node
		req   Requirements
		want  int64
	}{
		"memory bound":      {[]Node{{Node: node("a", "4", "4Gi", 110)}}, req("100m", "1Gi"), 4},
		"pod count bound":   {[]Node{{Node: node("a", "4", "16Gi", 10), Pods: 7}}, req("100m", ""), 3},
		"no requests: pods": {[]Node{{Node: node("a", "4", "16Gi", 110), Pods: 10}}, req("", ""), 100},
		"extended resource missing": {[]Node{{Node: node("a", "4", "16Gi", 110)}},
			Requirements{Requests: corev1.ResourceList{"nvidia.com/gpu": Quantity("1")}}, 0},
		"not ready node": {[]Node{{Node: node("a", "4", "16Gi", 110, func(n *corev1.Node) {
			n.Status.Conditions[0].Status = corev1.ConditionFalse
		})}}, req("1", ""), 0},
		"cordoned node": {[]Node{{Node: node("a", "4", "16Gi", 110, func(n *corev1.Node) { n.Spec.Unschedulable = true })}}, req("1", ""), 0},
		"node selector": {[]Node{{Node: node("a", "4", "16Gi", 110)}, {Node: node("b", "4", "16Gi", 110, func(n *corev1.Node) { n.Labels["disk"] = "ssd" })}},
			Requirements{Requests: corev1.ResourceList{corev1.ResourceCPU: Quantity("1")}, NodeSelector: map[string]string{"disk": "ssd"}}, 4},
		"untolerated taint": {[]Node{{Node: node("a", "4", "16Gi", 110, func(n *corev1.Node) {
			n.Spec.Taints = []corev1.Taint{{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}
		})}}, req("1", ""), 0},
		"tolerated taint": {[]Node{{Node: node("a", "4", "16Gi", 110, func(n *corev1.Node) {
			n.Spec.Taints = []corev1.Taint{{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}
		})}}, Requirements{Requests: corev1.ResourceList{corev1.ResourceCPU: Quantity("1")},
			Tolerations: []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}}, 4},
		"prefer-no-schedule is not a hard taint": {[]Node{{Node: node("a", "4", "16Gi", 110, func(n *corev1.Node) {
			n.Spec.Taints = []corev1.Taint{{Key: "soft", Effect: corev1.TaintEffectPreferNoSchedule}}
		})}}, req("1", ""), 4},
		"required node affinity": {[]Node{{Node: node("a", "4", "16Gi", 110)}, {Node: node("b", "8", "16Gi", 110)}},
			Requirements{Requests: corev1.ResourceList{corev1.ResourceCPU: Quantity("1")}, Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
					MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "kubernetes.io/hostname", Operator: corev1.NodeSelectorOpIn, Values: []string{"b"}}}}}}}}}, 8},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Replicas(tc.nodes, tc.req); got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestReservationsAreDeducted(t *testing.T) {
	nodes := []Node{{Node: node("a", "4", "16Gi", 110)}, {Node: node("b", "4", "16Gi", 110)}}
	// 8 CPU free: 8 replicas of 1 CPU. Another workload has 5 of 1 CPU in
	// flight: 3 remain, whichever nodes the reserved ones land on.
	if got := Replicas(nodes, req("1", ""), Reservation{Requirements: req("1", ""), Replicas: 5}); got != 3 {
		t.Fatalf("got %d, want 3", got)
	}
	// Reservations for pods that only fit some nodes take those nodes' room.
	gpuOnlyB := Requirements{Requests: corev1.ResourceList{corev1.ResourceCPU: Quantity("1")}, NodeSelector: map[string]string{"kubernetes.io/hostname": "b"}}
	if got := Replicas(nodes, req("1", ""), Reservation{Requirements: gpuOnlyB, Replicas: 4}); got != 4 {
		t.Fatalf("got %d, want 4", got)
	}
}
