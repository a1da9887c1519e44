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
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

// Output formats of get commands.
const (
	outputTable = ""
	outputWide  = "wide"
	outputJSON  = "json"
	outputYAML  = "yaml"
)

func newGetCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "get", Short: "List fleet objects"}
	cmd.AddCommand(newGetClustersCommand(streams), newGetFleetsCommand(streams), newGetBindingsCommand(streams), newGetWorkloadCommand(streams))
	return cmd
}

func addOutputFlag(cmd *cobra.Command, output *string) {
	cmd.Flags().StringVarP(output, "output", "o", "", "output format: table (default), wide, json or yaml")
}

func checkOutput(output string) error {
	switch output {
	case outputTable, "table", outputWide, outputJSON, outputYAML:
		return nil
	}
	return UsageError{fmt.Errorf("unknown output format %q: use table, wide, json or yaml", output)}
}

func newGetClustersCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var output string
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:     "clusters [NAME...]",
		Aliases: []string{"cluster"},
		Short:   "List member clusters with health, topology and capacity (-o wide adds prices, carbon intensity and their age)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			c, err := cp.client()
			if err != nil {
				return err
			}
			var list karmadaclusterv1alpha1.ClusterList
			if err := c.List(cmd.Context(), &list); err != nil {
				return fmt.Errorf("list clusters: %w", err)
			}
			list.Items = filterByName(list.Items, args, func(c karmadaclusterv1alpha1.Cluster) string { return c.Name })
			if missing := missingNames(args, list.Items, func(c karmadaclusterv1alpha1.Cluster) string { return c.Name }); len(missing) > 0 {
				return fmt.Errorf("clusters not found: %s", strings.Join(missing, ", "))
			}
			list.APIVersion, list.Kind = karmadaclusterv1alpha1.SchemeGroupVersion.String(), "ClusterList"
			return printObjects(streams.Out, output, &list, func(w io.Writer, wide bool) {
				printClusterTable(w, list.Items, wide, time.Now())
			})
		},
	}
	cp.AddFlags(cmd.Flags())
	addOutputFlag(cmd, &output)
	return cmd
}

func printClusterTable(w io.Writer, clusters []karmadaclusterv1alpha1.Cluster, wide bool, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
	header := "NAME\tREADY\tREGION\tZONE\tPROVIDER\tVERSION\tNODES\tCPU\tMEMORY\tAGE"
	if wide {
		header += "\tPODS\tMODE\tTAINTS\tENDPOINT\t$/VCPU-H\t$/GIB-H\tGCO2/KWH\tPROPS-AGE"
	}
	fmt.Fprintln(tw, header)
	for _, c := range clusters {
		ready := "Unknown"
		if cond := apimeta.FindStatusCondition(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady); cond != nil {
			ready = string(cond.Status)
		}
		nodes := "-"
		if ns := c.Status.NodeSummary; ns != nil {
			nodes = fmt.Sprintf("%d/%d", ns.ReadyNum, ns.TotalNum)
		}
		row := []string{c.Name, ready, dash(c.Spec.Region), dash(strings.Join(c.Spec.EffectiveZones(), ",")), dash(c.Spec.Provider),
			dash(c.Status.KubernetesVersion), nodes, usage(c.Status.ResourceSummary, corev1.ResourceCPU), usage(c.Status.ResourceSummary, corev1.ResourceMemory),
			age(c.CreationTimestamp, now)}
		if wide {
			taints := make([]string, 0, len(c.Spec.Taints))
			for _, t := range c.Spec.Taints {
				taints = append(taints, t.Key+":"+string(t.Effect))
			}
			row = append(row, usage(c.Status.ResourceSummary, corev1.ResourcePods), dash(string(c.Spec.SyncMode)), dash(strings.Join(taints, ",")), dash(c.Spec.APIEndpoint))
			row = append(row, propertyColumns(&c, now)...)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	_ = tw.Flush()
}

// usage renders "allocated/allocatable" of one resource, human-sized.
func usage(rs *karmadaclusterv1alpha1.ResourceSummary, name corev1.ResourceName) string {
	if rs == nil {
		return "-"
	}
	alloc, total := rs.Allocated[name], rs.Allocatable[name]
	return humanQuantity(name, alloc) + "/" + humanQuantity(name, total)
}

func humanQuantity(name corev1.ResourceName, q resource.Quantity) string {
	switch name {
	case corev1.ResourceCPU:
		if q.MilliValue()%1000 == 0 {
			return fmt.Sprint(q.MilliValue() / 1000)
		}
		return fmt.Sprintf("%dm", q.MilliValue())
	case corev1.ResourceMemory:
		const gi = 1 << 30
		if v := q.Value(); v%gi == 0 || v >= 10*gi {
			return fmt.Sprintf("%dGi", (v+gi/2)/gi)
		}
		return fmt.Sprintf("%dMi", q.Value()>>20)
	default:
		return q.String()
	}
}

func newGetFleetsCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var output string
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:     "fleets [NAME...]",
		Aliases: []string{"fleet"},
		Short:   "List fleets and how many of their clusters are ready (all namespaces unless -n is given)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			c, err := cp.client()
			if err != nil {
				return err
			}
			var list fleetv1alpha1.FleetList
			var opts []client.ListOption
			if ns := cp.namespace(""); ns != "" {
				opts = append(opts, client.InNamespace(ns))
			}
			if err := c.List(cmd.Context(), &list, opts...); err != nil {
				return fmt.Errorf("list fleets: %w", err)
			}
			list.Items = filterByName(list.Items, args, func(f fleetv1alpha1.Fleet) string { return f.Name })
			if missing := missingNames(args, list.Items, func(f fleetv1alpha1.Fleet) string { return f.Name }); len(missing) > 0 {
				return fmt.Errorf("fleets not found: %s", strings.Join(missing, ", "))
			}
			list.APIVersion, list.Kind = fleetv1alpha1.SchemeGroupVersion.String(), "FleetList"
			return printObjects(streams.Out, output, &list, func(w io.Writer, wide bool) {
				tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
				header := "NAMESPACE\tNAME\tREADY\tCLUSTERS\tAGE"
				if wide {
					header += "\tPHASE\tMEMBERS"
				}
				fmt.Fprintln(tw, header)
				for _, f := range list.Items {
					ready := "Unknown"
					if cond := apimeta.FindStatusCondition(f.Status.Conditions, fleetv1alpha1.ConditionReady); cond != nil {
						ready = string(cond.Status)
					}
					row := []string{f.Namespace, f.Name, ready, fmt.Sprintf("%d/%d", f.Status.ReadyClusters, len(f.Spec.Clusters)), age(f.CreationTimestamp, time.Now())}
					if wide {
						names := make([]string, 0, len(f.Spec.Clusters))
						for _, fc := range f.Spec.Clusters {
							names = append(names, fc.Name)
						}
						row = append(row, dash(string(f.Status.Phase)), strings.Join(names, ","))
					}
					fmt.Fprintln(tw, strings.Join(row, "\t"))
				}
				_ = tw.Flush()
			})
		},
	}
	cp.AddFlags(cmd.Flags())
	addOutputFlag(cmd, &output)
	return cmd
}

// printObjects prints obj as JSON or YAML, or calls table for the table views.
func printObjects(w io.Writer, output string, obj any, table func(io.Writer, bool)) error {
	switch output {
	case outputJSON:
		data, err := json.MarshalIndent(obj, "", "    ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, string(data))
		return err
	case outputYAML:
		data, err := yaml.Marshal(obj)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	default:
		table(w, output == outputWide)
		return nil
	}
}

func filterByName[T any](items []T, names []string, name func(T) string) []T {
	if len(names) == 0 {
		sort.SliceStable(items, func(i, j int) bool { return name(items[i]) < name(items[j]) })
		return items
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []T
	for _, it := range items {
		if want[name(it)] {
			out = append(out, it)
		}
	}
	return out
}

func missingNames[T any](names []string, items []T, name func(T) string) []string {
	found := map[string]bool{}
	for _, it := range items {
		found[name(it)] = true
	}
	var missing []string
	for _, n := range names {
		if !found[n] {
			missing = append(missing, n)
		}
	}
	return missing
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func age(t metav1.Time, now time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return duration.HumanDuration(now.Sub(t.Time))
}
