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
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"kurator.dev/kurator/internal/drain"
)

// minArgs is cobra.MinimumNArgs with a usage error naming the argument.
func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return UsageError{fmt.Errorf("%q needs at least %d %s; see '%s --help'", cmd.CommandPath(), n, what, cmd.CommandPath())}
		}
		return nil
	}
}

func newCordonCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:   "cordon CLUSTER...",
		Short: "Keep new placements off member clusters; what runs there stays",
		Long: `Taint each cluster ` + drain.TaintCordoned + `:NoSchedule. The scheduler then places
nothing new there (unless a policy tolerates the taint); workloads already
running there stay. Idempotent. Undo with 'kurator uncordon'.`,
		Args: minArgs(1, "CLUSTER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cp.client()
			if err != nil {
				return err
			}
			return runCordon(cmd.Context(), c, streams.Out, args, clock.RealClock{})
		},
	}
	cp.AddFlags(cmd.Flags())
	return cmd
}

func newUncordonCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:   "uncordon CLUSTER...",
		Short: "Let new placements onto member clusters again (ends a cordon or a drain)",
		Long: `Remove the ` + drain.TaintCordoned + ` and ` + drain.TaintDraining + ` taints from each
cluster. Other taints, such as the not-ready taints of an unhealthy cluster,
are left alone. Workloads moved away by a drain come back only where their
policy asks for it (or after 'kurator rebalance').`,
		Args: minArgs(1, "CLUSTER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cp.client()
			if err != nil {
				return err
			}
			return runUncordon(cmd.Context(), c, streams.Out, args)
		},
	}
	cp.AddFlags(cmd.Flags())
	return cmd
}

// drainOptions are the flags of 'kurator drain'.
type drainOptions struct {
	wait     bool
	timeout  time.Duration
	interval time.Duration
	clock    clock.PassiveClock
}

func newDrainCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cp := newControlPlaneFlags()
	o := drainOptions{interval: drain.DefaultPollInterval, clock: clock.RealClock{}}
	cmd := &cobra.Command{
		Use:   "drain CLUSTER... [--wait] [--timeout 5m]",
		Short: "Cordon member clusters and move their workloads elsewhere",
		Long: `Cordon each cluster and taint it ` + drain.TaintDraining + `:NoExecute. The failover
controller then evicts every binding that does not tolerate the taint: the
binding is rescheduled onto other clusters and the old copy is kept until the
new one is healthy (purge mode Gracefully).

With --wait, poll until no binding runs on the clusters any more (none lists
them in spec.clusters, and no graceful eviction still keeps a copy there),
printing progress; exit 1 if that takes longer than --timeout. Bindings that
tolerate the taint stay and are not waited for. Undo with 'kurator uncordon'.`,
		Args: minArgs(1, "CLUSTER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.timeout <= 0 {
				return UsageError{fmt.Errorf("--timeout must be positive, got %s", o.timeout)}
			}
			c, err := cp.client()
			if err != nil {
				return err
			}
			return runDrain(cmd.Context(), c, streams.Out, args, o)
		},
	}
	cp.AddFlags(cmd.Flags())
	cmd.Flags().BoolVar(&o.wait, "wait", false, "wait until every binding has left the clusters")
	cmd.Flags().DurationVar(&o.timeout, "timeout", drain.DefaultTimeout, "with --wait, how long to wait before giving up (exit 1)")
	return cmd
}

func runCordon(ctx context.Context, c client.Client, out io.Writer, names []string, clk clock.PassiveClock) error {
	var errs []error
	for _, name := range names {
		added, err := drain.Cordon(ctx, c, name, clk)
		if err != nil {
			errs = append(errs, clusterError(name, err))
			continue
		}
		fmt.Fprintf(out, "cluster/%s %s\n", name, already(added, "cordoned"))
	}
	return errors.Join(errs...)
}

func runUncordon(ctx context.Context, c client.Client, out io.Writer, names []string) error {
	var errs []error
	for _, name := range names {
		removed, err := drain.Uncordon(ctx, c, name)
		if err != nil {
			errs = append(errs, clusterError(name, err))
			continue
		}
		fmt.Fprintf(out, "cluster/%s %s\n", name, already(removed, "uncordoned"))
	}
	return errors.Join(errs...)
}

func runDrain(ctx context.Context, c client.Client, out io.Writer, names []string, o drainOptions) error {
	var errs []error
	var started []string
	for _, name := range names {
		cordoned, draining, err := drain.Start(ctx, c, name, o.clock)
		if err != nil {
			errs = append(errs, clusterError(name, err))
			continue
		}
		fmt.Fprintf(out, "cluster/%s %s\n", name, already(cordoned, "cordoned"))
		fmt.Fprintf(out, "cluster/%s %s\n", name, already(draining, "draining"))
		started = append(started, name)
	}
	if len(started) == 0 {
		return errors.Join(errs...)
	}
	state, err := drain.Bindings(ctx, c, started)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	printDrainBindings(out, started, state, o.wait)
	if o.wait {
		err := drain.Wait(ctx, c, started, state, drain.WaitOptions{Interval: o.interval, Timeout: o.timeout, Progress: drainProgress(out)})
		var timeout *drain.TimeoutError
		if errors.As(err, &timeout) {
			err = fmt.Errorf("%w; see 'kurator describe rb NAME' for the evictions", err)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// printDrainBindings says, per cluster, how many bindings move (unless
// --wait reports that) and which stay because they tolerate the drain.
func printDrainBindings(out io.Writer, names []string, state map[string]drain.ClusterBindings, wait bool) {
	for _, name := range names {
		s := state[name]
		if !wait {
			fmt.Fprintf(out, "%s being moved off %s\n", drain.CountBindings(len(s.Moving)), name)
		}
		if len(s.Staying) > 0 {
			verbs := "tolerate %s and stay"
			if len(s.Staying) == 1 {
				verbs = "tolerates %s and stays"
			}
			fmt.Fprintf(out, "%s "+verbs+" on %s: %s\n", drain.CountBindings(len(s.Staying)), drain.TaintDraining, name, strings.Join(s.Staying, ", "))
		}
	}
}

// drainProgress prints the bindings left on a cluster as the drain waits.
func drainProgress(out io.Writer) func(cluster string, left int) {
	return func(cluster string, left int) {
		if left > 0 {
			fmt.Fprintf(out, "%s left on %s\n", drain.CountBindings(left), cluster)
		} else {
			fmt.Fprintf(out, "cluster/%s drained\n", cluster)
		}
	}
}

// clusterError names the cluster an operation failed on, pointing at the
// list of clusters when it does not exist.
func clusterError(name string, err error) error {
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("cluster %q not found; see 'kurator get clusters'", name)
	}
	return err
}

// already prefixes state with "already " when nothing changed.
func already(changed bool, state string) string {
	if changed {
		return state
	}
	return "already " + state
}
