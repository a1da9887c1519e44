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
package propagation_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1 "k8s.io/api/apps/v1"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/render"
)

var seedClusters = []string{"cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"}

// appContainer is the container the seed's command overriders name.
func appContainer(g Gomega, cluster, ns string) (image string, command []string) {
	d := memberDeployment(g, cluster, ns, "global-app")
	for _, c := range d.Spec.Template.Spec.Containers {
		if c.Name == "app" {
			return c.Image, c.Command
		}
	}
	g.Expect(d.Spec.Template.Spec.Containers).To(ContainElement(HaveField("Name", "app")))
	return "", nil
}

// workGenerations returns the generation of the binding's Work per
// cluster: it moves only when the binding controller changes the spec.
func workGenerations(g Gomega, ns, rbName string) map[string]int64 {
	var works workv1alpha1.WorkList
	g.Expect(fleet.ControlPlane.List(bg(), &works, client.MatchingLabels{
		workv1alpha1.BindingNamespaceLabel: ns, workv1alpha1.BindingNameLabel: rbName})).To(Succeed())
	out := map[string]int64{}
	for _, w := range works.Items {
		out[w.Namespace] = w.Generation
	}
	return out
}

func TestSeed03OverridesPerCluster(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "seed03")
	app := deployment(ns, "global-app", 1)
	app.Spec.Template.Spec.Containers[0].Command = []string{"/server"}
	g.Expect(fleet.ControlPlane.Create(t.Context(), app)).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "global-app", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "global-app"}},
			Placement:         policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: seedClusters}},
		},
	})).To(Succeed())
	applySeed(t, g, "03-cross-cloud-override.yaml", ns)

	want := map[string][2]any{
		"cluster-hangzhou":  {"registry.cn-hangzhou.aliyuncs.com/company/nginx:1.25", []string{"/server", "--region=asia-east"}},
		"cluster-frankfurt": {"registry.eu-central.example.com/company/nginx:1.25", []string{"/server", "--region=eu-central", "--compliance=gdpr"}},
		"cluster-shanghai":  {"nginx:1.25", []string{"/server"}},
	}
	expectMembers := func(want map[string][2]any) {
		t.Helper()
		g.Eventually(func(g Gomega) {
			for cluster, w := range want {
				image, command := appContainer(g, cluster, ns)
				g.Expect(image).To(Equal(w[0]), cluster)
				g.Expect(command).To(Equal(w[1]), cluster)
			}
		}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	}
	expectMembers(want)

	// The member object records which rules shaped it.
	d := memberDeployment(g, "cluster-frankfurt", ns, "global-app")
	applied, err := render.DecodeApplied(d.Annotations[render.AppliedOverridesAnnotation])
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(applied).To(Equal([]render.AppliedPolicy{{Policy: ns + "/cross-cloud-config", Rules: []int{1}}}))
	g.Expect(memberDeployment(g, "cluster-shanghai", ns, "global-app").Annotations).NotTo(HaveKey(render.AppliedOverridesAnnotation))

	// Updating the policy re-renders frankfurt only: the other Works are
	// not written again.
	rbName := "global-app-deployment"
	before := workGenerations(g, ns, rbName)
	op := &policyv1alpha1.OverridePolicy{}
	update(g, client.ObjectKey{Namespace: ns, Name: "cross-cloud-config"}, op, func() {
		op.Spec.OverrideRules[1].Overriders.CommandOverrider[0].Value = []string{"--region=eu-central", "--compliance=strict"}
	})
	want["cluster-frankfurt"] = [2]any{"registry.eu-central.example.com/company/nginx:1.25", []string{"/server", "--region=eu-central", "--compliance=strict"}}
	expectMembers(want)
	after := workGenerations(g, ns, rbName)
	for _, c := range []string{"cluster-hangzhou", "cluster-shanghai"} {
		es := workv1alpha1.ExecutionNamespace(c)
		g.Expect(after[es]).To(Equal(before[es]), c)
	}
	g.Expect(after[workv1alpha1.ExecutionNamespace("cluster-frankfurt")]).NotTo(Equal(before[workv1alpha1.ExecutionNamespace("cluster-frankfurt")]))

	// Deleting the policy restores the plain manifest everywhere.
	g.Expect(fleet.ControlPlane.Delete(t.Context(), op)).To(Succeed())
	expectMembers(map[string][2]any{
		"cluster-hangzhou":  {"nginx:1.25", []string{"/server"}},
		"cluster-frankfurt": {"nginx:1.25", []string{"/server"}},
		"cluster-shanghai":  {"nginx:1.25", []string{"/server"}},
	})
}

// A broken override stops that cluster only: it keeps its previous copy
// while the other clusters take a template change, and the binding says
// why. Fixing the policy lets the cluster catch up.
func TestBrokenOverrideKeepsThePreviousCopy(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "badop")
	g.Expect(fleet.ControlPlane.Create(t.Context(), deployment(ns, "web", 1))).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}},
			Placement:         policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou", "cluster-shanghai"}}},
		},
	})).To(Succeed())
	image := func(g Gomega, cluster string) string {
		return memberDeployment(g, cluster, ns, "web").Spec.Template.Spec.Containers[0].Image
	}
	g.Eventually(func(g Gomega) {
		g.Expect(image(g, "cluster-hangzhou")).To(Equal("nginx:1.25"))
		g.Expect(image(g, "cluster-shanghai")).To(Equal("nginx:1.25"))
	}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())

	// Replacing a field that does not exist cannot be checked at admission:
	// the path is valid, the object just lacks it.
	broken := &policyv1alpha1.OverridePolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "broken", Namespace: ns},
		Spec: policyv1alpha1.OverrideSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}},
			OverrideRules: []policyv1alpha1.RuleWithCluster{{
				TargetCluster: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-shanghai"}},
				Overriders: policyv1alpha1.Overriders{Plaintext: []policyv1alpha1.PlaintextOverrider{{
					Path: "/spec/template/spec/nodeName/missing", Operator: policyv1alpha1.OverriderOpReplace,
					Value: &apiextensionsv1.JSON{Raw: []byte(`"x"`)},
				}}},
			}},
		},
	}
	g.Expect(fleet.ControlPlane.Create(t.Context(), broken)).To(Succeed())
	g.Eventually(func(g Gomega) {
		rb := binding(g, ns, "web-deployment")
		c := apimeta.FindStatusCondition(rb.Status.Conditions, workv1alpha2.ConditionRendered)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(c.Reason).To(Equal(workv1alpha2.BindingReasonOverrideFailed))
		g.Expect(c.Message).To(And(ContainSubstring("cluster-shanghai"), ContainSubstring("policy "+ns+"/broken"), ContainSubstring("/spec/template/spec/nodeName/missing")))
		g.Expect(c.Message).NotTo(ContainSubstring("cluster-hangzhou"))
	}).WithTimeout(20 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())

	tpl := &appsv1.Deployment{}
	update(g, client.ObjectKey{Namespace: ns, Name: "web"}, tpl, func() {
		tpl.Spec.Template.Spec.Containers[0].Image = "nginx:1.26"
	})
	g.Eventually(func(g Gomega) {
		g.Expect(image(g, "cluster-hangzhou")).To(Equal("nginx:1.26"))
	}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	g.Consistently(func(g Gomega) {
		g.Expect(image(g, "cluster-shanghai")).To(Equal("nginx:1.25"))
	}).WithTimeout(2 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	g.Eventually(func(g Gomega) {
		rb := binding(g, ns, "web-deployment")
		g.Expect(apimeta.IsStatusConditionFalse(rb.Status.Conditions, "FullyApplied")).To(BeTrue())
		for _, item := range rb.Status.AggregatedStatus {
			if item.ClusterName == "cluster-shanghai" {
				g.Expect(item.Applied).To(BeFalse())
				g.Expect(item.AppliedMessage).To(HavePrefix(workv1alpha2.BindingReasonOverrideFailed))
			}
		}
	}).WithTimeout(10 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())

	g.Expect(fleet.ControlPlane.Delete(t.Context(), broken)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(image(g, "cluster-shanghai")).To(Equal("nginx:1.26"))
		rb := binding(g, ns, "web-deployment")
		g.Expect(apimeta.IsStatusConditionTrue(rb.Status.Conditions, workv1alpha2.ConditionRendered)).To(BeTrue())
	}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
}
