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
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/cli"
	"kurator.dev/kurator/internal/localfleet"
)

var seedClusters = map[string]struct{ region, provider string }{
	"cluster-hangzhou":  {"asia-east", "alibaba"},
	"cluster-shanghai":  {"asia-east", "huawei"},
	"cluster-frankfurt": {"eu-central", "aws"},
}

func getCluster(g Gomega, name string) *karmadaclusterv1alpha1.Cluster {
	c := &karmadaclusterv1alpha1.Cluster{}
	g.Expect(fleet.ControlPlane.Get(t0(), client.ObjectKey{Name: name}, c)).To(Succeed())
	return c
}

func TestClustersAreReadyWithLabelsTopologyAndCapacity(t *testing.T) {
	g := NewWithT(t)
	for name, want := range seedClusters {
		g.Eventually(func(g Gomega) {
			c := getCluster(g, name)
			g.Expect(apimeta.IsStatusConditionTrue(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)).To(BeTrue())
			g.Expect(c.Labels).To(HaveKeyWithValue("region", want.region))
			g.Expect(c.Labels).To(HaveKeyWithValue("env", "production"))
			g.Expect(c.Labels).To(HaveKeyWithValue(fleetv1alpha1.LabelFleetName, "global-production"))
			g.Expect(c.Spec.Region).To(Equal(want.region))
			g.Expect(c.Spec.Provider).To(Equal(want.provider))
			g.Expect(c.Status.KubernetesVersion).To(HavePrefix("v1.37"))
			g.Expect(c.Status.NodeSummary).To(Equal(&karmadaclusterv1alpha1.NodeSummary{TotalNum: 3, ReadyNum: 3}))
			rs := c.Status.ResourceSummary
			g.Expect(rs).NotTo(BeNil())
			g.Expect(rs.Allocatable.Cpu().Cmp(resource.MustParse("12"))).To(Equal(0))
			g.Expect(rs.Allocatable.Memory().Cmp(resource.MustParse("48Gi"))).To(Equal(0))
			g.Expect(rs.Allocatable.Pods().Value()).To(Equal(int64(330)))
			g.Expect(c.Status.APIEnablements).To(ContainElement(HaveField("GroupVersion", "apps/v1")))
		}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	}
	g.Eventually(func(g Gomega) {
		f := &fleetv1alpha1.Fleet{}
		g.Expect(fleet.ControlPlane.Get(t0(), client.ObjectKey{Namespace: "kurator-system", Name: "global-production"}, f)).To(Succeed())
		g.Expect(f.Status.ReadyClusters).To(Equal(int32(3)))
		g.Expect(apimeta.IsStatusConditionTrue(f.Status.Conditions, fleetv1alpha1.ConditionReady)).To(BeTrue())
	}).WithTimeout(30 * time.Second).Should(Succeed())
}

func deployment(name string, replicas int32, cpu string) *appsv1.Deployment {
	lbls := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: lbls},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: lbls},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "app", Image: "nginx:1.25",
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}},
				}}},
			},
		},
	}
}

func TestMemberRunsDeploymentsAndOversizedPodsStayPending(t *testing.T) {
	g := NewWithT(t)
	member, err := fleet.Member("cluster-hangzhou")
	g.Expect(err).NotTo(HaveOccurred())
	_, err = member.AppsV1().Deployments("default").Create(t.Context(), deployment("fits", 4, "500m"), metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = member.AppsV1().Deployments("default").Create(t.Context(), deployment("too-big", 1, "5"), metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	g.Eventually(func(g Gomega) {
		d, err := member.AppsV1().Deployments("default").Get(t.Context(), "fits", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(d.Status.ReadyReplicas).To(Equal(int32(4)))
		g.Expect(d.Status.AvailableReplicas).To(Equal(int32(4)))
		pods, err := member.CoreV1().Pods("default").List(t.Context(), metav1.ListOptions{LabelSelector: "app=fits"})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(pods.Items).To(HaveLen(4))
		for _, p := range pods.Items {
			g.Expect(p.Spec.NodeName).To(HavePrefix("cluster-hangzhou-node-"))
			g.Expect(p.Status.Phase).To(Equal(corev1.PodRunning))
		}
	}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())

	// A 5-CPU pod fits no 4-CPU node: the real scheduler keeps it Pending.
	g.Eventually(func(g Gomega) {
		pods, err := member.CoreV1().Pods("default").List(t.Context(), metav1.ListOptions{LabelSelector: "app=too-big"})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(pods.Items).To(HaveLen(1))
		p := pods.Items[0]
		g.Expect(p.Spec.NodeName).To(BeEmpty())
		g.Expect(p.Status.Phase).To(Equal(corev1.PodPending))
		cond := podCondition(p, corev1.PodScheduled)
		g.Expect(cond).NotTo(BeNil())
		g.Expect(cond.Reason).To(Equal(corev1.PodReasonUnschedulable))
	}).WithTimeout(30 * time.Second).Should(Succeed())

	// The inventory sees the allocation: 4 x 500m allocated, 5 allocating.
	g.Eventually(func(g Gomega) {
		rs := getCluster(g, "cluster-hangzhou").Status.ResourceSummary
		g.Expect(rs.Allocated.Cpu().Cmp(resource.MustParse("2"))).To(Equal(0))
		g.Expect(rs.Allocating.Cpu().Cmp(resource.MustParse("5"))).To(Equal(0))
	}).WithTimeout(30 * time.Second).Should(Succeed())
}

func podCondition(p corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

func TestStoppedMemberGoesNotReadyTaintedAndRecovers(t *testing.T) {
	g := NewWithT(t)
	g.Expect(fleet.StopCluster("cluster-frankfurt")).To(Succeed())
	g.Eventually(func(g Gomega) {
		c := getCluster(g, "cluster-frankfurt")
		ready := apimeta.FindStatusCondition(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)
		g.Expect(ready).NotTo(BeNil())
		g.Expect(ready.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(ready.Reason).To(Equal(karmadaclusterv1alpha1.ClusterNotReachable))
		g.Expect(c.Spec.Taints).To(ContainElement(And(
			HaveField("Key", karmadaclusterv1alpha1.TaintClusterUnreachable),
			HaveField("Effect", corev1.TaintEffectNoSchedule))))
	}).WithTimeout(10 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())

	g.Expect(fleet.StartCluster(t.Context(), "cluster-frankfurt")).To(Succeed())
	g.Eventually(func(g Gomega) {
		c := getCluster(g, "cluster-frankfurt")
		g.Expect(apimeta.IsStatusConditionTrue(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)).To(BeTrue())
		g.Expect(c.Spec.Taints).To(BeEmpty())
	}).WithTimeout(10 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())
}

// runCLI runs the kurator command line in-process against the test fleet.
func runCLI(args ...string) (int, string) {
	var out bytes.Buffer
	code := cli.ExecuteContext(t0(), "kurator", args, genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out})
	return code, out.String()
}

func TestJoinAttachesAReachableClusterAndRefusesABadKubeconfig(t *testing.T) {
	g := NewWithT(t)
	hub := fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName)
	member := fleet.Layout().ClusterKubeconfig("cluster-shanghai")

	code, out := runCLI("join", "extra", "--kubeconfig", member, "--labels", "region=ap-south,provider=local",
		"--control-plane-kubeconfig", hub, "--control-plane-context", "kurator")
	g.Expect(code).To(Equal(0), out)
	g.Eventually(func(g Gomega) {
		c := getCluster(g, "extra")
		g.Expect(apimeta.IsStatusConditionTrue(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)).To(BeTrue())
		g.Expect(c.Spec.Region).To(Equal("ap-south"))
		g.Expect(c.Status.NodeSummary.TotalNum).To(Equal(int32(3)))
	}).WithTimeout(30 * time.Second).Should(Succeed())

	code, out = runCLI("get", "clusters", "extra", "--kubeconfig", hub, "--context", "kurator")
	g.Expect(code).To(Equal(0), out)
	g.Expect(out).To(MatchRegexp(`extra\s+True\s+ap-south\s+-\s+local\s+v1\.37`))

	// A kubeconfig pointing at nothing is refused, and nothing is created.
	bad := filepath.Join(t.TempDir(), "bad.kubeconfig")
	g.Expect(os.WriteFile(bad, []byte(strings.Replace(string(must(os.ReadFile(member))), "https://127.0.0.1:", "https://127.0.0.1:1", 1)), 0o600)).To(Succeed())
	code, out = runCLI("join", "broken", "--kubeconfig", bad, "--control-plane-kubeconfig", hub, "--control-plane-context", "kurator")
	g.Expect(code).To(Equal(1))
	g.Expect(out).To(ContainSubstring("cannot reach the cluster"))
	err := fleet.ControlPlane.Get(t0(), client.ObjectKey{Name: "broken"}, &karmadaclusterv1alpha1.Cluster{})
	g.Expect(client.IgnoreNotFound(err)).To(Succeed())
	g.Expect(err).To(HaveOccurred())

	garbage := filepath.Join(t.TempDir(), "garbage")
	g.Expect(os.WriteFile(garbage, []byte("not: [a kubeconfig"), 0o600)).To(Succeed())
	code, out = runCLI("join", "garbage", "--kubeconfig", garbage, "--control-plane-kubeconfig", hub, "--control-plane-context", "kurator")
	g.Expect(code).To(Equal(1))
	g.Expect(out).To(ContainSubstring("cannot be parsed"))

	code, _ = runCLI("join", "no-kubeconfig-flag")
	g.Expect(code).To(Equal(2))

	code, out = runCLI("unjoin", "extra", "--control-plane-kubeconfig", hub, "--control-plane-context", "kurator")
	g.Expect(code).To(Equal(0), out)
	g.Eventually(func(g Gomega) {
		err := fleet.ControlPlane.Get(t0(), client.ObjectKey{Name: "extra"}, &karmadaclusterv1alpha1.Cluster{})
		g.Expect(err).To(HaveOccurred())
	}).WithTimeout(30 * time.Second).Should(Succeed())
}

func TestDownThenUpKeepsObjects(t *testing.T) {
	g := NewWithT(t)
	member, err := fleet.Member("cluster-shanghai")
	g.Expect(err).NotTo(HaveOccurred())
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "survivor", Namespace: "default"}, Data: map[string]string{"k": "v"}}
	_, err = member.CoreV1().ConfigMaps("default").Create(t.Context(), cm, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(fleet.ControlPlane.Create(t.Context(), cm.DeepCopy())).To(Succeed())

	g.Expect(fleet.Down(false)).To(Succeed())
	g.Expect(fleet.Running()).To(BeFalse())
	g.Expect(fleet.Up(t.Context())).To(Succeed())

	got, err := member.CoreV1().ConfigMaps("default").Get(t.Context(), "survivor", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(got.Data).To(HaveKeyWithValue("k", "v"))
	g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKeyFromObject(cm), &corev1.ConfigMap{})).To(Succeed())
	for name := range seedClusters {
		g.Expect(apimeta.IsStatusConditionTrue(getCluster(g, name).Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)).To(BeTrue())
	}
	// A second up while running is refused.
	g.Expect(fleet.Up(t.Context())).To(MatchError(ContainSubstring("already running")))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Seed example 05, applied unchanged, attaches the cluster its Secret points to.
func TestSeedAttachedClusterExample(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	kubeconfig, err := os.ReadFile(fleet.Layout().ClusterKubeconfig("cluster-hangzhou"))
	g.Expect(err).NotTo(HaveOccurred())
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "cluster-01-kubeconfig", Namespace: "kurator-system"},
		Data: map[string][]byte{"config": kubeconfig}}
	g.Expect(fleet.ControlPlane.Create(ctx, secret)).To(Succeed())

	data, err := os.ReadFile("../../../examples/seed/05-attached-cluster.yaml")
	g.Expect(err).NotTo(HaveOccurred())
	ac := &clusterv1alpha1.AttachedCluster{}
	g.Expect(yaml.UnmarshalStrict(data, ac)).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(ctx, ac)).To(Succeed())

	g.Eventually(func(g Gomega) {
		c := getCluster(g, "production-cluster-01")
		g.Expect(apimeta.IsStatusConditionTrue(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)).To(BeTrue())
		g.Expect(c.Spec.Region).To(Equal("asia-east"))
		g.Expect(c.Spec.Provider).To(Equal("alibaba"))
		g.Expect(c.Labels).To(HaveKeyWithValue("env", "production"))
		got := &clusterv1alpha1.AttachedCluster{}
		g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKeyFromObject(ac), got)).To(Succeed())
		g.Expect(got.Status.Ready).To(BeTrue())
		g.Expect(got.Status.ClusterName).To(Equal("production-cluster-01"))
		g.Expect(got.Status.KubernetesVersion).To(HavePrefix("v1.37"))
	}).WithTimeout(30 * time.Second).Should(Succeed())

	// Deleting the AttachedCluster removes its Cluster.
	g.Expect(fleet.ControlPlane.Delete(ctx, ac)).To(Succeed())
	g.Eventually(func() error {
		return fleet.ControlPlane.Get(ctx, client.ObjectKey{Name: "production-cluster-01"}, &karmadaclusterv1alpha1.Cluster{})
	}).WithTimeout(30 * time.Second).Should(MatchError(ContainSubstring("not found")))
}
