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
package kubeletsim

import (
	"context"
	"net/netip"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	clocktesting "k8s.io/utils/clock/testing"
)

var testStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func testPool(count int) NodePool {
	return NodePool{Count: count, CPU: resource.MustParse("8"), Memory: resource.MustParse("32Gi"), Pods: 110}
}

func newTestSimulator(count int, objs ...runtime.Object) (*Simulator, *fake.Clientset, *clocktesting.FakeClock) {
	client := fake.NewClientset(objs...)
	clk := clocktesting.NewFakeClock(testStart)
	s := New(client, Options{
		Cluster:  "c1",
		Pool:     testPool(count),
		Topology: Topology{Region: "asia-east", Zone: "asia-east-a"},
		Version:  "v1.37.2",
		Clock:    clk,
	})
	return s, client, clk
}

func TestSyncNodesCreatesThePool(t *testing.T) {
	g := NewWithT(t)
	s, client, _ := newTestSimulator(2)
	g.Expect(s.syncNodes(context.Background())).To(Succeed())

	list, err := client.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(list.Items).To(HaveLen(2))
	for i, want := range []string{"c1-node-0", "c1-node-1"} {
		n, err := client.CoreV1().Nodes().Get(context.Background(), want, metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred(), "node %d", i)
		g.Expect(n.Labels).To(Equal(map[string]string{
			corev1.LabelHostname:       want,
			corev1.LabelOSStable:       "linux",
			corev1.LabelArchStable:     "amd64",
			corev1.LabelTopologyRegion: "asia-east",
			corev1.LabelTopologyZone:   "asia-east-a",
			SimulatedNodeLabel:         "true",
		}))
		for _, rl := range []corev1.ResourceList{n.Status.Capacity, n.Status.Allocatable} {
			g.Expect(rl.Cpu().Equal(resource.MustParse("8"))).To(BeTrue(), "cpu %s", rl.Cpu())
			g.Expect(rl.Memory().Equal(resource.MustParse("32Gi"))).To(BeTrue(), "memory %s", rl.Memory())
			g.Expect(rl.Pods().Value()).To(Equal(int64(110)))
		}
		g.Expect(n.Status.NodeInfo.KubeletVersion).To(Equal("v1.37.2"))
		g.Expect(n.Status.Conditions).To(ContainElement(And(
			HaveField("Type", corev1.NodeReady),
			HaveField("Status", corev1.ConditionTrue),
			HaveField("LastHeartbeatTime.Time", BeTemporally("==", testStart)),
		)))
		g.Expect(n.Spec.Taints).To(BeEmpty())
	}
}

func TestSyncNodesWithoutTopologyOmitsTopologyLabels(t *testing.T) {
	g := NewWithT(t)
	client := fake.NewClientset()
	s := New(client, Options{Cluster: "c1", Pool: testPool(1), Clock: clocktesting.NewFakeClock(testStart)})
	g.Expect(s.syncNodes(context.Background())).To(Succeed())
	n, err := client.CoreV1().Nodes().Get(context.Background(), "c1-node-0", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(n.Labels).NotTo(HaveKey(corev1.LabelTopologyRegion))
	g.Expect(n.Labels).NotTo(HaveKey(corev1.LabelTopologyZone))
}

func TestSyncNodesReconcilesExistingNodes(t *testing.T) {
	simulated := func(name string, taints ...corev1.Taint) *corev1.Node {
		return &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{SimulatedNodeLabel: "true"}},
			Spec:       corev1.NodeSpec{Taints: taints},
		}
	}
	custom := corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}
	cases := map[string]struct {
		existing   []runtime.Object
		wantNodes  []string
		wantTaints map[string][]corev1.Taint
	}{
		"admission's not-ready taint is lifted, other taints stay": {
			existing: []runtime.Object{simulated("c1-node-0",
				corev1.Taint{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoSchedule},
				corev1.Taint{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoExecute},
				custom)},
			wantNodes:  []string{"c1-node-0", "c1-node-1"},
			wantTaints: map[string][]corev1.Taint{"c1-node-0": {custom}},
		},
		"simulated nodes beyond the pool are deleted": {
			existing:  []runtime.Object{simulated("c1-node-2"), simulated("c1-node-7")},
			wantNodes: []string{"c1-node-0", "c1-node-1"},
		},
		"nodes that are not simulated are left alone": {
			existing: []runtime.Object{
				&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "real-node", Labels: map[string]string{"team": "a"}}},
				&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "c1-node-9"}},
			},
			wantNodes: []string{"c1-node-0", "c1-node-1", "c1-node-9", "real-node"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			s, client, _ := newTestSimulator(2, tc.existing...)
			g.Expect(s.syncNodes(context.Background())).To(Succeed())
			// A second run changes nothing.
			g.Expect(s.syncNodes(context.Background())).To(Succeed())

			list, err := client.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			var names []string
			for _, n := range list.Items {
				names = append(names, n.Name)
				if n.Labels[SimulatedNodeLabel] == "true" {
					g.Expect(n.Spec.Taints).To(Equal(tc.wantTaints[n.Name]), "taints of %s", n.Name)
					g.Expect(n.Labels).To(HaveKeyWithValue(corev1.LabelHostname, n.Name))
				}
			}
			g.Expect(names).To(ConsistOf(tc.wantNodes))
		})
	}
}

func TestPodIP(t *testing.T) {
	g := NewWithT(t)
	subnet := netip.MustParsePrefix("10.244.0.0/16")
	seen := map[string]bool{}
	for _, uid := range []string{"", "a", "b", "8f14e45f-ceea-467f-a0e6-1d2b3c4d5e6f", "8f14e45f-ceea-467f-a0e6-1d2b3c4d5e70"} {
		ip := podIP(uid)
		g.Expect(podIP(uid)).To(Equal(ip), "stable for %q", uid)
		addr, err := netip.ParseAddr(ip)
		g.Expect(err).NotTo(HaveOccurred(), "uid %q gave %q", uid, ip)
		g.Expect(subnet.Contains(addr)).To(BeTrue(), "%s in %s", addr, subnet)
		last := addr.As4()[3]
		g.Expect(last).To(And(BeNumerically(">", 0), BeNumerically("<", 255)), "host part of %s", addr)
		seen[ip] = true
	}
	g.Expect(seen).To(HaveLen(5), "distinct UIDs get distinct addresses here")
}
