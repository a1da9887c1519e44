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
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// cordonMemberNodes marks every node of a member unschedulable (or not).
func cordonMemberNodes(g Gomega, cluster string, unschedulable bool) {
	m, err := fleet.Member(cluster)
	g.Expect(err).NotTo(HaveOccurred())
	nodes, err := m.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	patch := []byte(`{"spec":{"unschedulable":false}}`)
	if unschedulable {
		patch = []byte(`{"spec":{"unschedulable":true}}`)
	}
	for _, n := range nodes.Items {
		_, err := m.CoreV1().Nodes().Patch(context.Background(), n.Name, types.MergePatchType, patch, metav1.PatchOptions{})
		g.Expect(err).NotTo(HaveOccurred())
	}
}

// Replicas that stay Pending in a member (its nodes no longer take pods)
// are moved to a cluster with room, for a workload divided by dynamic
// weights.
func TestDeschedulerMovesPendingReplicas(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "desched-"}}
	g.Expect(fleet.ControlPlane.Create(ctx, ns)).To(Succeed())
	d, _ := duplicated(ns.Name)
	d.Name = "crowded"
	d.Spec.Selector.MatchLabels = map[string]string{"app": "crowded"}
	d.Spec.Template.Labels = map[string]string{"app": "crowded"}
	d.Spec.Replicas = ptr.To[int32](4)
	d.Spec.Template.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}
	pair := []string{"cluster-hangzhou", "cluster-shanghai"}
	pp := &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "crowded", Namespace: ns.Name}, Spec: policyv1alpha1.PropagationSpec{
		ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "crowded"}},
		Placement: policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: pair},
			ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
				ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
				WeightPreference:          &policyv1alpha1.ClusterPreferences{DynamicWeight: policyv1alpha1.DynamicWeightByAvailableReplicas}}},
	}}
	g.Expect(fleet.ControlPlane.Create(ctx, d)).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(ctx, pp)).To(Succeed())
	var inHangzhou int32
	g.Eventually(func(g Gomega) {
		got, _ := decision(g, ns.Name, "crowded-deployment")
		g.Expect(got).To(HaveKey("cluster-hangzhou"))
		inHangzhou = got["cluster-hangzhou"]
		g.Expect(readyIn(g, "cluster-hangzhou", ns.Name, "crowded")).To(Equal(inHangzhou))
		g.Expect(readyIn(g, "cluster-shanghai", ns.Name, "crowded")).To(Equal(got["cluster-shanghai"]))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// hangzhou's nodes stop taking pods, and its replicas are recreated:
	// they stay Pending.
	cordonMemberNodes(g, "cluster-hangzhou", true)
	defer cordonMemberNodes(NewWithT(t), "cluster-hangzhou", false)
	m, err := fleet.Member("cluster-hangzhou")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(m.CoreV1().Pods(ns.Name).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "app=crowded"})).To(Succeed())

	g.Eventually(func(g Gomega) {
		got, _ := decision(g, ns.Name, "crowded-deployment")
		g.Expect(got).To(Equal(map[string]int32{"cluster-shanghai": 4}))
		g.Expect(readyIn(g, "cluster-shanghai", ns.Name, "crowded")).To(Equal(int32(4)))
		_, err := member(g, "cluster-hangzhou", ns.Name, "crowded")
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "copy still in hangzhou: %v", err)
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	var events corev1.EventList
	g.Expect(fleet.ControlPlane.List(ctx, &events, client.InNamespace(ns.Name))).To(Succeed())
	g.Expect(events.Items).To(ContainElement(HaveField("Reason", "Deschedule")))
}
