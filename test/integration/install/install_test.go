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

package install_test

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"

	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/install"
)

const namespace = install.DefaultNamespace

func installOptions(t *testing.T) install.Options {
	return install.Options{
		Kubeconfig:     hostKubeconfig,
		StorageClass:   storageClass,
		StorageSize:    "1Gi",
		Wait:           3 * time.Minute,
		UserKubeconfig: filepath.Join(t.TempDir(), "config"),
		Progress:       os.Stderr,
	}
}

// Install creates every object in the host, the workloads become ready and
// the kurator context is added; running it again upgrades in place with
// the same certificates; uninstall keeps the claims, purge removes them.
func TestInstallUpgradeUninstall(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	o := installOptions(t)

	res, err := install.Install(ctx, o)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.Revision).To(Equal(1))

	sts, err := host.AppsV1().StatefulSets(namespace).Get(ctx, components.ControlPlaneName, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(sts.Status.ReadyReplicas).To(BeEquivalentTo(3))
	g.Expect(string(sts.Spec.PodManagementPolicy)).To(Equal("Parallel"))
	g.Expect(sts.Spec.VolumeClaimTemplates[0].Spec.StorageClassName).To(Equal(ptr.To(storageClass)))
	expectHardened(g, sts.Spec.Template.Spec, "500m", "2")
	deploy, err := host.AppsV1().Deployments(namespace).Get(ctx, components.ControllerManagerName, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(deploy.Status.ReadyReplicas).To(BeEquivalentTo(2))
	expectHardened(g, deploy.Spec.Template.Spec, "100m", "1")
	g.Expect(deploy.Spec.Template.Spec.Containers[0].Args).To(ContainElements(
		"--leader-elect-lease-duration=15s", "--leader-elect-renew-deadline=10s", "--leader-elect-retry-period=2s", "--install-apis=true"))

	pdb, err := host.PolicyV1().PodDisruptionBudgets(namespace).Get(ctx, components.ControlPlaneName, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(pdb.Spec.MinAvailable.IntValue()).To(Equal(2), "a quorum of three")
	pdb, err = host.PolicyV1().PodDisruptionBudgets(namespace).Get(ctx, components.ControllerManagerName, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(pdb.Spec.MinAvailable.IntValue()).To(Equal(1))
	peers, err := host.CoreV1().Services(namespace).Get(ctx, components.PeersServiceName, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(peers.Spec.ClusterIP).To(Equal(corev1.ClusterIPNone))
	g.Expect(peers.Spec.PublishNotReadyAddresses).To(BeTrue())
	expectNoRBAC(g, t)
	for _, name := range []string{components.ControlPlaneName, components.ControllerManagerName} {
		sa, err := host.CoreV1().ServiceAccounts(namespace).Get(ctx, name, metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(sa.AutomountServiceAccountToken).To(Equal(ptr.To(false)))
	}

	user, err := clientcmd.LoadFromFile(o.UserKubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(user.Contexts).To(HaveKey(install.ContextName))
	g.Expect(user.Clusters[install.ContextName].Server).To(Equal("https://kurator.kurator-system.svc:6443"))
	info, err := os.Stat(o.UserKubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o600)))

	// kurator status reads the installed components from the host; the
	// simulated kubelet runs no container, so the control plane itself
	// cannot be asked, and status says so instead of failing.
	st, err := install.Status(ctx, o)
	g.Expect(err).NotTo(HaveOccurred())
	var names []string
	for _, p := range st.Pods {
		g.Expect(p.Ready).To(BeTrue(), "pod %s", p.Name)
		names = append(names, p.Component+"/"+p.Name)
	}
	g.Expect(names).To(HaveLen(5))
	g.Expect(names[:3]).To(Equal([]string{"control-plane/kurator-0", "control-plane/kurator-1", "control-plane/kurator-2"}))
	g.Expect(st.ControlPlaneErr).To(MatchError(ContainSubstring("kurator.kurator-system.svc")))

	pkiBefore, err := host.CoreV1().Secrets(namespace).Get(ctx, components.PKISecretName, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(pkiBefore.Data).To(HaveKey("etcd-peer.crt"))

	res, err = install.Install(ctx, o)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.Revision).To(Equal(2), "running install again upgrades in place")
	pkiAfter, err := host.CoreV1().Secrets(namespace).Get(ctx, components.PKISecretName, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(pkiAfter.Data).To(Equal(pkiBefore.Data), "an upgrade keeps the certificates")

	g.Expect(install.Uninstall(ctx, o)).To(Succeed())
	_, err = host.AppsV1().StatefulSets(namespace).Get(ctx, components.ControlPlaneName, metav1.GetOptions{})
	g.Expect(err).To(MatchError(ContainSubstring("not found")))
	claims, err := host.CoreV1().PersistentVolumeClaims(namespace).List(ctx, metav1.ListOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(claims.Items).To(HaveLen(3), "uninstall keeps the data")
	user, err = clientcmd.LoadFromFile(o.UserKubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(user.Contexts).NotTo(HaveKey(install.ContextName))

	o.Purge = true
	g.Expect(install.Uninstall(ctx, o)).To(Succeed())
	g.Eventually(func(g Gomega) {
		claims, err := host.CoreV1().PersistentVolumeClaims(namespace).List(ctx, metav1.ListOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(claims.Items).To(BeEmpty())
	}).WithTimeout(30 * time.Second).Should(Succeed())
}

// expectHardened checks what every pod of the install must be: non-root,
// read-only, without privileges, bounded, probed and spread.
func expectHardened(g Gomega, spec corev1.PodSpec, cpuRequest, cpuLimit string) {
	g.Expect(spec.AutomountServiceAccountToken).To(Equal(ptr.To(false)))
	sc := spec.SecurityContext
	g.Expect(sc.RunAsNonRoot).To(Equal(ptr.To(true)))
	g.Expect(sc.RunAsUser).To(Equal(ptr.To[int64](65532)))
	g.Expect(sc.FSGroup).To(Equal(ptr.To[int64](65532)))
	g.Expect(sc.SeccompProfile.Type).To(Equal(corev1.SeccompProfileTypeRuntimeDefault))
	g.Expect(spec.TopologySpreadConstraints).To(ContainElement(HaveField("TopologyKey", "topology.kubernetes.io/zone")))
	g.Expect(spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm.TopologyKey).To(Equal("kubernetes.io/hostname"))
	c := spec.Containers[0]
	g.Expect(c.SecurityContext.ReadOnlyRootFilesystem).To(Equal(ptr.To(true)))
	g.Expect(c.SecurityContext.AllowPrivilegeEscalation).To(Equal(ptr.To(false)))
	g.Expect(c.SecurityContext.Capabilities.Drop).To(ConsistOf(corev1.Capability("ALL")))
	g.Expect(c.Resources.Requests.Cpu().String()).To(Equal(cpuRequest))
	g.Expect(c.Resources.Limits.Cpu().String()).To(Equal(cpuLimit))
	g.Expect(c.Resources.Limits.Memory().IsZero()).To(BeFalse())
	g.Expect(c.ReadinessProbe.HTTPGet).NotTo(BeNil())
	g.Expect(c.LivenessProbe.HTTPGet).NotTo(BeNil())
	for _, v := range spec.Volumes {
		if v.Secret != nil {
			g.Expect(v.Secret.DefaultMode).To(Equal(ptr.To[int32](0o440)))
		}
	}
}

// expectNoRBAC: the components need nothing from the host's API.
func expectNoRBAC(g Gomega, t *testing.T) {
	ctx := t.Context()
	roles, err := host.RbacV1().Roles(namespace).List(ctx, metav1.ListOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(roles.Items).To(BeEmpty())
	bindings, err := host.RbacV1().RoleBindings(namespace).List(ctx, metav1.ListOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(bindings.Items).To(BeEmpty())
	clusterRoles, err := host.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=kurator"})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(clusterRoles.Items).To(BeEmpty())
}

// With a LoadBalancer Service, the address the host's load balancer gives
// it (the simulated one's, in the member's 198.18.0.0/15 range) is added to
// the serving certificate — the release is upgraded with the reissued
// certificate — and the kurator context points at it.
func TestLoadBalancerAddressIsServed(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	const class = "manual-lb"
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "kurator-lb-data"},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:         corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
			AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			StorageClassName: class,
			PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{
				Path: filepath.Join(t.TempDir(), "data")}},
		},
	}
	_, err := host.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	o := installOptions(t)
	o.Namespace, o.StorageClass, o.Replicas, o.ServiceType = "kurator-lb", class, 1, "LoadBalancer"

	res, err := install.Install(ctx, o)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.Server).To(MatchRegexp(`^https://198\.1[89]\.\d+\.\d+:6443$`))
	g.Expect(res.Revision).To(Equal(2), "the release was upgraded with the reissued certificate")
	addr := strings.TrimSuffix(strings.TrimPrefix(res.Server, "https://"), ":6443")
	secret, err := host.CoreV1().Secrets(o.Namespace).Get(ctx, components.PKISecretName, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	block, _ := pem.Decode(secret.Data["apiserver.crt"])
	g.Expect(block).NotTo(BeNil())
	cert, err := x509.ParseCertificate(block.Bytes)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cert.VerifyHostname(addr)).To(Succeed(), "the serving certificate covers the load balancer")
	g.Expect(cert.VerifyHostname("kurator.kurator-lb.svc")).To(Succeed())

	o.Replicas = 3
	_, err = install.Install(ctx, o)
	g.Expect(err).To(MatchError(ContainSubstring("changing it to 3 on an upgrade is not supported")))
	o.Replicas = 1
	again, err := install.Install(ctx, o)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(again.Revision).To(Equal(3), "a second install upgrades once: the certificate already covers the address")
	kept, err := host.CoreV1().Secrets(o.Namespace).Get(ctx, components.PKISecretName, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(kept.Data).To(Equal(secret.Data))

	o.Purge = true
	g.Expect(install.Uninstall(ctx, o)).To(Succeed())
}
