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
package localfleet_test

import (
	"os"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/crdinstall"
	"kurator.dev/kurator/internal/join"
	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/test/framework"
)

var istioCRDNames = []string{
	"destinationrules.networking.istio.io", "gateways.networking.istio.io",
	"serviceentries.networking.istio.io", "virtualservices.networking.istio.io",
}

func clusterClient(g Gomega, cluster string) client.Client {
	c, err := framework.ClientFor(fleet.Layout().ClusterKubeconfig(cluster))
	g.Expect(err).NotTo(HaveOccurred())
	return c
}

// 'kurator up' leaves Istio's networking kinds served by the control plane
// and by every member; the members have none of Kurator's own CRDs.
func TestEveryClusterServesIstioNetworking(t *testing.T) {
	g := NewWithT(t)
	for _, cluster := range []string{localfleet.ControlPlaneName, "cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"} {
		c := clusterClient(g, cluster)
		for _, name := range istioCRDNames {
			got := &apiextensionsv1.CustomResourceDefinition{}
			g.Expect(c.Get(t.Context(), client.ObjectKey{Name: name}, got)).To(Succeed(), "%s in %s", name, cluster)
			g.Expect(crdinstall.Established(got)).To(BeTrue(), "%s established in %s", name, cluster)
			g.Expect(got.Spec.Versions).To(HaveLen(3))
		}
		err := c.Get(t.Context(), client.ObjectKey{Name: "fleets.fleet.kurator.dev"}, &apiextensionsv1.CustomResourceDefinition{})
		if cluster == localfleet.ControlPlaneName {
			g.Expect(err).NotTo(HaveOccurred())
		} else {
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "Kurator's Fleet CRD in %s: %v", cluster, err)
		}
	}
}

// 'kurator join' creates the Istio CRDs a cluster lacks, leaves those it has
// alone, and can be told not to touch them.
func TestJoinInstallsMissingIstioCRDs(t *testing.T) {
	g := NewWithT(t)
	hub := fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName)
	kubeconfig := fleet.Layout().ClusterKubeconfig("cluster-shanghai")
	member := clusterClient(g, "cluster-shanghai")
	vs := &apiextensionsv1.CustomResourceDefinition{}
	g.Expect(member.Get(t.Context(), client.ObjectKey{Name: "virtualservices.networking.istio.io"}, vs)).To(Succeed())
	gateways := client.ObjectKey{Name: "gateways.networking.istio.io"}
	g.Expect(member.Delete(t.Context(), crdNamed(vs.Name))).To(Succeed())
	g.Expect(member.Delete(t.Context(), crdNamed(gateways.Name))).To(Succeed())
	g.Eventually(func(g Gomega) {
		for _, key := range []client.ObjectKey{gateways, {Name: vs.Name}} {
			err := member.Get(t0(), key, &apiextensionsv1.CustomResourceDefinition{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%s: %v", key.Name, err)
		}
	}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	// The VirtualService CRD comes back as the cluster's own, older and
	// smaller, standing for an installation of Istio: join must keep it.
	own := crdNamed(vs.Name)
	own.Spec = vs.Spec
	for _, v := range vs.Spec.Versions {
		if v.Name == "v1alpha3" {
			v.Storage = true
			own.Spec.Versions = []apiextensionsv1.CustomResourceDefinitionVersion{v}
		}
	}
	g.Expect(member.Create(t.Context(), own)).To(Succeed())

	unjoin := func(name string) {
		code, out := runCLI("unjoin", name, "--control-plane-kubeconfig", hub, "--control-plane-context", "kurator")
		g.Expect(code).To(Equal(0), out)
		g.Eventually(func(g Gomega) {
			err := fleet.ControlPlane.Get(t0(), client.ObjectKey{Name: name}, &karmadaclusterv1alpha1.Cluster{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
		}).WithTimeout(30 * time.Second).Should(Succeed())
	}

	code, out := runCLI("join", "mesh-untouched", "--kubeconfig", kubeconfig, "--install-istio-crds=false",
		"--control-plane-kubeconfig", hub, "--control-plane-context", "kurator")
	g.Expect(code).To(Equal(0), out)
	defer unjoin("mesh-untouched")
	g.Expect(out).NotTo(ContainSubstring("installed"))
	err := member.Get(t.Context(), gateways, &apiextensionsv1.CustomResourceDefinition{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%v", err)

	code, out = runCLI("join", "mesh", "--kubeconfig", kubeconfig, "--control-plane-kubeconfig", hub, "--control-plane-context", "kurator")
	g.Expect(code).To(Equal(0), out)
	defer unjoin("mesh")
	g.Expect(out).To(ContainSubstring("installed into the cluster: gateways.networking.istio.io\n"))
	got := &apiextensionsv1.CustomResourceDefinition{}
	g.Expect(member.Get(t.Context(), gateways, got)).To(Succeed())
	g.Expect(crdinstall.Established(got)).To(BeTrue(), "join returns once the CRD is served")
	g.Expect(member.Get(t.Context(), client.ObjectKey{Name: vs.Name}, got)).To(Succeed())
	g.Expect(got.Spec.Versions).To(HaveLen(1), "the cluster's own VirtualService CRD is kept")

	// Back to what 'kurator up' installs, for the other tests.
	g.Expect(member.Delete(t.Context(), crdNamed(vs.Name))).To(Succeed())
	g.Eventually(func(g Gomega) {
		err := member.Get(t0(), client.ObjectKey{Name: vs.Name}, &apiextensionsv1.CustomResourceDefinition{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%v", err)
	}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	installed, err := join.InstallIstioCRDs(t.Context(), must(os.ReadFile(kubeconfig)))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(installed).To(Equal([]string{vs.Name}))
}

func crdNamed(name string) *apiextensionsv1.CustomResourceDefinition {
	c := &apiextensionsv1.CustomResourceDefinition{}
	c.Name = name
	return c
}
