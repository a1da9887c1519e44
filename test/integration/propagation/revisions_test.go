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
	"context"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	helm3action "helm.sh/helm/v3/pkg/action"
	helm3loader "helm.sh/helm/v3/pkg/chart/loader"
	helm3chartutil "helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v4/pkg/action"
	chartloader "helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/kube"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/localfleet"
)

// releasePolicy propagates what 'helm create's chart makes, as a platform
// team would set it up for a namespace before releases land.
func releasePolicy(t *testing.T, g Gomega, ns string, placement policyv1alpha1.Placement) {
	g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "releases", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{
				{APIVersion: "apps/v1", Kind: "Deployment"}, {APIVersion: "v1", Kind: "Service"}, {APIVersion: "v1", Kind: "ServiceAccount"}},
			Placement: placement,
		},
	})).To(Succeed())
}

var dividedOverTwo = policyv1alpha1.Placement{
	ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou", "cluster-shanghai"}},
	ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
		ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted},
}

// Helm 3's --wait looks for the Deployment's newest ReplicaSet on the API
// server it installed to, and waits for it to be ready: the control plane's
// revision projection answers it, divided over two members and duplicated
// to three.
func TestHelm3InstallWaits(t *testing.T) {
	for name, placement := range map[string]policyv1alpha1.Placement{"divided over two": dividedOverTwo, "duplicated to three": {}} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			ns := namespace(t, g, "helm3")
			releasePolicy(t, g, ns, placement)
			dir, err := helm3chartutil.Create("demo", t.TempDir())
			g.Expect(err).NotTo(HaveOccurred())
			chart, err := helm3loader.Load(dir)
			g.Expect(err).NotTo(HaveOccurred())

			kubeconfig := fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName)
			cfg := new(helm3action.Configuration)
			g.Expect(cfg.Init(&genericclioptions.ConfigFlags{KubeConfig: &kubeconfig, Namespace: &ns}, ns, "secret", t.Logf)).To(Succeed())
			install := helm3action.NewInstall(cfg)
			install.ReleaseName, install.Namespace, install.Wait, install.Timeout = "demo", ns, true, 90*time.Second
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			started := time.Now()
			_, err = install.RunWithContext(ctx, chart, map[string]any{"replicaCount": 4})
			g.Expect(err).NotTo(HaveOccurred())
			t.Logf("helm 3 install --wait returned after %s", time.Since(started).Round(100*time.Millisecond))
			tpl := &appsv1.Deployment{}
			g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "demo"}, tpl)).To(Succeed())
			g.Expect(tpl.Status.ReadyReplicas).To(Equal(int32(4)))
		})
	}
}

// After a Helm upgrade (with --wait), kubectl rollout history on the control
// plane lists both revisions, and kubectl rollout undo brings every member
// back to the previous image. The revisions stay on the control plane,
// read-only.
func TestRolloutHistoryAndUndo(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "undo")
	releasePolicy(t, g, ns, dividedOverTwo)
	dir, err := chartutil.Create("web", t.TempDir())
	g.Expect(err).NotTo(HaveOccurred())
	chart, err := chartloader.Load(dir)
	g.Expect(err).NotTo(HaveOccurred())
	kubeconfig := fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName)
	cfg := action.NewConfiguration()
	g.Expect(cfg.Init(&genericclioptions.ConfigFlags{KubeConfig: &kubeconfig, Namespace: &ns}, ns, "secret")).To(Succeed())
	values := func(tag string) map[string]any {
		return map[string]any{"replicaCount": 4, "image": map[string]any{"tag": tag}}
	}
	install := action.NewInstall(cfg)
	install.ReleaseName, install.Namespace = "web", ns
	install.WaitStrategy, install.Timeout = kube.StatusWatcherStrategy, 90*time.Second
	_, err = install.RunWithContext(t.Context(), chart, values("1.25"))
	g.Expect(err).NotTo(HaveOccurred())
	upgrade := action.NewUpgrade(cfg)
	upgrade.Namespace, upgrade.WaitStrategy, upgrade.Timeout = ns, kube.StatusWatcherStrategy, 90*time.Second
	_, err = upgrade.RunWithContext(t.Context(), "web", chart, values("1.27"))
	g.Expect(err).NotTo(HaveOccurred())

	g.Eventually(func(g Gomega) {
		out, _, err := kubectl("rollout", "history", "deployment/web", "-n", ns)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(revisionsListed(out)).To(Equal([]string{"1", "2"}), out)
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	out, _, err := kubectl("rollout", "history", "deployment/web", "-n", ns, "--revision=1")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring("nginx:1.25"))

	out, _, err = kubectl("rollout", "undo", "deployment/web", "-n", ns)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring("rolled back"))
	g.Eventually(func(g Gomega) {
		for _, member := range []string{"cluster-hangzhou", "cluster-shanghai"} {
			m := memberDeployment(g, member, ns, "web")
			g.Expect(m.Spec.Template.Spec.Containers[0].Image).To(Equal("nginx:1.25"), member)
			g.Expect(m.Status.ObservedGeneration).To(Equal(m.Generation), member)
			g.Expect(m.Status.UpdatedReplicas).To(Equal(*m.Spec.Replicas), member)
		}
	}).WithTimeout(90 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	_, _, err = kubectl("rollout", "status", "deployment/web", "-n", ns, "--timeout=90s")
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func(g Gomega) {
		out, _, err := kubectl("rollout", "history", "deployment/web", "-n", ns)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(revisionsListed(out)).To(Equal([]string{"2", "3"}), out)
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// The revisions are the control plane's own: none reaches a member, and
	// they refuse writes, saying what they are.
	var list appsv1.ReplicaSetList
	g.Expect(fleet.ControlPlane.List(t.Context(), &list, client.InNamespace(ns))).To(Succeed())
	g.Expect(list.Items).To(HaveLen(2))
	for _, member := range []string{"cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"} {
		rs, err := memberClient(g, member).AppsV1().ReplicaSets(ns).List(t.Context(), metav1.ListOptions{LabelSelector: workv1alpha2.RevisionOfLabel})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(rs.Items).To(BeEmpty(), member)
	}
	rs := list.Items[0]
	_, _, err = kubectl("scale", "replicaset/"+rs.Name, "-n", ns, "--replicas=7")
	g.Expect(err).NotTo(HaveOccurred(), "scaling goes through the scale subresource, which the projection then sets back")
	_, _, err = kubectl("set", "image", "replicaset/"+rs.Name, "web=nginx:1.29", "-n", ns)
	g.Expect(err).To(MatchError(ContainSubstring("is a read-only revision of Deployment web")))
	g.Eventually(func(g Gomega) {
		got := &appsv1.ReplicaSet{}
		g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKeyFromObject(&rs), got)).To(Succeed())
		g.Expect(*got.Spec.Replicas).To(Equal(*rs.Spec.Replicas))
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
}

// revisionsListed reads the REVISION column of kubectl rollout history.
func revisionsListed(out string) []string {
	var revs []string
	for _, line := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(line); len(f) > 0 && f[0] != "REVISION" {
			revs = append(revs, f[0])
		}
	}
	return revs
}
