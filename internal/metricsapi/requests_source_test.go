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

package metricsapi

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	clocktesting "k8s.io/utils/clock/testing"
)

func TestRequestsSource(t *testing.T) {
	g := NewWithT(t)
	pods := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	nodes := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	requests := func(cpu, mem string) corev1.ResourceRequirements {
		r := corev1.ResourceRequirements{Requests: corev1.ResourceList{}}
		if cpu != "" {
			r.Requests[corev1.ResourceCPU] = resource.MustParse(cpu)
		}
		if mem != "" {
			r.Requests[corev1.ResourceMemory] = resource.MustParse(mem)
		}
		return r
	}
	pod := func(name, node string, phase corev1.PodPhase, containers ...corev1.Container) *corev1.Pod {
		return &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name},
			Spec:       corev1.PodSpec{NodeName: node, Containers: containers},
			Status:     corev1.PodStatus{Phase: phase},
		}
	}
	for _, p := range []*corev1.Pod{
		pod("both", "n1", corev1.PodRunning,
			corev1.Container{Name: "main", Resources: requests("500m", "1Gi")},
			corev1.Container{Name: "sidecar", Resources: requests("", "")}),
		pod("cpu-only", "n1", corev1.PodRunning, corev1.Container{Name: "main", Resources: requests("1", "")}),
		pod("pending", "", corev1.PodPending, corev1.Container{Name: "main", Resources: requests("1", "1Gi")}),
		pod("done", "n2", corev1.PodSucceeded, corev1.Container{Name: "main", Resources: requests("1", "1Gi")}),
	} {
		g.Expect(pods.Add(p)).To(Succeed())
	}
	for _, n := range []string{"n1", "n2"} {
		g.Expect(nodes.Add(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n}})).To(Succeed())
	}
	clk := clocktesting.NewFakePassiveClock(sampleNow)
	src := NewRequestsSource(corelisters.NewPodLister(pods), corelisters.NewNodeLister(nodes), clk)

	usage := map[string]PodUsage{}
	for _, u := range src.Pods() {
		usage[u.Name] = u
	}
	g.Expect(usage).To(HaveLen(2), "only running pods use anything")
	both := usage["both"]
	g.Expect(both.Timestamp).To(Equal(sampleNow))
	g.Expect(both.Window).To(Equal(requestsWindow))
	g.Expect(both.Containers).To(HaveLen(2))
	g.Expect(both.Containers[0].Name).To(Equal("main"))
	g.Expect(both.Containers[0].CPU.MilliValue()).To(Equal(int64(250)), "half the CPU request")
	g.Expect(both.Containers[0].Memory.Value()).To(Equal(int64(1<<30)*6/10), "60% of the memory request")
	g.Expect(both.Containers[1].CPU.MilliValue()).To(Equal(int64(10)), "10m without a request")
	g.Expect(both.Containers[1].Memory.Value()).To(Equal(int64(32<<20)), "32Mi without a request")
	g.Expect(usage["cpu-only"].Containers[0].CPU.MilliValue()).To(Equal(int64(500)))
	g.Expect(usage["cpu-only"].Containers[0].Memory.Value()).To(Equal(int64(32 << 20)))

	byNode := map[string]NodeUsage{}
	for _, u := range src.Nodes() {
		byNode[u.Name] = u
	}
	g.Expect(byNode).To(HaveLen(2))
	n1, n2 := byNode["n1"], byNode["n2"]
	g.Expect(n1.CPU.MilliValue()).To(Equal(int64(250 + 10 + 500)))
	g.Expect(n1.Memory.Value()).To(Equal(int64(1<<30)*6/10 + 2*(32<<20)))
	g.Expect(n2.CPU.IsZero()).To(BeTrue(), "a finished pod uses nothing")
	g.Expect(byNode["n2"].Timestamp).To(Equal(sampleNow))
}
