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

package pull_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/agentauth"
	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/internal/pki"
)

// agentRun is a kurator-agent started by a test, with its output.
type agentRun struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	output bytes.Buffer
	// finished closes once the process has exited, with its error in err.
	finished chan struct{}
	err      error
}

func (a *agentRun) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.output.Write(p)
}

func (a *agentRun) Output() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.output.String()
}

// startAgentProcess runs kurator-agent for cluster against the pull
// member's API server, as described by the component, with extra flags.
func startAgentProcess(t *testing.T, g Gomega, cluster, controlPlane, token, certDir string, extra ...string) *agentRun {
	t.Helper()
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	g.Expect(os.WriteFile(tokenFile, []byte(token), 0o600)).To(Succeed())
	comp := components.Agent(components.AgentConfig{
		Cluster: cluster, ControlPlane: controlPlane,
		CAFile:             pki.Bundle{Dir: filepath.Join(fleet.Dir, "clusters", localfleet.ControlPlaneName, "pki")}.Path(pki.CACert),
		BootstrapTokenFile: tokenFile, CertDir: certDir, Kubeconfig: fleet.Layout().ClusterKubeconfig(pulled),
		Host: "127.0.0.1", LeaseDuration: "8s", LeaseRenewInterval: "2s",
	})
	bin := filepath.Join(os.Getenv(localfleet.EnvBinDir), components.AgentBinary)
	a := &agentRun{finished: make(chan struct{})}
	a.cmd = exec.Command(bin, append(comp.Args, extra...)...)
	a.cmd.Stdout, a.cmd.Stderr = a, a
	g.Expect(a.cmd.Start()).To(Succeed())
	go func() {
		a.err = a.cmd.Wait()
		close(a.finished)
	}()
	t.Cleanup(func() {
		_ = a.cmd.Process.Kill()
		<-a.finished
	})
	return a
}

// exited waits for the agent to end on its own and returns its output.
func (a *agentRun) exited(g Gomega, within time.Duration) string {
	g.Eventually(a.finished).WithTimeout(within).Should(BeClosed())
	g.Expect(a.err).To(HaveOccurred(), "the agent should fail")
	return a.Output()
}

// Addresses that can never work end the agent at once with what is wrong;
// an unreachable control plane is retried, saying so.
func TestBadControlPlaneAddresses(t *testing.T) {
	g := NewWithT(t)
	server := controlPlaneServer(g).Host

	out := startAgentProcess(t, g, "edge-garbage", "not a url", "abcdef.0123456789abcdef", t.TempDir()).exited(g, 10*time.Second)
	g.Expect(out).To(ContainSubstring(`--control-plane "not a url" is not the control plane's address: want https://host:port`))

	out = startAgentProcess(t, g, "edge-plain", strings.Replace(server, "https://", "http://", 1), "abcdef.0123456789abcdef", t.TempDir()).exited(g, 10*time.Second)
	g.Expect(out).To(ContainSubstring("want https://host:port"))

	unreachable := startAgentProcess(t, g, "edge-unreachable", "https://127.0.0.1:1", "abcdef.0123456789abcdef", t.TempDir())
	g.Eventually(unreachable.Output).WithTimeout(15 * time.Second).Should(And(
		ContainSubstring("Control plane not reachable, retrying"), ContainSubstring("control plane https://127.0.0.1:1 is not reachable")))
	g.Consistently(unreachable.finished).WithTimeout(2*time.Second).ShouldNot(BeClosed(), "an unreachable control plane is waited for")
}

// A bootstrap token only registers, and only until it expires: an expired
// one is refused with what to do, while an agent that already holds its
// certificate starts without any token and renews the certificate before
// it expires.
func TestBootstrapTokenExpiryAndCertificateRotation(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	server := controlPlaneServer(g).Host

	expired, err := agentauth.CreateBootstrapToken(ctx, fleet.ControlPlane, "edge-expired", time.Second)
	g.Expect(err).NotTo(HaveOccurred())
	waitRefused(g, server, expired, 30*time.Second)
	out := startAgentProcess(t, g, "edge-expired", server, expired, t.TempDir()).exited(g, 45*time.Second)
	g.Expect(out).To(ContainSubstring("the control plane rejected the bootstrap token (401 Unauthorized): it has expired or was deleted"))

	// A second agent registers a cluster of its own (it reports the pull
	// member's nodes) with certificates renewed every few seconds.
	const edge = "edge-rotating"
	token, err := agentauth.CreateBootstrapToken(ctx, fleet.ControlPlane, edge, 20*time.Second)
	g.Expect(err).NotTo(HaveOccurred())
	certDir := t.TempDir()
	a := startAgentProcess(t, g, edge, server, token, certDir, "--certificate-duration=10m", "--certificate-renew-before=9m54s")
	t.Cleanup(func() {
		_ = fleet.ControlPlane.Delete(context.Background(), &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: edge}})
	})
	waitReady(g, edge, true, 60*time.Second)
	g.Eventually(func(g Gomega) int { return approvedCSRs(g, edge) }).WithTimeout(60*time.Second).WithPolling(time.Second).Should(BeNumerically(">=", 3),
		"the certificate was not renewed; agent output:\n%s", a.Output())
	g.Expect(a.Output()).To(ContainSubstring("Certificate renewed"))
	waitReady(g, edge, true, 10*time.Second)

	// Restarted once the token has expired, it carries on with its certificate.
	g.Expect(a.cmd.Process.Kill()).To(Succeed())
	g.Eventually(a.finished).WithTimeout(10 * time.Second).Should(BeClosed())
	waitRefused(g, server, token, time.Minute)
	restarted := startAgentProcess(t, g, edge, server, token, certDir, "--certificate-duration=10m", "--certificate-renew-before=9m54s")
	g.Eventually(restarted.Output).WithTimeout(30*time.Second).Should(ContainSubstring("Agent connected"), "agent output:\n%s", restarted.Output())
	waitReady(g, edge, true, 30*time.Second)
}

func approvedCSRs(g Gomega, cluster string) int {
	var list certificatesv1.CertificateSigningRequestList
	g.Expect(fleet.ControlPlane.List(context.Background(), &list)).To(Succeed())
	n := 0
	for _, csr := range list.Items {
		if strings.HasPrefix(csr.Name, "kurator-agent-"+cluster+"-") && len(csr.Status.Certificate) > 0 {
			n++
		}
	}
	return n
}

// waitRefused waits until the control plane refuses the bootstrap token:
// it has expired.
func waitRefused(g Gomega, server, token string, within time.Duration) {
	cfg := controlPlaneServer(g)
	cfg.BearerToken = token
	cs, err := kubernetes.NewForConfig(cfg)
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() bool {
		_, err := cs.Discovery().ServerVersion()
		return apierrors.IsUnauthorized(err)
	}).WithTimeout(within).WithPolling(500*time.Millisecond).Should(BeTrue(), "bootstrap token for %s still accepted", server)
}
