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
package cluster

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

// rl builds a ResourceList from name/quantity pairs.
func rl(pairs ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i < len(pairs); i += 2 {
		out[corev1.ResourceName(pairs[i])] = resource.MustParse(pairs[i+1])
	}
	return out
}

// milli makes ResourceLists comparable regardless of quantity formatting.
func milli(l corev1.ResourceList) map[corev1.ResourceName]int64 {
	out := make(map[corev1.ResourceName]int64, len(l))
	for name, q := range l {
		out[name] = q.MilliValue()
	}
	return out
}

func container(name string, requests corev1.ResourceList) corev1.Container {
	return corev1.Container{Name: name, Resources: corev1.ResourceRequirements{Requests: requests}}
}

func sidecar(name string, requests corev1.ResourceList) corev1.Container {
	c := container(name, requests)
	c.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyAlways)
	return c
}

func node(name string, ready corev1.ConditionStatus, allocatable corev1.ResourceList) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Status: corev1.NodeStatus{Allocatable: allocatable}}
	if ready != "" {
		n.Status.Conditions = []corev1.NodeCondition{
			{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse},
			{Type: corev1.NodeReady, Status: ready},
		}
	}
	return n
}

func pod(nodeName string, phase corev1.PodPhase, requests corev1.ResourceList) *corev1.Pod {
	return &corev1.Pod{
		Spec:   corev1.PodSpec{NodeName: nodeName, Containers: []corev1.Container{{Name: "a", Resources: corev1.ResourceRequirements{Requests: requests}}}},
		Status: corev1.PodStatus{Phase: phase},
	}
}

func TestSummarize(t *testing.T) {
	cases := map[string]struct {
		nodes          []*corev1.Node
		pods           []*corev1.Pod
		wantNodes      karmadaclusterv1alpha1.NodeSummary
		wantAllocable  corev1.ResourceList
		wantAllocated  corev1.ResourceList
		wantAllocating corev1.ResourceList
	}{
		"empty cluster": {
			wantAllocable:  corev1.ResourceList{},
			wantAllocated:  rl("pods", "0"),
			wantAllocating: rl("pods", "0"),
		},
		"allocatable sums all nodes, readyNum only Ready ones": {
			nodes: []*corev1.Node{
				node("ready", corev1.ConditionTrue, rl("cpu", "4", "memory", "16Gi", "pods", "110")),
				node("not-ready", corev1.ConditionFalse, rl("cpu", "2", "memory", "8Gi", "pods", "110")),
				node("unknown", corev1.ConditionUnknown, rl("cpu", "2")),
				node("no-conditions", "", rl("cpu", "500m")),
			},
			wantNodes:      karmadaclusterv1alpha1.NodeSummary{TotalNum: 4, ReadyNum: 1},
			wantAllocable:  rl("cpu", "8500m", "memory", "24Gi", "pods", "220"),
			wantAllocated:  rl("pods", "0"),
			wantAllocating: rl("pods", "0"),
		},
		"bound pods are allocated, unbound allocating, finished ignored": {
			nodes: []*corev1.Node{node("n", corev1.ConditionTrue, rl("cpu", "4"))},
			pods: []*corev1.Pod{
				pod("n", corev1.PodRunning, rl("cpu", "100m", "memory", "64Mi")),
				pod("n", corev1.PodPending, rl("cpu", "200m")),
				pod("n", "", nil),
				pod("n", corev1.PodSucceeded, rl("cpu", "8")),
				pod("n", corev1.PodFailed, rl("cpu", "8")),
				pod("", corev1.PodPending, rl("cpu", "500m", "memory", "1Gi")),
				pod("", corev1.PodFailed, rl("cpu", "8")),
			},
			wantNodes:      karmadaclusterv1alpha1.NodeSummary{TotalNum: 1, ReadyNum: 1},
			wantAllocable:  rl("cpu", "4"),
			wantAllocated:  rl("cpu", "300m", "memory", "64Mi", "pods", "3"),
			wantAllocating: rl("cpu", "500m", "memory", "1Gi", "pods", "1"),
		},
		"bound pods count with init containers, sidecars and overhead": {
			nodes: []*corev1.Node{node("n", corev1.ConditionTrue, rl("cpu", "4"))},
			pods: []*corev1.Pod{
				{Spec: corev1.PodSpec{NodeName: "n",
					InitContainers: []corev1.Container{sidecar("s", rl("cpu", "200m")), container("i", rl("cpu", "1"))},
					Containers:     []corev1.Container{container("a", rl("cpu", "100m"))},
					Overhead:       rl("cpu", "10m"),
				}},
				pod("n", corev1.PodRunning, rl("cpu", "100m")),
			},
			wantNodes:      karmadaclusterv1alpha1.NodeSummary{TotalNum: 1, ReadyNum: 1},
			wantAllocable:  rl("cpu", "4"),
			wantAllocated:  rl("cpu", "1310m", "pods", "2"),
			wantAllocating: rl("pods", "0"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			ns, rs := summarize(tc.nodes, tc.pods)
			g.Expect(*ns).To(Equal(tc.wantNodes))
			g.Expect(milli(rs.Allocatable)).To(Equal(milli(tc.wantAllocable)), "allocatable")
			g.Expect(milli(rs.Allocated)).To(Equal(milli(tc.wantAllocated)), "allocated")
			g.Expect(milli(rs.Allocating)).To(Equal(milli(tc.wantAllocating)), "allocating")
		})
	}
}

func TestSummarizeDoesNotMutateNodes(t *testing.T) {
	g := NewWithT(t)
	nodes := []*corev1.Node{node("a", corev1.ConditionTrue, rl("cpu", "1")), node("b", corev1.ConditionTrue, rl("cpu", "1"))}
	summarize(nodes, nil)
	g.Expect(nodes[0].Status.Allocatable.Cpu().MilliValue()).To(Equal(int64(1000)))
}
