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
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/install"
	"kurator.dev/kurator/internal/kubeconfig"
	"kurator.dev/kurator/internal/localcluster"
	"kurator.dev/kurator/internal/localfleet"
)

// localFlags are shared by the commands that manage the local fleet.
type localFlags struct {
	dir string
}

func (l *localFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&l.dir, "dir", "", "state directory of the local fleet (default $"+localfleet.EnvHome+" or ~/.kurator)")
}

func (l *localFlags) fleet(streams genericiooptions.IOStreams, mutate func(*localfleet.Options)) (*localfleet.Fleet, error) {
	path, err := kubeconfig.UserPath()
	if err != nil {
		return nil, err
	}
	opts := localfleet.Options{Dir: l.dir, Progress: streams.ErrOut, UserKubeconfig: path}
	if mutate != nil {
		mutate(&opts)
	}
	return localfleet.New(opts), nil
}

func newUpCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var (
		local      localFlags
		file       string
		nodes      = localcluster.DefaultNodePool()
		timeout    time.Duration
		prometheus bool
		ha         bool
		pull       []string
	)
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Start the local fleet: a control plane and one member cluster per cluster of the fleet",
		Long: `Start the local fleet: a control plane and one member per cluster of a Fleet, each
a real kube-apiserver over embedded etcd on 127.0.0.1. The first run creates the
fleet (by default the three clusters of the seed's Fleet); later runs restart it
with its objects intact. Contexts "kurator" and one per member are added to your
kubeconfig.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := nodes.Validate(); err != nil {
				return UsageError{err}
			}
			f, err := local.fleet(streams, func(o *localfleet.Options) {
				o.FleetFile, o.Nodes, o.ReadyTimeout, o.Prometheus, o.HA, o.Pull = file, nodes, timeout, prometheus, ha, pull
			})
			if err != nil {
				return err
			}
			if err := f.Up(cmd.Context()); err != nil {
				return err
			}
			s, err := f.State()
			if err != nil {
				return err
			}
			out := streams.Out
			fmt.Fprintf(out, "\nThe local fleet %s is ready: control plane \"kurator\" and %d member clusters.\n\n", s.FleetName, len(s.Clusters)-1)
			fmt.Fprintf(out, "  kurator get clusters\n  kubectl --context kurator get clusters\n  kubectl --context %s get nodes\n\n", s.Clusters[1].Name)
			fmt.Fprintf(out, "Kubeconfig (all contexts): %s\nStop it with 'kurator down'; its state stays in %s.\n", f.Layout().Kubeconfig(), f.Layout().Dir)
			return nil
		},
	}
	local.add(cmd)
	cmd.Flags().StringVarP(&file, "file", "f", "", "Fleet YAML to create the fleet from (first run only; default: the seed's three-cluster fleet)")
	cmd.Flags().IntVar(&nodes.Count, "nodes", nodes.Count, "simulated nodes per member (unless the fleet's "+localfleet.NodePoolsAnnotation+" annotation says otherwise)")
	cmd.Flags().StringVar(&nodes.CPU, "node-cpu", nodes.CPU, "allocatable CPU of each simulated node")
	cmd.Flags().StringVar(&nodes.Memory, "node-memory", nodes.Memory, "allocatable memory of each simulated node")
	cmd.Flags().IntVar(&nodes.Pods, "node-pods", nodes.Pods, "pod capacity of each simulated node")
	cmd.Flags().DurationVar(&timeout, "wait", 3*time.Minute, "how long to wait for each step")
	cmd.Flags().BoolVar(&prometheus, "prometheus", false, "also run Prometheus (the 'prometheus' binary on PATH) scraping every member's workload metrics; needed by traffic weights that follow SLIs; kept for later runs")
	cmd.Flags().StringSliceVar(&pull, "pull", nil, "members to run in pull mode, each with a kurator-agent that connects to the control plane, which holds no credentials for it (a new fleet only; also the Fleet's "+localfleet.PullClustersAnnotation+" annotation)")
	cmd.Flags().BoolVar(&ha, "ha", false, "run the control plane highly available: 3 replicas forming one etcd cluster behind a loopback balancer, and 2 controller-managers electing a leader (a new fleet only)")
	return cmd
}

func newDownCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var (
		local localFlags
		purge bool
	)
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Stop the local fleet and remove its kubeconfig contexts (its state is kept for the next 'up')",
		Args:  exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			f, err := local.fleet(streams, nil)
			if err != nil {
				return err
			}
			return f.Down(purge)
		},
	}
	local.add(cmd)
	cmd.Flags().BoolVar(&purge, "purge", false, "also delete the state directory (all objects of the fleet)")
	return cmd
}

func newStatusCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var (
		local     localFlags
		installed install.Options
	)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the components of the local fleet, or of a control plane installed in a host cluster (--kubeconfig), and their health",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if installed.Kubeconfig != "" {
				return printInstalledStatus(cmd, streams, installed)
			}
			f, err := local.fleet(streams, nil)
			if err != nil {
				return err
			}
			statuses, err := f.Status(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(streams.Out, 0, 8, 3, ' ', 0)
			fmt.Fprintln(w, "COMPONENT\tROLE\tPID\tENDPOINT\tHEALTHY\tMESSAGE")
			unhealthy := 0
			for _, s := range statuses {
				pid := "-"
				if s.PID > 0 {
					pid = fmt.Sprint(s.PID)
				}
				if !s.Healthy {
					unhealthy++
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%t\t%s\n", s.Name, s.Kind, pid, s.Endpoint, s.Healthy, s.Message)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if cp, err := f.ControlPlaneStatus(cmd.Context()); err == nil {
				if err := printControlPlaneStatus(streams.Out, cp, time.Now()); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(streams.Out, "\nThe control plane cannot say more: %v\n", err)
			}
			if unhealthy > 0 {
				return fmt.Errorf("%d of %d components are not healthy", unhealthy, len(statuses))
			}
			return nil
		},
	}
	local.add(cmd)
	cmd.Flags().StringVar(&installed.Kubeconfig, "kubeconfig", "", "kubeconfig of the HOST cluster of an installed control plane (without it: the local fleet)")
	cmd.Flags().StringVar(&installed.Context, "context", "", "context of --kubeconfig")
	cmd.Flags().StringVarP(&installed.Namespace, "namespace", "n", install.DefaultNamespace, "namespace of the install in the host")
	return cmd
}

// printInstalledStatus prints an installed control plane: its pods in the
// host, then its own account of itself.
func printInstalledStatus(cmd *cobra.Command, streams genericiooptions.IOStreams, o install.Options) error {
	st, err := install.Status(cmd.Context(), o)
	if err != nil {
		return err
	}
	now := time.Now()
	w := tabwriter.NewWriter(streams.Out, 0, 8, 3, ' ', 0)
	fmt.Fprintln(w, "COMPONENT\tROLE\tREADY\tRESTARTS\tNODE\tVERSION\tAGE\tMESSAGE")
	unready := 0
	for _, p := range st.Pods {
		if !p.Ready {
			unready++
		}
		fmt.Fprintf(w, "%s\t%s\t%t\t%d\t%s\t%s\t%s\t%s\n", p.Name, p.Component, p.Ready, p.Restarts, p.Node, p.Version,
			duration.HumanDuration(now.Sub(p.Created)), p.Message)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if st.ControlPlaneErr != nil {
		fmt.Fprintf(streams.Out, "\nThe control plane cannot say more: %v\n", st.ControlPlaneErr)
	} else if err := printControlPlaneStatus(streams.Out, st.ControlPlane, now); err != nil {
		return err
	}
	if unready > 0 {
		return fmt.Errorf("%d of %d pods are not ready", unready, len(st.Pods))
	}
	return nil
}

func newLocalCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "local", Short: "Operate single components of the local fleet (to rehearse failures)"}
	short := map[string]string{
		"stop":  "Stop a member cluster (its API server becomes unreachable), a control-plane replica of an HA fleet (kurator-1), the controller-manager (in an HA fleet, the leader, or one by name), or the fleet's Prometheus",
		"start": "Start a stopped member cluster, control-plane replica, controller-manager or Prometheus",
	}
	for _, verb := range []string{"stop", "start"} {
		var local localFlags
		sub := &cobra.Command{
			Use:   verb + " CLUSTER|kurator-N|controller-manager|kurator-controller-manager-N|prometheus",
			Short: short[verb],
			Args:  exactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				f, err := local.fleet(streams, nil)
				if err != nil {
					return err
				}
				name := args[0]
				switch {
				case name == "prometheus" && verb == "stop":
					return f.StopPrometheus()
				case name == "prometheus":
					return f.StartPrometheus(cmd.Context())
				case isControllerManager(name) && verb == "stop":
					if name == "controller-manager" || name == localfleet.ControllerManagerBinary {
						name = "" // the leader, or the only one
					}
					return f.StopControllerManager(cmd.Context(), name)
				case isControllerManager(name):
					return f.StartControllerManager(cmd.Context())
				case verb == "stop":
					return f.StopCluster(name)
				}
				return f.StartCluster(cmd.Context(), name)
			},
		}
		local.add(sub)
		cmd.AddCommand(sub)
	}
	cmd.AddCommand(newBalanceCommand())
	for _, verb := range []string{"stop-agent", "start-agent"} {
		var local localFlags
		sub := &cobra.Command{
			Use:   verb + " CLUSTER",
			Short: map[string]string{"stop-agent": "Stop a pull member's agent (the member keeps running its workloads; the control plane loses its heartbeat, as in a network partition)", "start-agent": "Start a pull member's agent again"}[verb],
			Args:  exactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				f, err := local.fleet(streams, nil)
				if err != nil {
					return err
				}
				if verb == "stop-agent" {
					return f.StopAgent(args[0])
				}
				return f.StartAgent(cmd.Context(), args[0])
			},
		}
		local.add(sub)
		cmd.AddCommand(sub)
	}
	return cmd
}

func isControllerManager(name string) bool {
	return name == "controller-manager" || strings.HasPrefix(name, localfleet.ControllerManagerBinary)
}

// printControlPlaneStatus prints the control plane's own account of its
// components: the etcd members as its replicas report them, and who leads
// the controller-managers.
func printControlPlaneStatus(out io.Writer, st components.ControlPlaneStatus, now time.Time) error {
	fmt.Fprintln(out)
	w := tabwriter.NewWriter(out, 0, 8, 3, ' ', 0)
	fmt.Fprintln(w, "ETCD MEMBER\tID\tPEER URL\tROLE\tREPORTED\tDB SIZE\tKUBERNETES\tKURATOR")
	leader := st.EtcdLeader()
	reports := map[string]components.ReplicaStatus{}
	for _, r := range st.Replicas {
		reports[r.Report.Name] = r
	}
	for _, m := range st.Members() {
		role := "follower"
		switch {
		case m.Learner:
			role = "learner"
		case m.Name == leader:
			role = "leader"
		}
		reported, size, kube, kurator := "never", "-", "-", "-"
		if r, ok := reports[m.Name]; ok {
			reported = duration.HumanDuration(now.Sub(r.Renewed)) + " ago"
			if r.Stale {
				reported += " (stale)"
				role = "unknown"
			}
			size = resource.NewQuantity(r.Report.DBSizeBytes, resource.BinarySI).String()
			kube, kurator = r.Report.KubernetesVersion, r.Report.KuratorVersion
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Name, m.ID, m.PeerURL, role, reported, size, kube, kurator)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if st.Leader != "" {
		since := ""
		if !st.LeaderSince.IsZero() {
			since = " (for " + duration.HumanDuration(now.Sub(st.LeaderSince)) + ")"
		}
		fmt.Fprintf(out, "\nController-manager leader: %s%s\n", st.Leader, since)
	}
	return nil
}
