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
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

// A member that goes down and comes back every few seconds is marked not
// ready, but never for as long as the eviction grace: nothing moves.
func TestFlappingClusterDoesNotMoveWorkloads(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "flap-"}}
	g.Expect(fleet.ControlPlane.Create(ctx, ns)).To(Succeed())
	applySeed(t, g, "06-nginx-weighted.yaml", ns.Name)
	want := map[string]int32{"cluster-hangzhou": 6, "cluster-shanghai": 4}
	g.Eventually(func(g Gomega) {
		got, _ := decision(g, ns.Name, "nginx-deployment")
		g.Expect(got).To(Equal(want))
		g.Expect(readyIn(g, "cluster-hangzhou", ns.Name, "nginx")).To(Equal(int32(6)))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// Each outage lasts until the member is marked not ready (a few
	// seconds), then it comes back at once: well inside the eviction grace.
	for range 3 {
		g.Expect(fleet.StopCluster("cluster-hangzhou")).To(Succeed())
		g.Eventually(func(g Gomega) {
			c := &karmadaclusterv1alpha1.Cluster{}
			g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Name: "cluster-hangzhou"}, c)).To(Succeed())
			g.Expect(apimeta.IsStatusConditionFalse(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)).To(BeTrue())
			g.Expect(c.Spec.Taints).NotTo(ContainElement(HaveField("Effect", corev1.TaintEffectNoExecute)))
		}).WithTimeout(30 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())
		g.Expect(fleet.StartCluster(ctx, "cluster-hangzhou")).To(Succeed())
		got, _ := decision(g, ns.Name, "nginx-deployment")
		g.Expect(got).To(Equal(want))
	}
	// Back for good: Ready, untainted, and the workload never moved.
	g.Eventually(func(g Gomega) {
		c := &karmadaclusterv1alpha1.Cluster{}
		g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Name: "cluster-hangzhou"}, c)).To(Succeed())
		g.Expect(c.Spec.Taints).To(BeEmpty())
		g.Expect(readyIn(g, "cluster-hangzhou", ns.Name, "nginx")).To(Equal(int32(6)))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	got, rb := decision(g, ns.Name, "nginx-deployment")
	g.Expect(got).To(Equal(want))
	g.Expect(rb.Spec.GracefulEvictionTasks).To(BeEmpty())
	var events corev1.EventList
	g.Expect(fleet.ControlPlane.List(ctx, &events, client.InNamespace(ns.Name))).To(Succeed())
	g.Expect(events.Items).NotTo(ContainElement(HaveField("Reason", "EvictCluster")))
}
