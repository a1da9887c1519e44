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
	"os"
	"strings"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"kurator.dev/kurator/internal/join"
)

// hubFlags address the control plane for join/unjoin, whose --kubeconfig
// and --context name the member instead.
func hubFlags(cmd *cobra.Command) controlPlaneFlags {
	cf := genericclioptions.NewConfigFlags(true)
	cf.KubeConfig, cf.Context = new(string), new(string)
	cmd.Flags().StringVar(cf.KubeConfig, "control-plane-kubeconfig", "", "kubeconfig of the control plane (default: as kubectl finds it)")
	cmd.Flags().StringVar(cf.Context, "control-plane-context", "", "context of the control plane (default: \"kurator\" if present, else the current context)")
	cmd.Flags().StringVarP(cf.Namespace, "namespace", "n", join.DefaultNamespace, "namespace of the AttachedCluster and its Secret")
	return controlPlaneFlags{cf}
}

func newJoinCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var (
		kubeconfigPath, kubeContext, labels, fleet string
		hub                                        controlPlaneFlags
		istioCRDs                                  bool
		pull                                       pullJoinFlags
	)
	cmd := &cobra.Command{
		Use:   "join NAME --kubeconfig FILE",
		Short: "Attach a cluster to the fleet through its kubeconfig, or install its pull agent (--pull)",
		Long: `Attach a cluster: the kubeconfig is checked (the cluster must answer), stored in a
Secret, and an AttachedCluster is created; the controller then maintains its
Cluster in the inventory. Istio's networking CRDs (VirtualService,
DestinationRule, ServiceEntry, Gateway) the cluster lacks are created first, so
that routing objects can be propagated to it; those it has are left alone.

With --pull the control plane never receives the kubeconfig: the Cluster is
declared in pull mode with a bootstrap token, and the kurator-agent chart is
installed into the cluster (release kurator-agent in kurator-system). The agent
connects out to the control plane, gets its own certificate and applies the
cluster's Works; join waits until it has made the cluster Ready.`,
		Example: `  kurator join edge --kubeconfig edge.kubeconfig
  kurator join edge --pull --kubeconfig edge.kubeconfig --control-plane-address https://kurator.example.com:6443
  kurator join edge --pull --dry-run -o yaml`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lbls, err := parseLabels(labels)
			if err != nil {
				return UsageError{err}
			}
			if pull.enabled {
				return runPullJoin(cmd, streams, hub, pullJoin{name: args[0], kubeconfig: kubeconfigPath, context: kubeContext,
					labels: lbls, fleet: fleet, flags: pull})
			}
			if err := pull.refuseWithoutPull(cmd); err != nil {
				return err
			}
			if kubeconfigPath == "" {
				return UsageError{fmt.Errorf("--kubeconfig is required: the kubeconfig of the cluster to join")}
			}
			data, err := os.ReadFile(kubeconfigPath)
			if err != nil {
				return fmt.Errorf("read the cluster's kubeconfig: %w", err)
			}
			c, err := hub.client()
			if err != nil {
				return err
			}
			r := join.Request{Name: args[0], Namespace: hub.namespace(join.DefaultNamespace), Kubeconfig: data, Context: kubeContext, Labels: lbls, Fleet: fleet,
				InstallIstioCRDs: istioCRDs}
			res, err := join.Join(cmd.Context(), c, r)
			if len(res.InstalledCRDs) > 0 {
				fmt.Fprintf(streams.Out, "installed into the cluster: %s\n", strings.Join(res.InstalledCRDs, ", "))
			}
			if err != nil {
				if istioCRDs && apierrors.IsForbidden(err) {
					err = fmt.Errorf("%w (without the right to create CRDs there, pass --install-istio-crds=false)", err)
				}
				return fmt.Errorf("cluster %s not joined: %w", args[0], err)
			}
			fmt.Fprintf(streams.Out, "cluster %s joined; watch it become Ready with 'kurator get clusters'\n", args[0])
			return nil
		},
	}
	hub = hubFlags(cmd)
	cmd.Flags().StringVar(&kubeconfigPath, "kubeconfig", "", "kubeconfig of the cluster to join (required; with --pull it stays on this machine)")
	cmd.Flags().StringVar(&kubeContext, "context", "", "context of that kubeconfig (default: its current context)")
	cmd.Flags().StringVar(&labels, "labels", "", "labels of the cluster, as k=v,k2=v2 (region, zone and provider feed the scheduler)")
	cmd.Flags().StringVar(&fleet, "fleet", "", "also list the cluster in this Fleet (same namespace)")
	cmd.Flags().BoolVar(&istioCRDs, "install-istio-crds", true, "create the Istio networking CRDs the cluster lacks (VirtualService, DestinationRule, ServiceEntry, Gateway); push mode only")
	pull.addFlags(cmd)
	return cmd
}

func newUnjoinCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var (
		hub                         controlPlaneFlags
		memberKubeconfig, memberCtx string
	)
	cmd := &cobra.Command{
		Use:   "unjoin NAME",
		Short: "Detach a cluster: remove its AttachedCluster, Cluster, kubeconfig Secret and fleet entries (a pull cluster: its tokens, Cluster and, with --kubeconfig, its agent)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := hub.client()
			if err != nil {
				return err
			}
			namespace := hub.namespace(join.DefaultNamespace)
			pulled, err := join.IsPullCluster(cmd.Context(), c, args[0])
			if err != nil {
				return err
			}
			if pulled {
				return runPullUnjoin(cmd, streams, c, namespace, args[0], memberKubeconfig, memberCtx)
			}
			if err := join.Unjoin(cmd.Context(), c, namespace, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "cluster %s unjoined\n", args[0])
			return nil
		},
	}
	hub = hubFlags(cmd)
	cmd.Flags().StringVar(&memberKubeconfig, "kubeconfig", "", "kubeconfig of a pull cluster, to remove its agent too")
	cmd.Flags().StringVar(&memberCtx, "context", "", "context of that kubeconfig (default: its current context)")
	return cmd
}

// parseLabels reads k=v,k2=v2.
func parseLabels(s string) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("label %q is not of the form key=value", kv)
		}
		out[k] = v
	}
	return out, nil
}
