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

package localfleet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/agentauth"
	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/pki"
)

// PullClustersAnnotation on a Fleet names, comma-separated, the members that
// join in pull mode: each runs a kurator-agent, which connects to the
// control plane, and the control plane holds no credentials for it.
const PullClustersAnnotation = "kurator.dev/pull-clusters"

// agentBootstrapTTL is how long the bootstrap token handed to a local agent
// may register: an agent that already holds a certificate never uses it.
const agentBootstrapTTL = 15 * time.Minute

// pullMembers merges the members asked for in pull mode by flag and by the
// Fleet's annotation, each of which must be a member.
func pullMembers(flagged []string, annotation string, members []string) ([]string, error) {
	names := slices.Clone(flagged)
	for _, n := range strings.Split(annotation, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	for _, n := range names {
		if !slices.Contains(members, n) {
			return nil, fmt.Errorf("pull-mode cluster %q is not a member of the fleet (members: %s)", n, strings.Join(members, ", "))
		}
	}
	return names, nil
}

// Pulled reports whether a member runs in pull mode.
func (s *State) Pulled(name string) bool { return slices.Contains(s.Pull, name) }

func (l Layout) agentDir(cluster string) string { return filepath.Join(l.clusterDir(cluster), "agent") }

// AgentCertDir holds a pull member's agent's key and certificate.
func (l Layout) AgentCertDir(cluster string) string {
	return filepath.Join(l.agentDir(cluster), "certs")
}

// AgentMetricsFile holds the URL of the running agent's metrics.
func (l Layout) AgentMetricsFile(cluster string) string {
	return filepath.Join(l.agentDir(cluster), "metrics-url")
}

// agentProcess is the local kurator-agent of a pull member: it has the
// control plane's address and CA, a bootstrap token and the member's
// kubeconfig — nothing that lets the control plane reach the member.
// metricsPort 0 serves no metrics (a process only looked up or stopped).
func (f *Fleet) agentProcess(s *State, cluster, bin string, metricsPort int) process {
	dir := f.layout.agentDir(cluster)
	cp := s.Clusters[0]
	comp := components.Agent(components.AgentConfig{
		Cluster:               cluster,
		ControlPlane:          cp.APIServerURL(),
		CAFile:                f.layout.pki(ControlPlaneName).Path(pki.CACert),
		BootstrapTokenFile:    filepath.Join(dir, "bootstrap-token"),
		CertDir:               f.layout.AgentCertDir(cluster),
		Kubeconfig:            f.layout.ClusterKubeconfig(cluster),
		Host:                  "127.0.0.1",
		MetricsPort:           metricsPort,
		LeaseDuration:         f.opts.AgentLeaseDuration,
		LeaseRenewInterval:    f.opts.AgentLeaseRenewInterval,
		APIEnablementsRefresh: f.opts.AgentAPIEnablementsRefresh,
	})
	return process{
		Name:    AgentProcessName(cluster),
		Binary:  bin,
		Args:    comp.Args,
		PIDFile: filepath.Join(dir, "agent.pid"),
		LogFile: filepath.Join(dir, "agent.log"),
		Match:   dir + string(filepath.Separator),
	}
}

// AgentProcessName names a pull member's agent among the fleet's processes.
func AgentProcessName(cluster string) string { return cluster + "-agent" }

// agentProcesses are the agents of the fleet's pull members.
func (f *Fleet) agentProcesses(s *State, bin string) []process {
	procs := make([]process, 0, len(s.Pull))
	for _, name := range s.Pull {
		procs = append(procs, f.agentProcess(s, name, bin, 0))
	}
	return procs
}

// registerPulled declares a pull member to the control plane — its Cluster,
// in pull mode, with the fleet's labels — and starts its agent with a fresh
// bootstrap token. The member is Ready once the agent has its certificate
// and renews the cluster's Lease.
func (f *Fleet) registerPulled(ctx context.Context, cp *controlPlane, s *State, name string, labels map[string]string, bin string) error {
	cluster := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: karmadaclusterv1alpha1.ClusterSpec{SyncMode: karmadaclusterv1alpha1.Pull}}
	if err := cp.Create(ctx, cluster); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("register pull-mode cluster %s: %w", name, err)
	}
	return f.startAgent(ctx, cp.Client, s, name, bin)
}

// startAgent starts a pull member's agent unless it runs.
func (f *Fleet) startAgent(ctx context.Context, cp client.Client, s *State, name, bin string) error {
	if _, ok := f.agentProcess(s, name, bin, 0).running(); ok {
		return nil
	}
	ports, err := freePorts(1)
	if err != nil {
		return err
	}
	p := f.agentProcess(s, name, bin, ports[0])
	token, err := agentauth.CreateBootstrapToken(ctx, cp, name, agentBootstrapTTL)
	if err != nil {
		return fmt.Errorf("bootstrap token for %s: %w", name, err)
	}
	dir := f.layout.agentDir(name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "bootstrap-token"), []byte(token), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(f.layout.AgentMetricsFile(name), []byte("http://127.0.0.1:"+strconv.Itoa(ports[0])+"/metrics"), 0o600); err != nil {
		return err
	}
	_, err = p.start(f.opts.DieWithParent)
	return err
}

// StopAgent stops a pull member's agent, as a network partition would
// silence it: the member keeps running what it runs.
func (f *Fleet) StopAgent(name string) error {
	s, err := f.State()
	if err != nil {
		return err
	}
	if !s.Pulled(name) {
		return fmt.Errorf("%s is not a pull-mode member (pull members: %s)", name, strings.Join(s.Pull, ", "))
	}
	done := f.progress.Step("Stopping the agent of %s", name)
	err = f.agentProcess(s, name, AgentBinary, 0).stop(10 * time.Second)
	done(err)
	return err
}

// StartAgent starts a pull member's agent again.
func (f *Fleet) StartAgent(ctx context.Context, name string) error {
	s, err := f.State()
	if err != nil {
		return err
	}
	if !s.Pulled(name) {
		return fmt.Errorf("%s is not a pull-mode member (pull members: %s)", name, strings.Join(s.Pull, ", "))
	}
	bin, err := Binaries{BuildDir: f.layout.binDir()}.Resolve(ctx, AgentBinary)
	if err != nil {
		return err
	}
	cp, err := newControlPlaneClient(f.layout.ClusterKubeconfig(ControlPlaneName))
	if err != nil {
		return err
	}
	done := f.progress.Step("Starting the agent of %s", name)
	err = f.startAgent(ctx, cp.Client, s, name, bin)
	done(err)
	return err
}

// checkPull refuses to change which members pull on an existing fleet:
// their Clusters and credentials were made for one mode.
func (f *Fleet) checkPull(s *State) error {
	for _, name := range f.opts.Pull {
		if !s.Pulled(name) {
			return fmt.Errorf("the fleet in %s was created with %s in push mode; pull mode applies to a new fleet ('kurator down --purge' first)", f.layout.Dir, name)
		}
	}
	return nil
}
