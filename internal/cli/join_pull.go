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

package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/install"
	"kurator.dev/kurator/internal/join"
)

// pullJoinFlags are join's settings of pull mode.
type pullJoinFlags struct {
	enabled             bool
	controlPlaneAddress string
	tokenTTL, wait      time.Duration
	image, output       string
	dryRun              bool
}

// pullOnly are the flags that mean something only with --pull.
var pullOnly = []string{"control-plane-address", "token-ttl", "wait", "image", "dry-run", "output"}

func (f *pullJoinFlags) addFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&f.enabled, "pull", false, "join in pull mode: install the cluster's agent, which connects to the control plane")
	fs.StringVar(&f.controlPlaneAddress, "control-plane-address", "", "with --pull: the control plane's address as the cluster reaches it, https://host:port (default: the control-plane kubeconfig's server)")
	fs.DurationVar(&f.tokenTTL, "token-ttl", time.Hour, "with --pull: how long the agent's bootstrap token can register it")
	fs.DurationVar(&f.wait, "wait", 3*time.Minute, "with --pull: how long to wait for the cluster to be Ready (0: do not wait)")
	fs.StringVar(&f.image, "image", "", "with --pull: the agent's image repository[:tag] (default: the chart's repository, tagged with this binary's version)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "with --pull: render the agent's objects without touching either cluster")
	fs.StringVarP(&f.output, "output", "o", "", "with --pull --dry-run: yaml prints the objects")
}

func (f *pullJoinFlags) refuseWithoutPull(cmd *cobra.Command) error {
	for _, name := range pullOnly {
		if cmd.Flags().Changed(name) {
			return UsageError{fmt.Errorf("--%s applies to pull mode only; add --pull", name)}
		}
	}
	return nil
}

// pullJoin is one 'kurator join --pull'.
type pullJoin struct {
	name, kubeconfig, context, fleet string
	labels                           map[string]string
	flags                            pullJoinFlags
}

func runPullJoin(cmd *cobra.Command, streams genericiooptions.IOStreams, hub controlPlaneFlags, j pullJoin) error {
	f := j.flags
	if f.output != "" && f.output != "yaml" {
		return UsageError{fmt.Errorf("-o supports only yaml, got %q", f.output)}
	}
	if f.output != "" && !f.dryRun {
		return UsageError{fmt.Errorf("-o yaml prints the objects of --dry-run; add --dry-run")}
	}
	if j.kubeconfig == "" && !f.dryRun {
		return UsageError{fmt.Errorf("--kubeconfig is required: the kubeconfig of the cluster to join, where the agent is installed")}
	}
	if f.tokenTTL <= 0 {
		return UsageError{fmt.Errorf("--token-ttl must be positive")}
	}
	if f.wait < 0 {
		return UsageError{fmt.Errorf("--wait must not be negative")}
	}
	cfg, err := hub.restConfig()
	if err != nil {
		return err
	}
	r := join.PullRequest{Name: j.name, Labels: j.labels, ControlPlane: cfg, ControlPlaneAddress: f.controlPlaneAddress,
		MemberKubeconfig: j.kubeconfig, MemberContext: j.context, Namespace: hub.namespace(join.DefaultNamespace), Fleet: j.fleet,
		TokenTTL: f.tokenTTL, Image: f.image, Wait: f.wait, DryRun: f.dryRun, Progress: streams.ErrOut}
	var c client.Client
	if !f.dryRun {
		if c, err = hub.client(); err != nil {
			return err
		}
	}
	res, err := join.JoinPull(cmd.Context(), c, r)
	if err != nil {
		return fmt.Errorf("cluster %s not joined: %w", j.name, err)
	}
	switch {
	case f.dryRun:
		_, err = fmt.Fprintln(streams.Out, strings.TrimSpace(res.Manifest))
	case f.wait == 0:
		_, err = fmt.Fprintf(streams.Out, "cluster %s joined in pull mode (agent release %s revision %d); watch it become Ready with 'kurator get clusters'\n",
			j.name, components.AgentReleaseName, res.Revision)
	default:
		_, err = fmt.Fprintf(streams.Out, "cluster %s joined in pull mode and Ready (agent release %s revision %d)\n",
			j.name, components.AgentReleaseName, res.Revision)
	}
	return err
}

func runPullUnjoin(cmd *cobra.Command, streams genericiooptions.IOStreams, c client.Client, namespace, name, kubeconfig, kubeContext string) error {
	var member *install.Release
	if kubeconfig != "" {
		member = &install.Release{Name: components.AgentReleaseName, Namespace: join.AgentNamespace, Kubeconfig: kubeconfig, Context: kubeContext}
	}
	removed, err := join.UnjoinPull(cmd.Context(), c, namespace, name, member, streams.ErrOut)
	if err != nil {
		return err
	}
	if removed {
		_, err = fmt.Fprintf(streams.Out, "cluster %s unjoined and its agent removed\n", name)
		return err
	}
	_, err = fmt.Fprintf(streams.Out, "cluster %s unjoined; its agent still runs in the member: remove it with 'kurator unjoin %s --kubeconfig MEMBER_KUBECONFIG' or 'helm uninstall %s -n %s'\n",
		name, name, components.AgentReleaseName, join.AgentNamespace)
	return err
}
