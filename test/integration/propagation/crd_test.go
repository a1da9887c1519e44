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
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

var widgetGVR = schema.GroupVersionResource{Group: "demo.kurator.dev", Version: "v1", Resource: "widgets"}

func widgetCRD() *apiextensionsv1.CustomResourceDefinition {
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "widgets.demo.kurator.dev"},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "demo.kurator.dev",
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "widgets", Singular: "widget", Kind: "Widget", ListKind: "WidgetList"},
			Scope: apiextensionsv1.NamespaceScoped,
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object",
					Properties: map[string]apiextensionsv1.JSONSchemaProps{
						"spec": {Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{
							"size":  {Type: "integer"},
							"color": {Type: "string"},
						}},
					},
				}},
			}},
		},
	}
}

func widget(ns, name string, size int64) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "demo.kurator.dev/v1", "kind": "Widget",
		"metadata": map[string]any{"name": name, "namespace": ns},
		"spec":     map[string]any{"size": size, "color": "teal"},
	}}
}

func memberDynamic(g Gomega, cluster string) dynamic.Interface {
	cfg, err := clientcmd.BuildConfigFromFlags("", fleet.Layout().ClusterKubeconfig(cluster))
	g.Expect(err).NotTo(HaveOccurred())
	c, err := dynamic.NewForConfig(cfg)
	g.Expect(err).NotTo(HaveOccurred())
	return c
}

// memberWidgetSize is spec.size of a Widget in a member, or -1 when the
// member has none (or does not serve Widgets yet).
func memberWidgetSize(g Gomega, cluster, ns, name string) int64 {
	w, err := memberDynamic(g, cluster).Resource(widgetGVR).Namespace(ns).Get(bg(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return -1
	}
	g.Expect(err).NotTo(HaveOccurred())
	size, _, _ := unstructured.NestedInt64(w.Object, "spec", "size")
	return size
}

func crdEstablished(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
			return true
		}
	}
	return false
}

// A CustomResourceDefinition propagated by a ClusterPropagationPolicy is
// established in the members, and then instances of it propagate with a
// PropagationPolicy like any kind, even one applied with the CRD. A Work whose kind a member does not serve
// yet is retried until the member serves it.
func TestCRDInstancesPropagate(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := namespace(t, g, "crd")
	crd := widgetCRD()
	g.Expect(fleet.ControlPlane.Create(ctx, crd)).To(Succeed())
	cpp := &policyv1alpha1.ClusterPropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "widgets-crd"},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apiextensions.k8s.io/v1", Kind: "CustomResourceDefinition", Name: crd.Name}},
			Placement:         policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou", "cluster-shanghai"}}},
		},
	}
	g.Expect(fleet.ControlPlane.Create(ctx, cpp)).To(Succeed())
	// The policy for the new kind comes with the CRD, before the control
	// plane serves the kind: the detector watches it once it is served.
	g.Expect(fleet.ControlPlane.Create(ctx, &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "widgets", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "demo.kurator.dev/v1", Kind: "Widget"}},
			Placement:         policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou", "cluster-shanghai"}}},
		},
	})).To(Succeed())
	g.Eventually(func(g Gomega) {
		got := &apiextensionsv1.CustomResourceDefinition{}
		g.Expect(fleet.ControlPlane.Get(bg(), client.ObjectKey{Name: crd.Name}, got)).To(Succeed())
		g.Expect(crdEstablished(got)).To(BeTrue())
	}).WithTimeout(30 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())
	// The client's REST mapper learns the new kind from discovery, which may
	// trail the Established condition by a moment.
	g.Eventually(func() error { return fleet.ControlPlane.Create(ctx, widget(ns, "gear", 3)) }).
		WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())

	// The CRD is established in the two members.
	g.Eventually(func(g Gomega) {
		for _, cluster := range []string{"cluster-hangzhou", "cluster-shanghai"} {
			u, err := memberDynamic(g, cluster).Resource(apiextensionsv1.SchemeGroupVersion.WithResource("customresourcedefinitions")).Get(bg(), crd.Name, metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			got := &apiextensionsv1.CustomResourceDefinition{}
			g.Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, got)).To(Succeed())
			g.Expect(crdEstablished(got)).To(BeTrue(), "CRD established in %s", cluster)
		}
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// Frankfurt does not serve Widgets: a Work holding one is not applied,
	// and says why.
	execNS := workv1alpha1.ExecutionNamespace("cluster-frankfurt")
	if err := fleet.ControlPlane.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: execNS}}); err != nil && !apierrors.IsAlreadyExists(err) {
		g.Expect(err).NotTo(HaveOccurred())
	}
	raw, err := json.Marshal(widget(ns, "direct", 7).Object)
	g.Expect(err).NotTo(HaveOccurred())
	work := &workv1alpha1.Work{
		ObjectMeta: metav1.ObjectMeta{Name: "widget-direct-" + ns, Namespace: execNS},
		Spec:       workv1alpha1.WorkSpec{Workload: workv1alpha1.WorkloadTemplate{Manifests: []workv1alpha1.Manifest{{RawExtension: runtime.RawExtension{Raw: raw}}}}},
	}
	g.Expect(fleet.ControlPlane.Create(ctx, work)).To(Succeed())
	g.Eventually(func(g Gomega) {
		got := &workv1alpha1.Work{}
		g.Expect(fleet.ControlPlane.Get(bg(), client.ObjectKeyFromObject(work), got)).To(Succeed())
		c := apimeta.FindStatusCondition(got.Status.Conditions, workv1alpha1.ConditionApplied)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(c.Message).To(ContainSubstring("no matches for kind"))
	}).WithTimeout(30 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())

	// Once the CRD reaches frankfurt too, the same Work is applied.
	update(g, client.ObjectKey{Name: cpp.Name}, cpp, func() {
		cpp.Spec.Placement.ClusterAffinity.ClusterNames = []string{"cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"}
	})
	g.Eventually(func(g Gomega) {
		g.Expect(memberWidgetSize(g, "cluster-frankfurt", ns, "direct")).To(Equal(int64(7)))
		got := &workv1alpha1.Work{}
		g.Expect(fleet.ControlPlane.Get(bg(), client.ObjectKeyFromObject(work), got)).To(Succeed())
		g.Expect(apimeta.IsStatusConditionTrue(got.Status.Conditions, workv1alpha1.ConditionApplied)).To(BeTrue())
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// The Widget template reaches the members its policy names once the
	// scheduler sees that they serve the kind (members' API discovery is
	// refreshed every minute).
	g.Eventually(func(g Gomega) {
		for _, cluster := range []string{"cluster-hangzhou", "cluster-shanghai"} {
			g.Expect(memberWidgetSize(g, cluster, ns, "gear")).To(Equal(int64(3)), "widget in %s", cluster)
		}
	}).WithTimeout(150 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())
	g.Expect(memberWidgetSize(g, "cluster-frankfurt", ns, "gear")).To(Equal(int64(-1)))

	// A change of the Widget reaches them.
	w := &unstructured.Unstructured{}
	w.SetGroupVersionKind(widgetGVR.GroupVersion().WithKind("Widget"))
	update(g, client.ObjectKey{Namespace: ns, Name: "gear"}, w, func() { g.Expect(unstructured.SetNestedField(w.Object, int64(5), "spec", "size")).To(Succeed()) })
	g.Eventually(func(g Gomega) {
		for _, cluster := range []string{"cluster-hangzhou", "cluster-shanghai"} {
			g.Expect(memberWidgetSize(g, cluster, ns, "gear")).To(Equal(int64(5)), "widget in %s", cluster)
		}
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// Deleting the Work and the template removes their Widgets.
	g.Expect(fleet.ControlPlane.Delete(ctx, work)).To(Succeed())
	g.Expect(fleet.ControlPlane.Delete(ctx, widget(ns, "gear", 0))).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(memberWidgetSize(g, "cluster-frankfurt", ns, "direct")).To(Equal(int64(-1)))
		for _, cluster := range []string{"cluster-hangzhou", "cluster-shanghai"} {
			g.Expect(memberWidgetSize(g, cluster, ns, "gear")).To(Equal(int64(-1)), "widget in %s", cluster)
		}
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
}
