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
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/eventlist"
)

func newDescribeCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "describe", Short: "Explain a binding or a policy: what was chosen, what was rejected and why"}
	cmd.AddCommand(newDescribeBindingCommand(streams), newDescribePolicyCommand(streams),
		newDescribeOverridePolicyCommand(streams), newDescribeClusterOverridePolicyCommand(streams))
	return cmd
}

func newDescribeBindingCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:     "resourcebinding NAME",
		Aliases: []string{"rb"},
		Short:   "Show a binding's decision, the clusters rejected and why, the division arithmetic, status and events",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cp.client()
			if err != nil {
				return err
			}
			b := &workv1alpha2.ResourceBinding{}
			if err := c.Get(cmd.Context(), client.ObjectKey{Namespace: cp.namespace("default"), Name: args[0]}, b); err != nil {
				return err
			}
			var evs eventsv1.EventList
			_ = c.List(cmd.Context(), &evs, client.InNamespace(b.Namespace))
			describeBinding(streams.Out, b, eventsFor(evs.Items, b.UID), time.Now())
			return nil
		},
	}
	cp.AddFlags(cmd.Flags())
	return cmd
}

func describeBinding(w io.Writer, b *workv1alpha2.ResourceBinding, events []eventsv1.Event, now time.Time) {
	r := b.Spec.Resource
	fmt.Fprintf(w, "Name:         %s\nNamespace:    %s\nResource:     %s %s %s\n", b.Name, b.Namespace, r.APIVersion, r.Kind, strings.TrimPrefix(r.Namespace+"/"+r.Name, "/"))
	if b.Spec.Replicas > 0 {
		fmt.Fprintf(w, "Replicas:     %d\n", b.Spec.Replicas)
	}
	if id := b.Labels[policyv1alpha1.PropagationPolicyPermanentIDLabel]; id != "" {
		fmt.Fprintf(w, "Policy:       PropagationPolicy (permanent id %s)\n", id)
	} else if id := b.Labels[policyv1alpha1.ClusterPropagationPolicyPermanentIDLabel]; id != "" {
		fmt.Fprintf(w, "Policy:       ClusterPropagationPolicy (permanent id %s)\n", id)
	}
	if term := affinityTerm(b); term != "" {
		fmt.Fprintf(w, "Affinity term: %s\n", term)
	}
	fmt.Fprintln(w, "Conditions:")
	for _, c := range b.Status.Conditions {
		fmt.Fprintf(w, "  %-13s %-6s %-18s %s\n", c.Type, c.Status, c.Reason, c.Message)
	}
	fmt.Fprintln(w, "Clusters:")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  CLUSTER\tREPLICAS\tAPPLIED\tHEALTH\tMESSAGE")
	statuses := map[string]workv1alpha2.AggregatedStatusItem{}
	for _, s := range b.Status.AggregatedStatus {
		statuses[s.ClusterName] = s
	}
	for _, t := range b.Spec.Clusters {
		s := statuses[t.Name]
		fmt.Fprintf(tw, "  %s\t%d\t%t\t%s\t%s\n", t.Name, t.Replicas, s.Applied, dash(string(s.Health)), dash(s.AppliedMessage))
	}
	_ = tw.Flush()
	printEvictions(w, b.Spec.GracefulEvictionTasks, now)
	if e := b.Status.SchedulingExplanation; e != nil {
		fmt.Fprintf(w, "Scheduling:\n  Strategy:   %s\n", dash(e.Strategy))
		if e.Division != "" {
			fmt.Fprintf(w, "  Division:   %s\n", e.Division)
		}
		for _, t := range e.Terms {
			fmt.Fprintf(w, "  Skipped:    %s\n", t)
		}
		if e.KarmadaDifference != "" {
			fmt.Fprintf(w, "  Karmada:    %s\n", e.KarmadaDifference)
		}
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "  CANDIDATE\tFEASIBLE\tSCORE\tAVAILABLE\tASSIGNED\tREASON")
		for _, c := range e.Candidates {
			fmt.Fprintf(tw, "  %s\t%t\t%d\t%d\t%d\t%s\n", c.Name, c.Feasible, c.Score, c.AvailableReplicas, c.AssignedReplicas, dash(strings.Join(c.Reasons, "; ")))
		}
		_ = tw.Flush()
	}
	printObjective(w, b, now)
	printEvents(w, events, now)
}

// printEvictions lists the graceful evictions in progress, if any.
func printEvictions(w io.Writer, tasks []workv1alpha2.GracefulEvictionTask, now time.Time) {
	if len(tasks) == 0 {
		return
	}
	fmt.Fprintln(w, "Evictions:")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  FROM\tREPLICAS\tREASON\tPURGE\tPRODUCER\tAGE\tMESSAGE")
	for _, t := range tasks {
		replicas := "-"
		if t.Replicas != nil {
			replicas = fmt.Sprint(*t.Replicas)
		}
		created := "-"
		if t.CreationTimestamp != nil {
			created = age(*t.CreationTimestamp, now)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.FromCluster, replicas, t.Reason, dash(string(t.PurgeMode)), t.Producer, created, dash(t.Message))
	}
	_ = tw.Flush()
}

func newDescribePolicyCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cp := newControlPlaneFlags()
	var cluster bool
	cmd := &cobra.Command{
		Use:     "propagationpolicy NAME",
		Aliases: []string{"pp", "clusterpropagationpolicy", "cpp"},
		Short:   "Show the templates a policy propagates and where each went",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.CalledAs() == "clusterpropagationpolicy" || cmd.CalledAs() == "cpp" {
				cluster = true
			}
			c, err := cp.client()
			if err != nil {
				return err
			}
			var uid types.UID
			var spec *policyv1alpha1.PropagationSpec
			label := policyv1alpha1.PropagationPolicyPermanentIDLabel
			if cluster {
				p := &policyv1alpha1.ClusterPropagationPolicy{}
				if err := c.Get(cmd.Context(), client.ObjectKey{Name: args[0]}, p); err != nil {
					return err
				}
				uid, spec, label = p.UID, &p.Spec, policyv1alpha1.ClusterPropagationPolicyPermanentIDLabel
			} else {
				p := &policyv1alpha1.PropagationPolicy{}
				if err := c.Get(cmd.Context(), client.ObjectKey{Namespace: cp.namespace("default"), Name: args[0]}, p); err != nil {
					return err
				}
				uid, spec = p.UID, &p.Spec
			}
			var rbs workv1alpha2.ResourceBindingList
			if err := c.List(cmd.Context(), &rbs, client.MatchingLabels{label: string(uid)}); err != nil {
				return err
			}
			describePolicy(streams.Out, args[0], spec, rbs.Items)
			return nil
		},
	}
	cp.AddFlags(cmd.Flags())
	return cmd
}

func describePolicy(w io.Writer, name string, spec *policyv1alpha1.PropagationSpec, bindings []workv1alpha2.ResourceBinding) {
	fmt.Fprintf(w, "Name:       %s\n", name)
	priority := int32(0)
	if spec.Priority != nil {
		priority = *spec.Priority
	}
	fmt.Fprintf(w, "Priority:   %d\nSelectors:\n", priority)
	for _, s := range spec.ResourceSelectors {
		sel := s.APIVersion + " " + s.Kind
		switch {
		case s.Name != "":
			sel += " name=" + s.Name
		case s.LabelSelector != nil:
			sel += " labels=" + metav1.FormatLabelSelector(s.LabelSelector)
		}
		fmt.Fprintf(w, "  %s\n", sel)
	}
	fmt.Fprintf(w, "Scheduling: %s\n", spec.Placement.ReplicaSchedulingType())
	sort.Slice(bindings, func(i, j int) bool { return bindings[i].Name < bindings[j].Name })
	fmt.Fprintf(w, "Matched templates (%d):\n", len(bindings))
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  TEMPLATE\tSCHEDULED\tCLUSTERS\tREJECTED")
	for _, b := range bindings {
		var rejected []string
		if e := b.Status.SchedulingExplanation; e != nil {
			for _, c := range e.Candidates {
				if !c.Feasible {
					rejected = append(rejected, c.Name+" ("+strings.Join(c.Reasons, "; ")+")")
				}
			}
		}
		fmt.Fprintf(tw, "  %s/%s\t%s\t%s\t%s\n", b.Spec.Resource.Kind, b.Spec.Resource.Name, condStatus(b.Status, workv1alpha2.ConditionScheduled), targets(b.Spec), dash(strings.Join(rejected, ", ")))
	}
	_ = tw.Flush()
}

func eventsFor(items []eventsv1.Event, uid types.UID) []eventsv1.Event {
	var out []eventsv1.Event
	for _, e := range items {
		if e.Regarding.UID == uid {
			out = append(out, e)
		}
	}
	return eventlist.Recent(out)
}

func printEvents(w io.Writer, events []eventsv1.Event, now time.Time) {
	if len(events) == 0 {
		fmt.Fprintln(w, "Events:       <none>")
		return
	}
	fmt.Fprintln(w, "Events:")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  TYPE\tREASON\tAGE\tFROM\tMESSAGE")
	for _, e := range events {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", e.Type, e.Reason, age(metav1.NewTime(eventlist.Time(e)), now), e.ReportingController, e.Note)
	}
	_ = tw.Flush()
}

// affinityTerm names the clusterAffinities term the binding runs on and,
// when it is not the first, whether and how it returns to an earlier one.
func affinityTerm(b *workv1alpha2.ResourceBinding) string {
	name := b.Status.SchedulerObservedAffinityName
	if name == "" || b.Spec.Placement == nil || len(b.Spec.Placement.ClusterAffinities) == 0 || b.Spec.Placement.ClusterAffinities[0].AffinityName == name {
		return name
	}
	if _, failingBack := b.Annotations[workv1alpha2.FailbackFromAnnotation]; failingBack {
		return name + " (failing back; the clusters giving replicas back keep them until it is healthy)"
	}
	if after, ok := b.Annotations[policyv1alpha1.FailbackAnnotation]; ok {
		return name + " (returns to the earliest term that fits once its clusters have been Ready for " + after + ")"
	}
	return name + " (stays, as in Karmada; 'kurator rebalance' or the policy annotation " + policyv1alpha1.FailbackAnnotation + " returns it to an earlier term)"
}
