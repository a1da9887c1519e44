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
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/test/framework"
)

func applySeed(t *testing.T, g Gomega, file, ns string) {
	t.Helper()
	g.Expect(framework.ApplySeed(t.Context(), fleet.ControlPlane, file, ns)).To(Succeed())
}

func member(g Gomega, cluster, ns, name string) (*appsv1.Deployment, error) {
	c, err := fleet.Member(cluster)
	g.Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return c.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
}

func readyIn(g Gomega, cluster, ns, name string) int32 {
	d, err := member(g, cluster, ns, name)
	g.Expect(err).NotTo(HaveOccurred())
	return d.Status.ReadyReplicas
}

func decision(g Gomega, ns, name string) (map[string]int32, *workv1alpha2.ResourceBinding) {
	rb := &workv1alpha2.ResourceBinding{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, rb)).To(Succeed())
	out := map[string]int32{}
	for _, c := range rb.Spec.Clusters {
		out[c.Name] = c.Replicas
	}
	return out, rb
}

func duplicated(ns string) (*appsv1.Deployment, *policyv1alpha1.PropagationPolicy) {
	lbls := map[string]string{"app": "edge"}
	one := int32(1)
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "edge", Namespace: ns}, Spec: appsv1.DeploymentSpec{
		Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: lbls},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: lbls},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.25"}}}}}}
	pp := &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "edge", Namespace: ns}, Spec: policyv1alpha1.PropagationSpec{
		ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "edge"}},
		Placement:         policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou", "cluster-frankfurt"}}},
	}}
	return d, pp
}

// A member dies: its Divided and Duplicated workloads move to the other
// clusters on their own (failover is on by default), the old copies are
// kept until the replacement is healthy, and when the member returns the
// copies it should no longer run are removed.
func TestClusterFailoverAndReturn(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "failover-"}}
	g.Expect(fleet.ControlPlane.Create(ctx, ns)).To(Succeed())
	applySeed(t, g, "06-nginx-weighted.yaml", ns.Name)
	edge, edgePolicy := duplicated(ns.Name)
	g.Expect(fleet.ControlPlane.Create(ctx, edge)).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(ctx, edgePolicy)).To(Succeed())

	g.Eventually(func(g Gomega) {
		g.Expect(readyIn(g, "cluster-hangzhou", ns.Name, "nginx")).To(Equal(int32(6)))
		g.Expect(readyIn(g, "cluster-shanghai", ns.Name, "nginx")).To(Equal(int32(4)))
		g.Expect(readyIn(g, "cluster-hangzhou", ns.Name, "edge")).To(Equal(int32(1)))
		g.Expect(readyIn(g, "cluster-frankfurt", ns.Name, "edge")).To(Equal(int32(1)))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	edgeBefore, err := member(g, "cluster-hangzhou", ns.Name, "edge")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(fleet.StopCluster("cluster-hangzhou")).To(Succeed())
	restarted := false
	defer func() {
		if !restarted {
			_ = fleet.StartCluster(context.Background(), "cluster-hangzhou")
		}
	}()

	// Tainted NoExecute after the grace period; the replicas move.
	g.Eventually(func(g Gomega) {
		c := &karmadaclusterv1alpha1.Cluster{}
		g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Name: "cluster-hangzhou"}, c)).To(Succeed())
		g.Expect(c.Spec.Taints).To(ContainElement(And(HaveField("Key", karmadaclusterv1alpha1.TaintClusterUnreachable), HaveField("Effect", corev1.TaintEffectNoExecute))))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	g.Eventually(func(g Gomega) {
		got, _ := decision(g, ns.Name, "nginx-deployment")
		g.Expect(got).To(Equal(map[string]int32{"cluster-shanghai": 10}))
		g.Expect(readyIn(g, "cluster-shanghai", ns.Name, "nginx")).To(Equal(int32(10)))
		edgeAt, _ := decision(g, ns.Name, "edge-deployment")
		g.Expect(edgeAt).To(Equal(map[string]int32{"cluster-frankfurt": 1}))
		tpl := &appsv1.Deployment{}
		g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns.Name, Name: "nginx"}, tpl)).To(Succeed())
		g.Expect(tpl.Status.ReadyReplicas).To(Equal(int32(10)))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// The replacement is healthy, so the eviction task is done; the Work on
	// the dead member waits (finalizer) to remove the copy when it returns.
	g.Eventually(func(g Gomega) {
		_, rb := decision(g, ns.Name, "nginx-deployment")
		g.Expect(rb.Spec.GracefulEvictionTasks).To(BeEmpty())
		var works workv1alpha1.WorkList
		g.Expect(fleet.ControlPlane.List(ctx, &works, client.InNamespace(workv1alpha1.ExecutionNamespace("cluster-hangzhou")),
			client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: ns.Name, workv1alpha1.BindingNameLabel: "nginx-deployment"})).To(Succeed())
		for _, w := range works.Items {
			g.Expect(w.DeletionTimestamp).NotTo(BeNil())
		}
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	var events corev1.EventList
	g.Expect(fleet.ControlPlane.List(ctx, &events, client.InNamespace(ns.Name))).To(Succeed())
	g.Expect(events.Items).To(ContainElement(HaveField("Reason", "EvictCluster")))

	g.Expect(fleet.StartCluster(ctx, "cluster-hangzhou")).To(Succeed())
	restarted = true
	g.Eventually(func(g Gomega) {
		_, err := member(g, "cluster-hangzhou", ns.Name, "nginx")
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "stale copy of nginx still in cluster-hangzhou: %v", err)
		// Duplicated placements are re-run when a cluster changes: the
		// member is back in the placement.
		g.Expect(readyIn(g, "cluster-hangzhou", ns.Name, "edge")).To(Equal(int32(1)))
		// ... and its copy there, left from before the outage, was taken over
		// in place, not deleted and made again.
		edgeAfter, err := member(g, "cluster-hangzhou", ns.Name, "edge")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(edgeAfter.UID).To(Equal(edgeBefore.UID), "the returning member's copy of edge was recreated")
		got, _ := decision(g, ns.Name, "nginx-deployment")
		g.Expect(got).To(Equal(map[string]int32{"cluster-shanghai": 10}))
		c := &karmadaclusterv1alpha1.Cluster{}
		g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Name: "cluster-hangzhou"}, c)).To(Succeed())
		g.Expect(c.Spec.Taints).To(BeEmpty())
	}).WithTimeout(90 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())
}
