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
package failover

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// readyOrZero is the Ready replicas of a member's copy, 0 when it has none
// or the member cannot be asked.
func readyOrZero(g Gomega, cluster, ns, name string) int32 {
	d, err := member(g, cluster, ns, name)
	if err != nil {
		return 0
	}
	return d.Status.ReadyReplicas
}

// With failback on, a workload that failed over returns to the placement
// its static weights give once the member has been back for the window,
// and the Ready count never drops below 10 on the way.
func TestFailbackAfterTheWindow(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "failback-"}}
	g.Expect(fleet.ControlPlane.Create(ctx, ns)).To(Succeed())
	applySeed(t, g, "06-nginx-weighted.yaml", ns.Name)
	pp := &policyv1alpha1.PropagationPolicy{}
	g.Eventually(func(g Gomega) {
		g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns.Name, Name: "nginx-propagation"}, pp)).To(Succeed())
		pp.Annotations = map[string]string{policyv1alpha1.FailbackAnnotation: "5s"}
		g.Expect(fleet.ControlPlane.Update(ctx, pp)).To(Succeed())
	}).WithTimeout(10 * time.Second).Should(Succeed())
	want := map[string]int32{"cluster-hangzhou": 6, "cluster-shanghai": 4}
	g.Eventually(func(g Gomega) {
		got, rb := decision(g, ns.Name, "nginx-deployment")
		g.Expect(got).To(Equal(want))
		g.Expect(rb.Annotations).To(HaveKeyWithValue(policyv1alpha1.FailbackAnnotation, "5s"))
		g.Expect(readyIn(g, "cluster-hangzhou", ns.Name, "nginx")).To(Equal(int32(6)))
		g.Expect(readyIn(g, "cluster-shanghai", ns.Name, "nginx")).To(Equal(int32(4)))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	g.Expect(fleet.StopCluster("cluster-hangzhou")).To(Succeed())
	restarted := false
	defer func() {
		if !restarted {
			_ = fleet.StartCluster(context.Background(), "cluster-hangzhou")
		}
	}()
	g.Eventually(func(g Gomega) {
		got, _ := decision(g, ns.Name, "nginx-deployment")
		g.Expect(got).To(Equal(map[string]int32{"cluster-shanghai": 10}))
		g.Expect(readyIn(g, "cluster-shanghai", ns.Name, "nginx")).To(Equal(int32(10)))
	}).WithTimeout(90 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	g.Expect(fleet.StartCluster(ctx, "cluster-hangzhou")).To(Succeed())
	restarted = true
	// Until the workload is back at 6/4, the Ready replicas across the
	// members never drop below 10.
	deadline := time.Now().Add(120 * time.Second)
	lowest := int32(10)
	for {
		total := readyOrZero(g, "cluster-hangzhou", ns.Name, "nginx") + readyOrZero(g, "cluster-shanghai", ns.Name, "nginx")
		lowest = min(lowest, total)
		got, rb := decision(g, ns.Name, "nginx-deployment")
		_, surging := rb.Annotations["kurator.dev/failback-from"]
		if equalDecision(got, want) && !surging && readyOrZero(g, "cluster-hangzhou", ns.Name, "nginx") == 6 &&
			readyOrZero(g, "cluster-shanghai", ns.Name, "nginx") == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no failback: decision %v, failback in progress %v", got, surging)
		}
		time.Sleep(100 * time.Millisecond)
	}
	g.Expect(lowest).To(BeNumerically(">=", 10), "Ready replicas dropped during the failback")
	var events corev1.EventList
	g.Expect(fleet.ControlPlane.List(ctx, &events, client.InNamespace(ns.Name))).To(Succeed())
	g.Expect(events.Items).To(ContainElement(HaveField("Reason", "Failback")))
	g.Expect(events.Items).To(ContainElement(HaveField("Reason", "FailbackDone")))
}

func equalDecision(a, b map[string]int32) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
