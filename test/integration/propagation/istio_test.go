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
	istiometav1alpha1 "istio.io/api/meta/v1alpha1"
	istionetworkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/test/framework"
)

// memberControllerClient is a controller-runtime client of a member, with
// Kurator's scheme (Istio's types included).
func memberControllerClient(g Gomega, cluster string) client.Client {
	c, err := framework.ClientFor(fleet.Layout().ClusterKubeconfig(cluster))
	g.Expect(err).NotTo(HaveOccurred())
	return c
}

// expectRoute checks a member's copy of a seed VirtualService: its first
// HTTP route splits 90/10 between subsets v1 and v2 of host.
func expectRoute(g Gomega, vs *istionetworkingv1beta1.VirtualService, host string) {
	http := vs.Spec.GetHttp()
	g.Expect(http).To(HaveLen(1))
	route := http[0].GetRoute()
	g.Expect(route).To(HaveLen(2))
	for i, want := range []struct {
		subset string
		weight int32
	}{{"v1", 90}, {"v2", 10}} {
		g.Expect(route[i].GetDestination().GetHost()).To(Equal(host))
		g.Expect(route[i].GetDestination().GetSubset()).To(Equal(want.subset))
		g.Expect(route[i].GetWeight()).To(Equal(want.weight))
	}
}

// The seed's VirtualServices (04 and 07, unchanged), a DestinationRule and
// a ServiceEntry are propagated by a PropagationPolicy to the two clusters
// it names, routes intact, typed reads working in the members; 07's own
// policy runs reviews-v2 in cluster-shanghai only. Kurator leaves the
// templates' status alone (it is istiod's). Deleting the templates removes
// the copies.
func TestIstioRoutingPropagates(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := namespace(t, g, "istio")
	g.Expect(fleet.ControlPlane.Create(ctx, deployment(ns, "reviews-v2", 2))).To(Succeed())
	applySeed(t, g, "04-cross-cluster-route.yaml", ns)
	applySeed(t, g, "07-reviews-canary.yaml", ns)
	g.Expect(framework.ApplyExample(ctx, fleet.ControlPlane, "istio/routing-propagation.yaml", ns)).To(Succeed())

	targets := []string{"cluster-hangzhou", "cluster-shanghai"}
	g.Eventually(func(g Gomega) {
		for _, cluster := range targets {
			member := memberControllerClient(g, cluster)
			vs := &istionetworkingv1beta1.VirtualService{}
			g.Expect(member.Get(bg(), client.ObjectKey{Namespace: ns, Name: "cross-cluster-route"}, vs)).To(Succeed(), cluster)
			g.Expect(vs.Spec.GetHosts()).To(Equal([]string{"api.global.example.com"}))
			expectRoute(g, vs, "api.global.example.com")
			g.Expect(vs.Spec.GetHttp()[0].GetTimeout().AsDuration()).To(Equal(2 * time.Second))
			g.Expect(vs.Spec.GetHttp()[0].GetRetries().GetAttempts()).To(Equal(int32(3)))
			g.Expect(vs.Spec.GetHttp()[0].GetRetries().GetPerTryTimeout().AsDuration()).To(Equal(time.Second))

			g.Expect(member.Get(bg(), client.ObjectKey{Namespace: ns, Name: "reviews-route"}, vs)).To(Succeed(), cluster)
			g.Expect(vs.Spec.GetHosts()).To(Equal([]string{"reviews.prod.svc.cluster.global"}))
			expectRoute(g, vs, "reviews.prod.svc.cluster.local")

			dr := &istionetworkingv1.DestinationRule{}
			g.Expect(member.Get(bg(), client.ObjectKey{Namespace: ns, Name: "reviews"}, dr)).To(Succeed(), cluster)
			g.Expect(dr.Spec.GetSubsets()).To(HaveLen(2))
			g.Expect(dr.Spec.GetSubsets()[1].GetLabels()).To(Equal(map[string]string{"version": "v2"}))
			g.Expect(dr.Spec.GetTrafficPolicy().GetConnectionPool().GetHttp().GetMaxRequestsPerConnection()).To(Equal(int32(10)))

			se := &istionetworkingv1.ServiceEntry{}
			g.Expect(member.Get(bg(), client.ObjectKey{Namespace: ns, Name: "api-global"}, se)).To(Succeed(), cluster)
			g.Expect(se.Spec.GetHosts()).To(Equal([]string{"api.global.example.com"}))
			g.Expect(se.Spec.GetPorts()).To(HaveLen(1))
			g.Expect(se.Spec.GetPorts()[0].GetNumber()).To(Equal(uint32(443)))
		}
		memberDeployment(g, "cluster-shanghai", ns, "reviews-v2")
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// cluster-frankfurt is not selected: no routing objects there; and
	// reviews-v2 runs in cluster-shanghai only.
	frankfurt := memberControllerClient(g, "cluster-frankfurt")
	err := frankfurt.Get(ctx, client.ObjectKey{Namespace: ns, Name: "cross-cluster-route"}, &istionetworkingv1beta1.VirtualService{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "VirtualService in cluster-frankfurt: %v", err)
	g.Expect(decision(binding(g, ns, "reviews-v2-deployment"))).To(Equal(map[string]int32{"cluster-shanghai": 2}))
	for _, cluster := range []string{"cluster-hangzhou", "cluster-frankfurt"} {
		_, err := memberClient(g, cluster).AppsV1().Deployments(ns).Get(ctx, "reviews-v2", metav1.GetOptions{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "reviews-v2 in %s: %v", cluster, err)
	}

	// Once applied everywhere, the template's status is still nobody's:
	// Kurator aggregates none for Istio's kinds.
	g.Eventually(func(g Gomega) {
		rb := binding(g, ns, "cross-cluster-route-virtualservice")
		g.Expect(decision(rb)).To(Equal(map[string]int32{"cluster-hangzhou": 0, "cluster-shanghai": 0}))
		g.Expect(apimeta.IsStatusConditionTrue(rb.Status.Conditions, workv1alpha2.ConditionFullyApplied)).To(BeTrue())
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	tpl := &unstructured.Unstructured{}
	tpl.SetGroupVersionKind(istionetworkingv1beta1.SchemeGroupVersion.WithKind("VirtualService"))
	g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns, Name: "cross-cluster-route"}, tpl)).To(Succeed())
	g.Expect(tpl.Object).NotTo(HaveKey("status"))

	// istiod's status write in a member (here done by the test, through the
	// status subresource as istiod does) is left alone: it reaches the Work
	// as it is, the member's copy keeps it (Kurator owns no status field
	// there), and the template's status stays nobody's.
	hangzhou := memberControllerClient(g, "cluster-hangzhou")
	vs := &istionetworkingv1beta1.VirtualService{}
	g.Expect(hangzhou.Get(ctx, client.ObjectKey{Namespace: ns, Name: "cross-cluster-route"}, vs)).To(Succeed())
	applied := vs.ResourceVersion
	vs.Status.ObservedGeneration = vs.Generation
	vs.Status.Conditions = []*istiometav1alpha1.IstioCondition{{Type: "Reconciled", Status: "True", Reason: "Synced", Message: "pushed to 2 proxies"}}
	g.Expect(hangzhou.Status().Update(ctx, vs)).To(Succeed())
	g.Eventually(func(g Gomega) {
		var works workv1alpha1.WorkList
		g.Expect(fleet.ControlPlane.List(bg(), &works, client.InNamespace(workv1alpha1.ExecutionNamespace("cluster-hangzhou")), client.MatchingLabels{
			workv1alpha1.BindingNamespaceLabel: ns, workv1alpha1.BindingNameLabel: "cross-cluster-route-virtualservice"})).To(Succeed())
		g.Expect(works.Items).To(HaveLen(1))
		statuses := works.Items[0].Status.ManifestStatuses
		g.Expect(statuses).To(HaveLen(1))
		g.Expect(statuses[0].Status).NotTo(BeNil())
		g.Expect(string(statuses[0].Status.Raw)).To(ContainSubstring("pushed to 2 proxies"))
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	g.Expect(hangzhou.Get(ctx, client.ObjectKey{Namespace: ns, Name: "cross-cluster-route"}, vs)).To(Succeed())
	g.Expect(vs.Status.GetConditions()).To(HaveLen(1))
	g.Expect(vs.Status.GetConditions()[0].GetMessage()).To(Equal("pushed to 2 proxies"))
	g.Expect(vs.Generation).To(Equal(int64(1)))
	g.Expect(vs.ResourceVersion).NotTo(Equal(applied))
	for _, f := range vs.ManagedFields {
		if f.Manager == "kurator" {
			g.Expect(f.Subresource).To(BeEmpty(), "Kurator writes no status")
		}
	}
	g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns, Name: "cross-cluster-route"}, tpl)).To(Succeed())
	g.Expect(tpl.Object).NotTo(HaveKey("status"))

	// Deleting the templates removes the members' copies. The bindings go
	// with their templates through the control plane's garbage collector,
	// which watches a kind installed after it started (as Istio's are, by
	// 'kurator up') only from its next resync, up to 30s later.
	names := map[string]client.Object{
		"cross-cluster-route": &istionetworkingv1beta1.VirtualService{},
		"reviews-route":       &istionetworkingv1beta1.VirtualService{},
		"reviews":             &istionetworkingv1.DestinationRule{},
		"api-global":          &istionetworkingv1.ServiceEntry{},
	}
	for name, obj := range names {
		obj.SetNamespace(ns)
		obj.SetName(name)
		g.Expect(fleet.ControlPlane.Delete(ctx, obj)).To(Succeed(), name)
	}
	g.Eventually(func(g Gomega) {
		for _, cluster := range targets {
			member := memberControllerClient(g, cluster)
			for name, obj := range names {
				err := member.Get(bg(), client.ObjectKey{Namespace: ns, Name: name}, obj.DeepCopyObject().(client.Object))
				g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%T %s in %s: %v", obj, name, cluster, err)
			}
		}
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
}

// An invalid VirtualService is refused by the control plane with Istio's
// schema messages.
func TestInvalidVirtualServiceIsRefused(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "istio-invalid")
	vs := func(weight, timeout any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "networking.istio.io/v1beta1", "kind": "VirtualService",
			"metadata": map[string]any{"name": "broken", "namespace": ns},
			"spec": map[string]any{"hosts": []any{"reviews"}, "http": []any{map[string]any{
				"route":   []any{map[string]any{"destination": map[string]any{"host": "reviews"}, "weight": weight}},
				"timeout": timeout,
			}}},
		}}
	}
	err := fleet.ControlPlane.Create(t.Context(), vs("abc", "2s"))
	g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%v", err)
	g.Expect(err.Error()).To(ContainSubstring(`spec.http[0].route[0].weight: Invalid value: "string": spec.http[0].route[0].weight in body must be of type integer`))

	err = fleet.ControlPlane.Create(t.Context(), vs(int64(100), "500us"))
	g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%v", err)
	g.Expect(err.Error()).To(ContainSubstring(`spec.http[0].timeout: Invalid value: "500us": must be a valid duration greater than 1ms`))
}

// kubectl explains Istio's kinds from their published schema.
func TestKubectlExplainsVirtualService(t *testing.T) {
	g := NewWithT(t)
	// The control plane publishes a new CRD's OpenAPI a moment after it
	// serves it.
	g.Eventually(func(g Gomega) {
		out, stderr, err := kubectl("explain", "virtualservice.spec.http.route")
		g.Expect(err).NotTo(HaveOccurred(), stderr)
		g.Expect(out).To(ContainSubstring("GROUP:      networking.istio.io"))
		g.Expect(out).To(ContainSubstring("destination"))
		g.Expect(out).To(ContainSubstring("Weight specifies the relative proportion of traffic"))
	}).WithTimeout(30 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())
}
