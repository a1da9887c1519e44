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
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	trafficspec "kurator.dev/kurator/internal/traffic"
)

func newTrafficCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "traffic", Short: "Show how TrafficPolicies split hosts' traffic across clusters, and why"}
	cmd.AddCommand(newTrafficGetCommand(streams), newTrafficDescribeCommand(streams))
	return cmd
}

func newTrafficGetCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var output string
	var all bool
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:   "get [NAME...]",
		Short: "List TrafficPolicies with the weights in force per cluster",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			c, err := cp.client()
			if err != nil {
				return err
			}
			var list networkingv1alpha1.TrafficPolicyList
			var opts []client.ListOption
			if !all {
				opts = append(opts, client.InNamespace(cp.namespace("default")))
			}
			if err := c.List(cmd.Context(), &list, opts...); err != nil {
				return fmt.Errorf("list traffic policies: %w", err)
			}
			name := func(tp networkingv1alpha1.TrafficPolicy) string { return tp.Name }
			list.Items = filterByName(list.Items, args, name)
			if missing := missingNames(args, list.Items, name); len(missing) > 0 {
				return fmt.Errorf("traffic policies not found: %s", strings.Join(missing, ", "))
			}
			list.APIVersion, list.Kind = networkingv1alpha1.SchemeGroupVersion.String(), "TrafficPolicyList"
			return printObjects(streams.Out, output, &list, func(w io.Writer, wide bool) {
				printTrafficTable(w, list.Items, wide, time.Now())
			})
		},
	}
	cp.AddFlags(cmd.Flags())
	cmd.Flags().BoolVarP(&all, "all-namespaces", "A", false, "list policies of every namespace")
	addOutputFlag(cmd, &output)
	return cmd
}

func printTrafficTable(w io.Writer, items []networkingv1alpha1.TrafficPolicy, wide bool, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
	header := "NAMESPACE\tNAME\tHOST\tREADY\tMETRICS\tWEIGHTS\tCHANGED\tAGE"
	if wide {
		header += "\tHEALTH"
	}
	fmt.Fprintln(tw, header)
	for _, tp := range items {
		changed := "<never>"
		if tp.Status.LastChangeTime != nil {
			changed = age(*tp.Status.LastChangeTime, now)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", tp.Namespace, tp.Name, tp.Spec.Host,
			trafficCondition(tp, networkingv1alpha1.ConditionReady), trafficCondition(tp, networkingv1alpha1.ConditionMetricsAvailable),
			routeSummary(tp.Status.Clusters, func(c networkingv1alpha1.ClusterTraffic) int32 { return c.RouteWeight }),
			changed, age(tp.CreationTimestamp, now))
		if wide {
			fmt.Fprintf(tw, "\t%s", routeSummary(tp.Status.Clusters, func(c networkingv1alpha1.ClusterTraffic) int32 { return c.Health }))
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
}

func trafficCondition(tp networkingv1alpha1.TrafficPolicy, t string) string {
	if c := apimeta.FindStatusCondition(tp.Status.Conditions, t); c != nil {
		return string(c.Status)
	}
	return "Unknown"
}

// routeSummary writes "subset/cluster=value" pairs (cluster alone without subsets).
func routeSummary(clusters []networkingv1alpha1.ClusterTraffic, value func(networkingv1alpha1.ClusterTraffic) int32) string {
	if len(clusters) == 0 {
		return "<none>"
	}
	parts := make([]string, 0, len(clusters))
	for _, c := range clusters {
		name := c.Name
		if c.Subset != "" {
			name = c.Subset + "/" + c.Name
		}
		parts = append(parts, fmt.Sprintf("%s=%d", name, value(c)))
	}
	return strings.Join(parts, ",")
}

func newTrafficDescribeCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:   "describe NAME",
		Short: "Explain a TrafficPolicy: each cluster's weight, health, SLIs and the reasons, the guards and the conditions",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cp.client()
			if err != nil {
				return err
			}
			tp := &networkingv1alpha1.TrafficPolicy{}
			if err := c.Get(cmd.Context(), client.ObjectKey{Namespace: cp.namespace("default"), Name: args[0]}, tp); err != nil {
				return err
			}
			var evs eventsv1.EventList
			_ = c.List(cmd.Context(), &evs, client.InNamespace(tp.Namespace))
			describeTraffic(streams.Out, tp, eventsFor(evs.Items, tp.UID), time.Now())
			return nil
		},
	}
	cp.AddFlags(cmd.Flags())
	return cmd
}

func describeTraffic(w io.Writer, tp *networkingv1alpha1.TrafficPolicy, events []eventsv1.Event, now time.Time) {
	fmt.Fprintf(w, "Name:         %s\nNamespace:    %s\nHost:         %s\n", tp.Name, tp.Namespace, tp.Spec.Host)
	if ref := tp.Spec.WorkloadRef; ref != nil {
		fmt.Fprintf(w, "Workload:     %s %s/%s\n", ref.APIVersion, ref.Kind, ref.Name)
	}
	for _, s := range tp.Spec.Subsets {
		fmt.Fprintf(w, "Subset:       %s (%d%%) %s/%s, pods %s\n", s.Name, s.Weight, s.WorkloadRef.Kind, s.WorkloadRef.Name, labelsString(s.Labels))
	}
	base := "replica split"
	if len(tp.Spec.ClusterWeights) > 0 {
		parts := make([]string, 0, len(tp.Spec.ClusterWeights))
		for _, cw := range tp.Spec.ClusterWeights {
			parts = append(parts, fmt.Sprintf("%s=%d", cw.Cluster, cw.Weight))
		}
		base = "explicit " + strings.Join(parts, ",")
	}
	fmt.Fprintf(w, "Base weights: %s\n", base)
	fmt.Fprintf(w, "Objectives:   %s\n", objectivesString(tp.Spec.SLO))
	fmt.Fprintf(w, "Guards:       %s\n", guardsString(tp.Spec.Guards))
	if t := tp.Status.LastChangeTime; t != nil {
		fmt.Fprintf(w, "Last change:  %s ago\n", age(*t, now))
	}
	if t := tp.Status.LastEvaluationTime; t != nil {
		fmt.Fprintf(w, "Last measured: %s ago\n", age(*t, now))
	}
	fmt.Fprintln(w, "Clusters:")
	if len(tp.Status.Clusters) == 0 {
		fmt.Fprintln(w, "  <none decided yet>")
	} else {
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "  CLUSTER\tROUTE\tWEIGHT\tTARGET\tBASE\tHEALTH\tSUCCESS\tP99\tBREACHES\tREASONS")
		for _, c := range tp.Status.Clusters {
			name := c.Name
			if c.Subset != "" {
				name = c.Subset + "/" + c.Name
			}
			if c.Recovering {
				name += " (recovering)"
			}
			reasons := strings.Join(c.Reasons, "; ")
			if reasons == "" {
				reasons = "-"
			}
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t%d\t%d%%\t%s\t%s\t%d\t%s\n", name, c.RouteWeight, c.Weight, c.Target, c.BaseWeight, c.Health,
				orDash(c.SuccessRate, "%"), orDash(c.LatencyP99, ""), c.Breaches, reasons)
		}
		_ = tw.Flush()
	}
	fmt.Fprintln(w, "Conditions:")
	conds := append([]metav1.Condition(nil), tp.Status.Conditions...)
	sort.SliceStable(conds, func(i, j int) bool { return conds[i].Type < conds[j].Type })
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  TYPE\tSTATUS\tREASON\tMESSAGE")
	for _, c := range conds {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Type, c.Status, c.Reason, c.Message)
	}
	_ = tw.Flush()
	printEvents(w, events, now)
}

func orDash(s, suffix string) string {
	if s == "" {
		return "-"
	}
	return s + suffix
}

func labelsString(l map[string]string) string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+l[k])
	}
	return strings.Join(parts, ",")
}

func objectivesString(slo *networkingv1alpha1.TrafficSLO) string {
	o, err := trafficspec.ParseObjectives(slo)
	if err != nil {
		return "invalid: " + err.Error()
	}
	if !o.Set {
		return "none: weights follow readiness and available replicas"
	}
	var parts []string
	if o.MinSuccessRate > 0 {
		parts = append(parts, "success rate >= "+slo.MinSuccessRate+"%")
	}
	if o.MaxLatencyP99 > 0 {
		parts = append(parts, "P99 <= "+o.MaxLatencyP99.String())
	}
	return fmt.Sprintf("%s, measured every %s over %s, drained after %d missed intervals", strings.Join(parts, ", "), o.Interval, o.Window(), o.BreachWindows)
}

func guardsString(spec *networkingv1alpha1.WeightGuards) string {
	g := trafficspec.GuardsOf(spec)
	return fmt.Sprintf("floor %d, hysteresis %d points, cooldown %s, max step %d points, recovery in %d steps", g.MinWeight, g.Hysteresis, g.Cooldown, g.MaxStep, g.RecoverySteps)
}
