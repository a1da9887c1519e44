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
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/failover"
)

// Taint keys the operations commands put on Clusters. Only these keys are
// ever added or removed by cordon, uncordon and drain; every other taint
// (such as the not-ready taints of the cluster-status controller) is kept.
const (
	// TaintClusterCordoned (NoSchedule) keeps new placements off a cluster;
	// what runs there stays.
	TaintClusterCordoned = karmadaclusterv1alpha1.TaintClusterCordoned
	// TaintClusterDraining (NoExecute) makes the failover controller move
	// every binding that does not tolerate it off the cluster.
	TaintClusterDraining = karmadaclusterv1alpha1.TaintClusterDraining
)

// Defaults of 'kurator drain --wait'.
const (
	defaultDrainTimeout = 5 * time.Minute
	drainPollInterval   = time.Second
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
		Long: `Taint each cluster ` + TaintClusterCordoned + `:NoSchedule. The scheduler then places
nothing new there (unless a policy tolerates the taint); workloads already
running there stay. Idempotent. Undo with 'kurator uncordon'.`,
		Args: minArgs(1, "CLUSTER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cp.client()
			if err != nil {
				return err
			}
			return runCordon(cmd.Context(), c, streams.Out, args, time.Now)
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
		Long: `Remove the ` + TaintClusterCordoned + ` and ` + TaintClusterDraining + ` taints from each
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
	now      func() time.Time
}

func newDrainCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cp := newControlPlaneFlags()
	o := drainOptions{interval: drainPollInterval, now: time.Now}
	cmd := &cobra.Command{
		Use:   "drain CLUSTER... [--wait] [--timeout 5m]",
		Short: "Cordon member clusters and move their workloads elsewhere",
		Long: `Cordon each cluster and taint it ` + TaintClusterDraining + `:NoExecute. The failover
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
	cmd.Flags().DurationVar(&o.timeout, "timeout", defaultDrainTimeout, "with --wait, how long to wait before giving up (exit 1)")
	return cmd
}

func runCordon(ctx context.Context, c client.Client, out io.Writer, names []string, now func() time.Time) error {
	var errs []error
	for _, name := range names {
		added, err := patchTaints(ctx, c, name, func(cl *karmadaclusterv1alpha1.Cluster) bool {
			return addTaint(cl, TaintClusterCordoned, corev1.TaintEffectNoSchedule, now())
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(out, "cluster/%s %s\n", name, already(added, "cordoned"))
	}
	return errors.Join(errs...)
}

func runUncordon(ctx context.Context, c client.Client, out io.Writer, names []string) error {
	var errs []error
	for _, name := range names {
		removed, err := patchTaints(ctx, c, name, func(cl *karmadaclusterv1alpha1.Cluster) bool {
			return removeTaints(cl, TaintClusterCordoned, TaintClusterDraining)
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(out, "cluster/%s %s\n", name, already(removed, "uncordoned"))
	}
	return errors.Join(errs...)
}

func runDrain(ctx context.Context, c client.Client, out io.Writer, names []string, o drainOptions) error {
	var errs []error
	var drained []string
	for _, name := range names {
		var cordoned, draining bool
		_, err := patchTaints(ctx, c, name, func(cl *karmadaclusterv1alpha1.Cluster) bool {
			now := o.now()
			cordoned = addTaint(cl, TaintClusterCordoned, corev1.TaintEffectNoSchedule, now)
			draining = addTaint(cl, TaintClusterDraining, corev1.TaintEffectNoExecute, now)
			return cordoned || draining
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(out, "cluster/%s %s\n", name, already(cordoned, "cordoned"))
		fmt.Fprintf(out, "cluster/%s %s\n", name, already(draining, "draining"))
		drained = append(drained, name)
	}
	if len(drained) == 0 {
		return errors.Join(errs...)
	}
	state, err := drainState(ctx, c, drained)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, name := range drained {
		s := state[name]
		if !o.wait {
			fmt.Fprintf(out, "%s being moved off %s\n", countBindings(len(s.moving)), name)
		}
		if len(s.staying) > 0 {
			verbs := "tolerate %s and stay"
			if len(s.staying) == 1 {
				verbs = "tolerates %s and stays"
			}
			fmt.Fprintf(out, "%s "+verbs+" on %s: %s\n", countBindings(len(s.staying)), TaintClusterDraining, name, strings.Join(s.staying, ", "))
		}
	}
	if o.wait {
		if err := waitDrained(ctx, c, out, drained, state, o); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// waitDrained polls until no binding is left on the clusters, printing the
// count of each cluster whenever it changes.
func waitDrained(ctx context.Context, c client.Client, out io.Writer, names []string, state map[string]clusterDrain, o drainOptions) error {
	reported := map[string]int{} // the count last printed per cluster
	report := func() bool {
		done := true
		for _, name := range names {
			n := len(state[name].left())
			if last, seen := reported[name]; !seen || last != n {
				if n > 0 {
					fmt.Fprintf(out, "%s left on %s\n", countBindings(n), name)
				} else {
					fmt.Fprintf(out, "cluster/%s drained\n", name)
				}
			}
			reported[name] = n
			done = done && n == 0
		}
		return done
	}
	if report() {
		return nil
	}
	var lastErr error
	err := wait.PollUntilContextTimeout(ctx, o.interval, o.timeout, false, func(ctx context.Context) (bool, error) {
		s, err := drainState(ctx, c, names)
		if err != nil {
			// A transient API error is retried until the deadline.
			lastErr = err
			return false, nil
		}
		lastErr, state = nil, s
		return report(), nil
	})
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var left []string
	for _, name := range names {
		if l := state[name].left(); len(l) > 0 {
			left = append(left, fmt.Sprintf("%s left on %s: %s", countBindings(len(l)), name, strings.Join(l, ", ")))
		}
	}
	msg := fmt.Sprintf("timed out after %s waiting for the drain: %s", o.timeout, strings.Join(left, "; "))
	if lastErr != nil {
		msg += fmt.Sprintf(" (last error: %v)", lastErr)
	}
	return errors.New(msg + "; see 'kurator describe rb NAME' for the evictions")
}

// clusterDrain is where the bindings on one cluster stand in a drain. Each
// list holds binding names ("namespace/name" or, for a
// ClusterResourceBinding, "name"), sorted.
type clusterDrain struct {
	// moving lists the cluster in spec.clusters and do not tolerate the
	// draining taint (for ever).
	moving []string
	// evicting have a graceful eviction task that still keeps the old
	// copy on the cluster and will end by itself.
	evicting []string
	// staying tolerate the draining taint without tolerationSeconds.
	staying []string
}

// left is what --wait waits for: bindings still to move or still keeping
// their old copy.
func (d clusterDrain) left() []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range append(append([]string{}, d.moving...), d.evicting...) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// drainState reads every ResourceBinding and ClusterResourceBinding and
// sorts those on the named clusters.
func drainState(ctx context.Context, c client.Client, names []string) (map[string]clusterDrain, error) {
	var rbs workv1alpha2.ResourceBindingList
	if err := c.List(ctx, &rbs); err != nil {
		return nil, fmt.Errorf("list resource bindings: %w", err)
	}
	var crbs workv1alpha2.ClusterResourceBindingList
	if err := c.List(ctx, &crbs); err != nil {
		return nil, fmt.Errorf("list cluster resource bindings: %w", err)
	}
	state := make(map[string]clusterDrain, len(names))
	add := func(id string, spec *workv1alpha2.ResourceBindingSpec) {
		for _, name := range names {
			s := state[name]
			for _, t := range spec.Clusters {
				if t.Name != name {
					continue
				}
				if toleratesDrain(spec.Placement) {
					s.staying = append(s.staying, id)
				} else {
					s.moving = append(s.moving, id)
				}
			}
			for i := range spec.GracefulEvictionTasks {
				if t := &spec.GracefulEvictionTasks[i]; t.FromCluster == name && endsByItself(t) {
					s.evicting = append(s.evicting, id)
				}
			}
			state[name] = s
		}
	}
	for i := range rbs.Items {
		add(rbs.Items[i].Namespace+"/"+rbs.Items[i].Name, &rbs.Items[i].Spec)
	}
	for i := range crbs.Items {
		add(crbs.Items[i].Name, &crbs.Items[i].Spec)
	}
	for name, s := range state {
		sort.Strings(s.moving)
		sort.Strings(s.evicting)
		sort.Strings(s.staying)
		state[name] = s
	}
	return state, nil
}

// toleratesDrain reports whether a placement tolerates the draining taint for
// ever (a toleration with tolerationSeconds only delays the eviction).
func toleratesDrain(p *policyv1alpha1.Placement) bool {
	return failover.ToleratedForever(p.EffectiveClusterTolerations(), &corev1.Taint{Key: TaintClusterDraining, Effect: corev1.TaintEffectNoExecute})
}

// endsByItself reports whether a graceful eviction task ends without a user:
// purge mode Never and suppressDeletion keep the copy until someone acts.
func endsByItself(t *workv1alpha2.GracefulEvictionTask) bool {
	return t.PurgeMode != policyv1alpha1.PurgeModeNever && (t.SuppressDeletion == nil || !*t.SuppressDeletion)
}

// patchTaints applies mutate to the named Cluster and, when it reports a
// change, writes spec.taints with an optimistic-lock merge patch, retrying
// from a fresh read on conflict so that concurrent taint writers (the
// cluster-status controller) are never overwritten. It reports whether the
// last attempt changed anything.
func patchTaints(ctx context.Context, c client.Client, name string, mutate func(*karmadaclusterv1alpha1.Cluster) bool) (bool, error) {
	var changed bool
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cl := &karmadaclusterv1alpha1.Cluster{}
		if err := c.Get(ctx, client.ObjectKey{Name: name}, cl); err != nil {
			return err
		}
		before := cl.DeepCopy()
		if changed = mutate(cl); !changed {
			return nil
		}
		return c.Patch(ctx, cl, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}))
	})
	switch {
	case apierrors.IsNotFound(err):
		return false, fmt.Errorf("cluster %q not found; see 'kurator get clusters'", name)
	case err != nil:
		return false, fmt.Errorf("cluster %q: %w", name, err)
	}
	return changed, nil
}

// addTaint adds key:effect unless the cluster has it, and reports whether it
// did.
func addTaint(cl *karmadaclusterv1alpha1.Cluster, key string, effect corev1.TaintEffect, now time.Time) bool {
	for _, t := range cl.Spec.Taints {
		if t.Key == key && t.Effect == effect {
			return false
		}
	}
	added := metav1.NewTime(now)
	cl.Spec.Taints = append(cl.Spec.Taints, corev1.Taint{Key: key, Effect: effect, TimeAdded: &added})
	return true
}

// removeTaints removes every taint with one of keys, whatever its effect, and
// reports whether there was one.
func removeTaints(cl *karmadaclusterv1alpha1.Cluster, keys ...string) bool {
	kept := cl.Spec.Taints[:0:0]
	for _, t := range cl.Spec.Taints {
		drop := false
		for _, k := range keys {
			drop = drop || t.Key == k
		}
		if !drop {
			kept = append(kept, t)
		}
	}
	if len(kept) == len(cl.Spec.Taints) {
		return false
	}
	cl.Spec.Taints = kept
	return true
}

// already prefixes state with "already " when nothing changed.
func already(changed bool, state string) string {
	if changed {
		return state
	}
	return "already " + state
}

func countBindings(n int) string {
	if n == 1 {
		return "1 binding"
	}
	return fmt.Sprintf("%d bindings", n)
}
