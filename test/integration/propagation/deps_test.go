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
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/controller/dependencies"
)

// depsCopies says, per member, whether it has the ConfigMap and the Secret
// (and the ConfigMap's value of key "mode").
func depsCopies(g Gomega, ns, configMap, secret string) map[string]string {
	out := map[string]string{}
	for _, cluster := range []string{"cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"} {
		m := memberClient(g, cluster)
		cm, err := m.CoreV1().ConfigMaps(ns).Get(bg(), configMap, metav1.GetOptions{})
		switch {
		case err == nil:
			out[cluster] = "configmap:" + cm.Data["mode"]
		case !apierrors.IsNotFound(err):
			g.Expect(err).NotTo(HaveOccurred())
		}
		_, err = m.CoreV1().Secrets(ns).Get(bg(), secret, metav1.GetOptions{})
		switch {
		case err == nil:
			out[cluster] += "+secret"
		case !apierrors.IsNotFound(err):
			g.Expect(err).NotTo(HaveOccurred())
		}
	}
	return out
}

// A Deployment whose policy has propagateDeps takes the ConfigMap it mounts
// and the Secret its env reads to its clusters, moves them when it moves,
// and takes them away when it is deleted. A ConfigMap with a policy of its
// own is shared: it goes to the union of both, and stays where its own
// policy puts it.
func TestDepsFollowTheWorkload(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "deps")
	ctx := t.Context()
	g.Expect(fleet.ControlPlane.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "web-config", Namespace: ns}, Data: map[string]string{"mode": "blue"}})).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "web-secret", Namespace: ns}, StringData: map[string]string{"password": "s3cr3t"}})).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "shared", Namespace: ns}, Data: map[string]string{"mode": "shared"}})).To(Succeed())

	d := deployment(ns, "web", 2)
	spec := &d.Spec.Template.Spec
	spec.Volumes = []corev1.Volume{
		{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "web-config"}}}},
		{Name: "shared", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "shared"}}}},
	}
	spec.Containers[0].Env = []corev1.EnvVar{{Name: "PASSWORD", ValueFrom: &corev1.EnvVarSource{
		SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "web-secret"}, Key: "password"}}}}
	g.Expect(fleet.ControlPlane.Create(ctx, d)).To(Succeed())

	// "shared" has its own policy: hangzhou.
	g.Expect(fleet.ControlPlane.Create(ctx, &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "shared", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "v1", Kind: "ConfigMap", Name: "shared"}},
			Placement:         policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou"}}},
		},
	})).To(Succeed())
	pp := &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{
			PropagateDeps:     true,
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}},
			Placement:         policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou", "cluster-shanghai"}}},
		},
	}
	g.Expect(fleet.ControlPlane.Create(ctx, pp)).To(Succeed())

	g.Eventually(func(g Gomega) {
		g.Expect(depsCopies(g, ns, "web-config", "web-secret")).To(Equal(map[string]string{
			"cluster-hangzhou": "configmap:blue+secret", "cluster-shanghai": "configmap:blue+secret"}))
		g.Expect(depsCopies(g, ns, "shared", "none")).To(Equal(map[string]string{
			"cluster-hangzhou": "configmap:shared", "cluster-shanghai": "configmap:shared"}))
		rb := binding(g, ns, "web-deployment")
		cond := apimeta.FindStatusCondition(rb.Status.Conditions, dependencies.ConditionDependenciesDistributed)
		g.Expect(cond).NotTo(BeNil())
		g.Expect(cond.Status).To(Equal(metav1.ConditionTrue))
		g.Expect(cond.ObservedGeneration).To(Equal(rb.Generation))
		// The ConfigMap without a policy has an attached binding: no
		// placement, required by the Deployment's binding.
		attached := binding(g, ns, "web-config-configmap")
		g.Expect(attached.Spec.Placement).To(BeNil())
		g.Expect(attached.Spec.RequiredBy).To(HaveLen(1))
		g.Expect(attached.Spec.RequiredBy[0].Name).To(Equal("web-deployment"))
		g.Expect(apimeta.IsStatusConditionTrue(attached.Status.Conditions, workv1alpha2.ConditionFullyApplied)).To(BeTrue())
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// The workload moves to frankfurt: its dependencies follow; "shared"
	// stays in hangzhou, where its own policy puts it.
	update(g, client.ObjectKey{Namespace: ns, Name: "web"}, pp, func() {
		pp.Spec.Placement.ClusterAffinity.ClusterNames = []string{"cluster-frankfurt"}
	})
	g.Eventually(func(g Gomega) {
		g.Expect(depsCopies(g, ns, "web-config", "web-secret")).To(Equal(map[string]string{"cluster-frankfurt": "configmap:blue+secret"}))
		g.Expect(depsCopies(g, ns, "shared", "none")).To(Equal(map[string]string{
			"cluster-hangzhou": "configmap:shared", "cluster-frankfurt": "configmap:shared"}))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// A change of a dependency reaches the members.
	cm := &corev1.ConfigMap{}
	update(g, client.ObjectKey{Namespace: ns, Name: "web-config"}, cm, func() { cm.Data["mode"] = "green" })
	g.Eventually(func(g Gomega) {
		g.Expect(depsCopies(g, ns, "web-config", "web-secret")).To(Equal(map[string]string{"cluster-frankfurt": "configmap:green+secret"}))
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// Deleting the workload removes its dependencies from the members and
	// their attached bindings; "shared" keeps its own binding and copy, and
	// the templates stay in the control plane.
	g.Expect(fleet.ControlPlane.Delete(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"}})).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(depsCopies(g, ns, "web-config", "web-secret")).To(BeEmpty())
		g.Expect(depsCopies(g, ns, "shared", "none")).To(Equal(map[string]string{"cluster-hangzhou": "configmap:shared"}))
		for _, name := range []string{"web-config-configmap", "web-secret-secret"} {
			err := fleet.ControlPlane.Get(bg(), client.ObjectKey{Namespace: ns, Name: name}, &workv1alpha2.ResourceBinding{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "binding %s: %v", name, err)
		}
		g.Expect(binding(g, ns, "shared-configmap").Spec.RequiredBy).To(BeEmpty())
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns, Name: "web-config"}, &corev1.ConfigMap{})).To(Succeed())
	g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns, Name: "web-secret"}, &corev1.Secret{})).To(Succeed())
}
