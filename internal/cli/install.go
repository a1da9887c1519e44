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

	"kurator.dev/kurator/internal/install"
)

// seedInstallTarget is the positional form of the seed's 'kurator install
// center-manager', accepted as an alias of 'kurator install'.
const seedInstallTarget = "center-manager"

// hostFlags bind how install and uninstall reach the HOST cluster.
func hostFlags(cmd *cobra.Command, o *install.Options) {
	cmd.Flags().StringVar(&o.Kubeconfig, "kubeconfig", "", "kubeconfig of the HOST cluster to install into (default: kubectl's)")
	cmd.Flags().StringVar(&o.Context, "context", "", "context of --kubeconfig (default: its current context)")
	cmd.Flags().StringVarP(&o.Namespace, "namespace", "n", install.DefaultNamespace, "namespace of the release in the host")
	cmd.Flags().StringVar(&o.UserKubeconfig, "user-kubeconfig", "", "kubeconfig that receives the 'kurator' context (default: kubectl's)")
}

func newInstallCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var o install.Options
	var output string
	cmd := &cobra.Command{
		Use:   "install [center-manager]",
		Short: "Install Kurator's control plane into an existing cluster, or upgrade it in place",
		Long: `Install Kurator's highly available control plane (a StatefulSet of API servers over one etcd
cluster) and controller-manager (a Deployment electing a leader) into the host cluster of --kubeconfig,
through the chart embedded in this binary. Running it again upgrades in place. It waits until the
workloads are ready and adds a 'kurator' context; a first install that fails is removed entirely.`,
		Example: `  kurator install --kubeconfig host.kubeconfig
  kurator install --kubeconfig host.kubeconfig --service-type LoadBalancer --storage-class fast
  kurator install --kubeconfig host.kubeconfig --dry-run -o yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 || (len(args) == 1 && args[0] != seedInstallTarget) {
				return UsageError{fmt.Errorf("'install' takes no argument or %q, got %q", seedInstallTarget, strings.Join(args, " "))}
			}
			if output != "" && output != "yaml" {
				return UsageError{fmt.Errorf("-o supports only yaml, got %q", output)}
			}
			if output != "" && !o.DryRun {
				return UsageError{fmt.Errorf("-o yaml prints the objects of --dry-run; add --dry-run")}
			}
			if o.Replicas != 0 && o.Replicas%2 == 0 {
				return UsageError{fmt.Errorf("--replicas must be odd (1, 3, 5...): each replica is an etcd member, got %d", o.Replicas)}
			}
			o.Progress = streams.ErrOut
			res, err := install.Install(cmd.Context(), o)
			if err != nil {
				return err
			}
			if o.DryRun {
				_, err = fmt.Fprintln(streams.Out, strings.TrimSpace(res.Manifest))
				return err
			}
			_, err = fmt.Fprintf(streams.Out, "Kurator is installed (release %s revision %d in namespace %s); its API server is %s: kubectl --context %s get ns\n",
				install.ReleaseName, res.Revision, o.Namespace, res.Server, install.ContextName)
			return err
		},
	}
	hostFlags(cmd, &o)
	f := cmd.Flags()
	f.IntVar(&o.Replicas, "replicas", 0, "control-plane replicas, odd (default: the chart's 3)")
	f.IntVar(&o.ControllerManagerReplicas, "controller-manager-replicas", 0, "controller-manager replicas (default: the chart's 2)")
	f.StringVar(&o.Image, "image", "", "image repository[:tag] (default: the chart's repository, tagged with this binary's version)")
	f.StringVar(&o.StorageSize, "storage-size", "", "size of each control-plane replica's volume (default: the chart's 10Gi)")
	f.StringVar(&o.StorageClass, "storage-class", "", "storage class of the volumes (default: the host's default class)")
	f.StringVar(&o.ServiceType, "service-type", "", "type of the control plane's Service: ClusterIP, LoadBalancer or NodePort")
	f.StringVar(&o.Lease.Duration, "lease-duration", "", "leader-election lease duration (default: the chart's 15s)")
	f.StringVar(&o.Lease.RenewDeadline, "renew-deadline", "", "leader-election renew deadline (default: the chart's 10s)")
	f.StringVar(&o.Lease.RetryPeriod, "retry-period", "", "leader-election retry period (default: the chart's 2s)")
	f.StringArrayVar(&o.Set, "set", nil, "a chart value, key=value (Helm's syntax); repeatable")
	f.StringArrayVarP(&o.ValuesFiles, "values", "f", nil, "a values file (Helm's merging); repeatable")
	f.StringVar(&o.Endpoint, "endpoint", "", "URL the 'kurator' context uses, added to the serving certificate (default: the Service's load balancer)")
	f.DurationVar(&o.Wait, "wait", 5*time.Minute, "how long to wait for the workloads to be ready")
	f.BoolVar(&o.DryRun, "dry-run", false, "render every object without creating any")
	f.StringVarP(&output, "output", "o", "", "with --dry-run: yaml prints the objects")
	return cmd
}

func newUninstallCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var o install.Options
	cmd := &cobra.Command{
		Use:   "uninstall",
		Short: "Remove Kurator's control plane from the host cluster (its volumes stay unless --purge)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Progress = streams.ErrOut
			return install.Uninstall(cmd.Context(), o)
		},
	}
	hostFlags(cmd, &o)
	cmd.Flags().BoolVar(&o.Purge, "purge", false, "also delete the control plane's PersistentVolumeClaims, and so its data")
	return cmd
}
