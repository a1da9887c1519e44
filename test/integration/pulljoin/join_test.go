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

package pulljoin_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/agentauth"
	"kurator.dev/kurator/internal/cli"
	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/join"
)

// outcome is what one run of the CLI printed and returned.
type outcome struct {
	code        int
	out, errOut string
}

// kurator runs the CLI in a goroutine; the channel yields its outcome.
func kurator(ctx context.Context, args ...string) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := cli.ExecuteContext(ctx, "kurator", args, genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
		ch <- outcome{code, out.String(), errOut.String()}
	}()
	return ch
}

func wait(t *testing.T, ch <-chan outcome, within time.Duration) outcome {
	t.Helper()
	select {
	case o := <-ch:
		return o
	case <-time.After(within):
		t.Fatalf("the command did not return within %s", within)
		return outcome{}
	}
}

func memberClient(t *testing.T) kubernetes.Interface {
	m, err := fleet.Member(member)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// join --pull installs the agent's chart into the member and returns once
// the agent, run from the installed Deployment, has made the Cluster Ready;
// the control plane never receives a credential of the member; unjoin
// with the member's kubeconfig removes the Cluster, the tokens, the
// release and the agent's credentials.
func TestJoinPullThenUnjoin(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	const name = "edge-agent"
	m := memberClient(t)
	hub := fleet.ControlPlane
	k := playKubelet(ctx, t, m)

	res := wait(t, kurator(ctx, "join", name, "--pull", "--kubeconfig", memberKubeconfig, "--control-plane-kubeconfig", hubKubeconfig,
		"--labels", "region=edge,tier=pull", "--image", "registry.local/kurator:it", "--wait", "3m"), 4*time.Minute)
	g.Expect(res.code).To(Equal(0), "stdout: %s\nstderr: %s", res.out, res.errOut)
	g.Expect(res.out).To(ContainSubstring("cluster edge-agent joined in pull mode and Ready"))

	cluster := &karmadaclusterv1alpha1.Cluster{}
	g.Expect(hub.Get(ctx, client.ObjectKey{Name: name}, cluster)).To(Succeed())
	g.Expect(cluster.Spec.SyncMode).To(Equal(karmadaclusterv1alpha1.Pull))
	g.Expect(cluster.Labels).To(HaveKeyWithValue("region", "edge"))
	g.Expect(cluster.Labels).To(HaveKeyWithValue("tier", "pull"))
	g.Expect(apimeta.IsStatusConditionTrue(cluster.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)).To(BeTrue())

	// The agent runs what the chart rendered from the agent's description.
	var args []string
	g.Eventually(k.args).Should(Receive(&args))
	hubConfig, err := clientcmd.BuildConfigFromFlags("", hubKubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	d, err := m.AppsV1().Deployments(join.AgentNamespace).Get(ctx, components.AgentName, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(d.Spec.Strategy.Type).To(Equal(appsv1.RecreateDeploymentStrategyType))
	g.Expect(d.Spec.Template.Spec.Containers[0].Image).To(Equal("registry.local/kurator:it"))
	g.Expect(d.Spec.Template.Spec.Containers[0].Args).To(Equal(components.HostAgent(name, hubConfig.Host, join.AgentNamespace, components.DefaultAgentLease()).Args))
	// The agent kept its certificate in the member, for its next Pod.
	g.Eventually(func() error {
		_, err := m.CoreV1().Secrets(join.AgentNamespace).Get(ctx, components.AgentCredentialsSecret, metav1.GetOptions{})
		return err
	}).WithTimeout(30 * time.Second).Should(Succeed())

	expectNoMemberCredentialOnHub(ctx, g, hub, name)

	res = wait(t, kurator(ctx, "unjoin", name, "--kubeconfig", memberKubeconfig, "--control-plane-kubeconfig", hubKubeconfig), 3*time.Minute)
	g.Expect(res.code).To(Equal(0), "stdout: %s\nstderr: %s", res.out, res.errOut)
	g.Expect(res.out).To(ContainSubstring("cluster edge-agent unjoined and its agent removed"))
	err = hub.Get(ctx, client.ObjectKey{Name: name}, &karmadaclusterv1alpha1.Cluster{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "the Cluster is gone: %v", err)
	expectNoTokens(ctx, g, hub, name)
	expectAgentRemoved(ctx, g, m)
}

// A join whose agent never reports in times out, and says what the agent's
// Pod is doing in the member; unjoin without the member's kubeconfig says
// how to remove the agent.
func TestJoinPullTimesOutWithTheAgentsState(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	const name = "edge-silent"
	res := wait(t, kurator(ctx, "join", name, "--pull", "--kubeconfig", memberKubeconfig, "--control-plane-kubeconfig", hubKubeconfig,
		"--wait", "10s"), 3*time.Minute)
	g.Expect(res.code).To(Equal(1))
	g.Expect(res.errOut).To(ContainSubstring("cluster edge-silent is not Ready after 10s"))
	g.Expect(res.errOut).To(MatchRegexp(`pod kurator-agent-[a-z0-9-]+ is (Pending|Running)`))
	g.Expect(res.errOut).To(ContainSubstring("container kurator-agent: ready="))

	res = wait(t, kurator(ctx, "unjoin", name, "--control-plane-kubeconfig", hubKubeconfig), 2*time.Minute)
	g.Expect(res.code).To(Equal(0), "stdout: %s\nstderr: %s", res.out, res.errOut)
	g.Expect(res.out).To(ContainSubstring("its agent still runs in the member: remove it with 'kurator unjoin edge-silent --kubeconfig"))
	expectNoTokens(ctx, g, fleet.ControlPlane, name)
	m := memberClient(t)
	_, err := m.AppsV1().Deployments(join.AgentNamespace).Get(ctx, components.AgentName, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred(), "without the member's kubeconfig the agent stays")

	// Joining again upgrades the release left in the member; unjoin with the
	// member's kubeconfig then removes it.
	res = wait(t, kurator(ctx, "join", name, "--pull", "--kubeconfig", memberKubeconfig, "--control-plane-kubeconfig", hubKubeconfig,
		"--wait", "0"), 2*time.Minute)
	g.Expect(res.code).To(Equal(0), "stdout: %s\nstderr: %s", res.out, res.errOut)
	g.Expect(res.out).To(ContainSubstring("revision 2"))
	res = wait(t, kurator(ctx, "unjoin", name, "--kubeconfig", memberKubeconfig, "--control-plane-kubeconfig", hubKubeconfig), 2*time.Minute)
	g.Expect(res.code).To(Equal(0), "stdout: %s\nstderr: %s", res.out, res.errOut)
	expectAgentRemoved(ctx, g, m)
}

// A cluster joined in push mode is not joined again in pull mode, and
// nothing is installed into the member.
func TestJoinPullRefusesAPushCluster(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	const name = "edge-pushed"
	hub := fleet.ControlPlane
	pushed := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: karmadaclusterv1alpha1.ClusterSpec{SyncMode: karmadaclusterv1alpha1.Push}}
	g.Expect(hub.Create(ctx, pushed)).To(Succeed())
	t.Cleanup(func() { _ = hub.Delete(context.Background(), pushed) })

	res := wait(t, kurator(ctx, "join", name, "--pull", "--kubeconfig", memberKubeconfig, "--control-plane-kubeconfig", hubKubeconfig), time.Minute)
	g.Expect(res.code).To(Equal(1))
	g.Expect(res.errOut).To(ContainSubstring("cluster edge-pushed is already joined in push mode"))
	expectNoTokens(ctx, g, hub, name)
	_, err := memberClient(t).AppsV1().Deployments(join.AgentNamespace).Get(ctx, components.AgentName, metav1.GetOptions{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "nothing installed: %v", err)
}

// expectNoMemberCredentialOnHub looks through every Secret and ConfigMap
// of the control plane for the member kubeconfig's credentials.
func expectNoMemberCredentialOnHub(ctx context.Context, g Gomega, hub client.Client, name string) {
	raw, err := clientcmd.LoadFromFile(memberKubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	var secrets [][]byte
	for _, auth := range raw.AuthInfos {
		for _, s := range [][]byte{auth.ClientKeyData, auth.ClientCertificateData, []byte(auth.Token)} {
			if len(s) > 0 {
				secrets = append(secrets, s)
			}
		}
	}
	g.Expect(secrets).NotTo(BeEmpty(), "the member kubeconfig embeds its credentials")
	contains := func(data []byte) bool {
		for _, s := range secrets {
			if bytes.Contains(data, s) {
				return true
			}
		}
		return false
	}
	var secretList corev1.SecretList
	g.Expect(hub.List(ctx, &secretList)).To(Succeed())
	for _, s := range secretList.Items {
		for key, data := range s.Data {
			g.Expect(contains(data)).To(BeFalse(), "Secret %s/%s key %s holds a credential of the member", s.Namespace, s.Name, key)
		}
	}
	var configMaps corev1.ConfigMapList
	g.Expect(hub.List(ctx, &configMaps)).To(Succeed())
	for _, cm := range configMaps.Items {
		for key, data := range cm.Data {
			g.Expect(contains([]byte(data))).To(BeFalse(), "ConfigMap %s/%s key %s holds a credential of the member", cm.Namespace, cm.Name, key)
		}
	}
	var attached clusterv1alpha1.AttachedClusterList
	g.Expect(hub.List(ctx, &attached)).To(Succeed())
	g.Expect(attached.Items).To(BeEmpty(), "no cluster is attached by kubeconfig")
}

func expectNoTokens(ctx context.Context, g Gomega, hub client.Client, name string) {
	var tokens corev1.SecretList
	g.Expect(hub.List(ctx, &tokens, client.InNamespace(metav1.NamespaceSystem), client.MatchingLabels{agentauth.ClusterLabel: name})).To(Succeed())
	g.Expect(tokens.Items).To(BeEmpty(), "bootstrap tokens of %s", name)
}

// expectAgentRemoved checks that nothing of the agent's release is left in
// the member.
func expectAgentRemoved(ctx context.Context, g Gomega, m kubernetes.Interface) {
	_, err := m.AppsV1().Deployments(join.AgentNamespace).Get(ctx, components.AgentName, metav1.GetOptions{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "Deployment: %v", err)
	for _, secret := range []string{components.AgentBootstrapSecret, components.AgentCredentialsSecret} {
		_, err = m.CoreV1().Secrets(join.AgentNamespace).Get(ctx, secret, metav1.GetOptions{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "Secret %s: %v", secret, err)
	}
	_, err = m.RbacV1().ClusterRoles().Get(ctx, components.AgentName, metav1.GetOptions{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "ClusterRole: %v", err)
	releases, err := m.CoreV1().Secrets(join.AgentNamespace).List(ctx, metav1.ListOptions{LabelSelector: "owner=helm,name=" + components.AgentReleaseName})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(releases.Items).To(BeEmpty(), "Helm's release records")
}
