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

package pull_test

import (
	"bytes"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// The pull member registered itself through its agent: the control plane
// knows it only as a Cluster in pull mode, with the status the agent
// reports, and holds nothing that could reach it.
func TestPullMemberHoldsNoCredentials(t *testing.T) {
	g := NewWithT(t)
	c := cluster(g, pulled)
	g.Expect(c.Spec.SyncMode).To(Equal(karmadaclusterv1alpha1.Pull))
	g.Expect(c.Spec.SecretRef).To(BeNil())
	g.Expect(c.Spec.APIEndpoint).To(BeEmpty())
	g.Expect(ready(c)).To(BeTrue())
	g.Expect(c.Labels).To(HaveKeyWithValue("provider", "huawei"), "the fleet's labels")

	// What the agent reports: version, nodes, resources, APIs.
	g.Eventually(func(g Gomega) {
		c := cluster(g, pulled)
		g.Expect(c.Status.KubernetesVersion).To(HavePrefix("v1."))
		g.Expect(c.Status.NodeSummary).NotTo(BeNil())
		g.Expect(c.Status.NodeSummary.TotalNum).To(BeNumerically(">", 0))
		g.Expect(c.Status.ResourceSummary).NotTo(BeNil())
		g.Expect(c.Status.ResourceSummary.Allocatable).To(HaveKey(corev1.ResourceCPU))
		var groups []string
		for _, e := range c.Status.APIEnablements {
			groups = append(groups, e.GroupVersion)
		}
		g.Expect(groups).To(ContainElement("apps/v1"))
		g.Expect(apimeta.IsStatusConditionTrue(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionCompleteAPIEnablements)).To(BeTrue())
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// No Secret and no AttachedCluster of the control plane reaches it.
	raw, err := clientcmd.LoadFromFile(fleet.Layout().ClusterKubeconfig(pulled))
	g.Expect(err).NotTo(HaveOccurred())
	var server string
	for _, cl := range raw.Clusters {
		server = cl.Server
	}
	g.Expect(server).NotTo(BeEmpty())
	var secrets corev1.SecretList
	g.Expect(fleet.ControlPlane.List(t.Context(), &secrets)).To(Succeed())
	for _, s := range secrets.Items {
		for key, value := range s.Data {
			g.Expect(bytes.Contains(value, []byte(server))).To(BeFalse(), "Secret %s/%s key %s reaches %s", s.Namespace, s.Name, key, pulled)
		}
	}
	var attached clusterv1alpha1.AttachedClusterList
	g.Expect(fleet.ControlPlane.List(t.Context(), &attached)).To(Succeed())
	for _, a := range attached.Items {
		g.Expect(a.Name).NotTo(Equal(pulled))
	}
}

// Seed example 06 divides nginx between a push member (hangzhou) and the
// pull member (shanghai); the agent applies shanghai's share and reports
// its status, which adds up on the template.
func TestSeed06WeightedThroughTheAgent(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "seed06")
	applySeed(t, g, "06-nginx-weighted.yaml", ns)

	g.Eventually(func(g Gomega) {
		g.Expect(workReplicas(g, ns, "nginx-deployment")).To(Equal(map[string]int32{"cluster-hangzhou": 6, pulled: 4}))
		for c, want := range map[string]int32{"cluster-hangzhou": 6, pulled: 4} {
			d := memberDeployment(g, c, ns, "nginx")
			g.Expect(d.Spec.Replicas).To(HaveValue(Equal(want)))
			g.Expect(d.Status.ReadyReplicas).To(Equal(want))
		}
		tpl := &appsv1.Deployment{}
		g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "nginx"}, tpl)).To(Succeed())
		g.Expect(tpl.Status.ReadyReplicas).To(Equal(int32(10)))
		g.Expect(tpl.Status.ObservedGeneration).To(Equal(tpl.Generation))
		rb := binding(g, ns, "nginx-deployment")
		g.Expect(apimeta.IsStatusConditionTrue(rb.Status.Conditions, workv1alpha2.ConditionFullyApplied)).To(BeTrue())
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// The agent wrote the pull member's Work status.
	var works workv1alpha1.WorkList
	g.Expect(fleet.ControlPlane.List(t.Context(), &works, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)),
		client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: ns, workv1alpha1.BindingNameLabel: "nginx-deployment"})).To(Succeed())
	g.Expect(works.Items).To(HaveLen(1))
	w := works.Items[0]
	g.Expect(apimeta.IsStatusConditionTrue(w.Status.Conditions, workv1alpha1.ConditionApplied)).To(BeTrue())
	g.Expect(apimeta.IsStatusConditionTrue(w.Status.Conditions, workv1alpha1.ConditionAvailable)).To(BeTrue())
	g.Expect(w.Status.ManifestStatuses).To(HaveLen(1))
	g.Expect(w.Status.ManifestStatuses[0].Health).To(Equal(workv1alpha1.ResourceHealthy))

	// Scaling the template reaches the pull member.
	d := &appsv1.Deployment{}
	update(g, client.ObjectKey{Namespace: ns, Name: "nginx"}, d, func() { d.Spec.Replicas = ptr.To[int32](15) })
	g.Eventually(func(g Gomega) {
		g.Expect(memberDeployment(g, pulled, ns, "nginx").Spec.Replicas).To(HaveValue(Equal(int32(6))))
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// Drift in the pull member is corrected by its agent.
	m := member(g, pulled)
	// The member's deployment controller writes the object too: a
	// conflict is retried, as any client must.
	g.Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		live := memberDeployment(g, pulled, ns, "nginx")
		live.Spec.Replicas = ptr.To[int32](1)
		live.Spec.Template.Spec.Containers[0].Image = "nginx:drifted"
		_, err := m.AppsV1().Deployments(ns).Update(t.Context(), live, metav1.UpdateOptions{FieldManager: "someone"})
		return err
	})).To(Succeed())
	g.Eventually(func(g Gomega) {
		d := memberDeployment(g, pulled, ns, "nginx")
		g.Expect(d.Spec.Replicas).To(HaveValue(Equal(int32(6))))
		g.Expect(d.Spec.Template.Spec.Containers[0].Image).To(Equal("nginx:1.25"))
	}).WithTimeout(15 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
}

// Seed example 03's overrides shape the push members' copies; one more
// OverridePolicy for the pull member shapes the copy its agent applies.
func TestSeed03OverridesReachThePullMember(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "seed03")
	lbls := map[string]string{"app": "global-app"}
	g.Expect(fleet.ControlPlane.Create(t.Context(), &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "global-app", Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](1), Selector: &metav1.LabelSelector{MatchLabels: lbls},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: lbls},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.25", Command: []string{"/server"}}}}},
		},
	})).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "global-app", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "global-app"}},
			Placement: policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{
				ClusterNames: []string{"cluster-hangzhou", pulled, "cluster-frankfurt"}}},
		},
	})).To(Succeed())
	applySeed(t, g, "03-cross-cloud-override.yaml", ns)
	g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1alpha1.OverridePolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "shanghai-registry", Namespace: ns},
		Spec: policyv1alpha1.OverrideSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "global-app"}},
			OverrideRules: []policyv1alpha1.RuleWithCluster{{
				TargetCluster: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{pulled}},
				Overriders: policyv1alpha1.Overriders{ImageOverrider: []policyv1alpha1.ImageOverrider{{
					Component: policyv1alpha1.ImageComponentRegistry, Operator: policyv1alpha1.OverriderOpReplace, Value: "swr.cn-east-3.myhuaweicloud.com/company"}}},
			}},
		},
	})).To(Succeed())

	want := map[string]string{
		"cluster-hangzhou":  "registry.cn-hangzhou.aliyuncs.com/company/nginx:1.25",
		"cluster-frankfurt": "registry.eu-central.example.com/company/nginx:1.25",
		pulled:              "swr.cn-east-3.myhuaweicloud.com/company/nginx:1.25",
	}
	g.Eventually(func(g Gomega) {
		for c, image := range want {
			g.Expect(memberDeployment(g, c, ns, "global-app").Spec.Template.Spec.Containers[0].Image).To(Equal(image), c)
		}
	}).WithTimeout(45 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
}
