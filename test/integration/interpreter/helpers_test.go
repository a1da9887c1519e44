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

package interpreter_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/test/framework"
)

var members = []string{"cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"}

// crd is a namespaced kind with a status subresource and any fields.
func crd(group, kind, plural string) string {
	return fmt.Sprintf(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: %[2]s.%[4]s}
spec:
  group: %[4]s
  scope: Namespaced
  names: {kind: %[1]s, plural: %[2]s, singular: %[3]s, listKind: %[1]sList}
  versions:
  - name: v1alpha1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`, kind, plural, plural[:len(plural)-1], group)
}

// installCRD installs the kind of workload.example.io in the control plane
// and every member, and waits until each serves it.
func installCRD(t *testing.T, kind, plural string) schema.GroupVersionResource {
	return installCRDOf(t, "workload.example.io", kind, plural)
}

func installCRDOf(t *testing.T, group, kind, plural string) schema.GroupVersionResource {
	t.Helper()
	gvr := schema.GroupVersionResource{Group: group, Version: "v1alpha1", Resource: plural}
	kubeconfigs := []string{fleet.Layout().ClusterKubeconfig("kurator")}
	for _, m := range members {
		kubeconfigs = append(kubeconfigs, fleet.Layout().ClusterKubeconfig(m))
	}
	for _, kc := range kubeconfigs {
		c, err := framework.ClientFor(kc)
		if err != nil {
			t.Fatal(err)
		}
		if err := framework.Apply(t.Context(), c, "", "interpreter-test", crd(group, kind, plural)); err != nil {
			t.Fatal(err)
		}
		dyn := dynamicFor(t, kc)
		NewWithT(t).Eventually(func(g Gomega) {
			_, err := dyn.Resource(gvr).Namespace("default").List(context.Background(), metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred())
		}).WithTimeout(time.Minute).WithPolling(250 * time.Millisecond).Should(Succeed())
	}
	// The scheduler places the kind only on clusters whose API
	// enablements list it: wait for every member's.
	NewWithT(t).Eventually(func(g Gomega) {
		for _, m := range members {
			c := &karmadaclusterv1alpha1.Cluster{}
			g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Name: m}, c)).To(Succeed())
			served := false
			for _, e := range c.Status.APIEnablements {
				if e.GroupVersion == gvr.GroupVersion().String() {
					for _, r := range e.Resources {
						served = served || r.Name == plural
					}
				}
			}
			g.Expect(served).To(BeTrue(), "%s does not list %s yet", m, gvr)
		}
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())
	return gvr
}

func dynamicFor(t *testing.T, kubeconfig string) dynamic.Interface {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return dyn
}

func memberDynamic(t *testing.T, member string) dynamic.Interface {
	return dynamicFor(t, fleet.Layout().ClusterKubeconfig(member))
}

func createNamespace(t *testing.T, ns string) {
	t.Helper()
	if err := fleet.ControlPlane.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
}

func apply(t *testing.T, ns, manifests string) {
	t.Helper()
	if err := framework.Apply(t.Context(), fleet.ControlPlane, ns, "interpreter-test", manifests); err != nil {
		t.Fatal(err)
	}
}

// memberObject reads the member's copy; nil when there is none.
func memberObject(g Gomega, t *testing.T, member string, gvr schema.GroupVersionResource, ns, name string) *unstructured.Unstructured {
	obj, err := memberDynamic(t, member).Resource(gvr).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		g.Expect(client.IgnoreNotFound(err)).NotTo(HaveOccurred())
		return nil
	}
	return obj
}

// setMemberStatus writes the member copy's status, as its operator would.
func setMemberStatus(g Gomega, t *testing.T, member string, gvr schema.GroupVersionResource, ns, name string, status map[string]any) {
	res := memberDynamic(t, member).Resource(gvr).Namespace(ns)
	obj, err := res.Get(context.Background(), name, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	obj.Object["status"] = status
	_, err = res.UpdateStatus(context.Background(), obj, metav1.UpdateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
}

// decision is the binding's replicas per cluster.
func decision(g Gomega, ns, name string) map[string]int32 {
	rb := &workv1alpha2.ResourceBinding{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, rb)).To(Succeed())
	out := map[string]int32{}
	for _, c := range rb.Spec.Clusters {
		out[c.Name] = c.Replicas
	}
	return out
}

// readyCondition is the customisation's Ready condition.
func readyCondition(g Gomega, name string) *metav1.Condition {
	ric := &configv1alpha1.ResourceInterpreterCustomization{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Name: name}, ric)).To(Succeed())
	c := apimeta.FindStatusCondition(ric.Status.Conditions, "Ready")
	g.Expect(c).NotTo(BeNil(), "no Ready condition yet")
	g.Expect(c.ObservedGeneration).To(Equal(ric.Generation))
	return c
}
