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

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

// A primary that comes back for less than the failback window, three times,
// pulls nothing back; once it stays, the workload returns after the window.
func TestFlappingPrimaryPullsNothingBack(t *testing.T) {
	// Each return lasts 6-7 s before the control plane sees the member
	// down again (stop, then the failure threshold): the window leaves
	// room for a loaded machine.
	const window = 12 * time.Second
	g := NewWithT(t)
	ctx := t.Context()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "affinities-flap-"}}
	g.Expect(fleet.ControlPlane.Create(ctx, ns)).To(Succeed())
	// Created while the primary is down, the workload starts on the backup
	// term without waiting for an eviction: the outage before the flaps.
	g.Expect(fleet.StopCluster("cluster-hangzhou")).To(Succeed())
	t.Cleanup(func() { _ = fleet.StartCluster(context.Background(), "cluster-hangzhou") })
	waitReady(t, g, "cluster-hangzhou", false)
	g.Eventually(func(g Gomega) {
		c := &karmadaclusterv1alpha1.Cluster{}
		g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Name: "cluster-hangzhou"}, c)).To(Succeed())
		g.Expect(c.Spec.Taints).To(ContainElement(HaveField("Effect", corev1.TaintEffectNoSchedule)))
	}).WithTimeout(30 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())
	primaryBackup(t, g, ns.Name, "flap", window.String())
	g.Eventually(func(g Gomega) {
		got, rb := decision(g, ns.Name, "flap-deployment")
		g.Expect(got).To(Equal(onBackup))
		g.Expect(rb.Status.SchedulerObservedAffinityName).To(Equal("backup"))
		g.Expect(readyIn(g, "cluster-shanghai", ns.Name, "flap")).To(Equal(int32(3)))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	stays := func() {
		got, _ := decision(g, ns.Name, "flap-deployment")
		g.Expect(got).To(Equal(onBackup), "moved back to a primary that flaps")
	}
	for i := range 3 {
		g.Expect(fleet.StartCluster(ctx, "cluster-hangzhou")).To(Succeed())
		up := waitReady(t, g, "cluster-hangzhou", true)
		stays()
		g.Expect(fleet.StopCluster("cluster-hangzhou")).To(Succeed())
		// Until the control plane sees it down, the member still reads
		// Ready: the workload must stay put meanwhile.
		var down time.Time
		g.Eventually(func(g Gomega) {
			stays()
			cond := readyCondition(g, "cluster-hangzhou")
			g.Expect(cond.Status).NotTo(Equal(metav1.ConditionTrue))
			down = cond.LastTransitionTime.Time
		}).WithTimeout(60 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
		g.Expect(down.Sub(up)).To(BeNumerically("<", window), "flap %d: Ready for %v, not a flap", i, down.Sub(up))
		t.Logf("flap %d: Ready for %v", i, down.Sub(up))
	}
	g.Expect(eventsOf(g, ns.Name, "flap-deployment", "Failback")).To(BeEmpty())

	// Back for good: it returns, no earlier than the window.
	g.Expect(fleet.StartCluster(ctx, "cluster-hangzhou")).To(Succeed())
	readyAt := waitReady(t, g, "cluster-hangzhou", true)
	g.Eventually(func(g Gomega) {
		got, rb := decision(g, ns.Name, "flap-deployment")
		g.Expect(got).To(Equal(onPrimary))
		g.Expect(rb.Status.LastScheduledTime.Sub(readyAt)).To(BeNumerically(">=", window))
		g.Expect(readyIn(g, "cluster-hangzhou", ns.Name, "flap")).To(Equal(int32(3)))
	}).WithTimeout(60 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	g.Expect(eventsOf(g, ns.Name, "flap-deployment", "Failback")).To(HaveLen(1))
}
