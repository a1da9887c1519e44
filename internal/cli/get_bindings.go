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
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

func newGetBindingsCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var output string
	var all bool
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:     "resourcebindings [NAME...]",
		Aliases: []string{"resourcebinding", "rb"},
		Short:   "List resource bindings: each propagated template with its scheduling decision",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			c, err := cp.client()
			if err != nil {
				return err
			}
			list, err := listBindings(cmd, c, cp.namespace("default"), all)
			if err != nil {
				return err
			}
			list.Items = filterByName(list.Items, args, func(b workv1alpha2.ResourceBinding) string { return b.Name })
			if missing := missingNames(args, list.Items, func(b workv1alpha2.ResourceBinding) string { return b.Name }); len(missing) > 0 {
				return fmt.Errorf("resource bindings not found: %s", strings.Join(missing, ", "))
			}
			list.APIVersion, list.Kind = workv1alpha2.SchemeGroupVersion.String(), "ResourceBindingList"
			return printObjects(streams.Out, output, list, func(w io.Writer, wide bool) {
				tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
				fmt.Fprintln(tw, "NAMESPACE\tNAME\tRESOURCE\tSCHEDULED\tFULLYAPPLIED\tCLUSTERS\tAGE")
				for _, b := range list.Items {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", b.Namespace, b.Name, b.Spec.Resource.Kind+"/"+b.Spec.Resource.Name,
						condStatus(b.Status, workv1alpha2.ConditionScheduled), condStatus(b.Status, workv1alpha2.ConditionFullyApplied),
						targets(b.Spec), age(b.CreationTimestamp, time.Now()))
				}
				_ = tw.Flush()
			})
		},
	}
	cp.AddFlags(cmd.Flags())
	cmd.Flags().BoolVarP(&all, "all-namespaces", "A", false, "list bindings of every namespace")
	addOutputFlag(cmd, &output)
	return cmd
}

func listBindings(cmd *cobra.Command, c client.Client, ns string, all bool) (*workv1alpha2.ResourceBindingList, error) {
	var list workv1alpha2.ResourceBindingList
	var opts []client.ListOption
	if !all {
		opts = append(opts, client.InNamespace(ns))
	}
	if err := c.List(cmd.Context(), &list, opts...); err != nil {
		return nil, fmt.Errorf("list resource bindings: %w", err)
	}
	return &list, nil
}

func condStatus(s workv1alpha2.ResourceBindingStatus, t string) string {
	if c := apimeta.FindStatusCondition(s.Conditions, t); c != nil {
		return string(c.Status)
	}
	return "-"
}

func targets(spec workv1alpha2.ResourceBindingSpec) string {
	parts := make([]string, 0, len(spec.Clusters))
	for _, c := range spec.Clusters {
		if spec.Replicas > 0 {
			parts = append(parts, fmt.Sprintf("%s:%d", c.Name, c.Replicas))
		} else {
			parts = append(parts, c.Name)
		}
	}
	return dash(strings.Join(parts, ","))
}

// workloadRow is one (workload, cluster) line of 'get workload'.
type workloadRow struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Cluster   string `json:"cluster"`
	Desired   int32  `json:"desired"`
	Ready     int64  `json:"ready"`
	Status    string `json:"status"`
}

func workloadRows(bindings []workv1alpha2.ResourceBinding, names []string) []workloadRow {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var rows []workloadRow
	for _, b := range filterByName(bindings, nil, func(b workv1alpha2.ResourceBinding) string { return b.Name }) {
		if len(want) > 0 && !want[b.Spec.Resource.Name] {
			continue
		}
		statuses := map[string]workv1alpha2.AggregatedStatusItem{}
		for _, s := range b.Status.AggregatedStatus {
			statuses[s.ClusterName] = s
		}
		for _, t := range b.Spec.Clusters {
			r := workloadRow{Namespace: b.Spec.Resource.Namespace, Name: b.Spec.Resource.Name, Kind: b.Spec.Resource.Kind, Cluster: t.Name, Desired: t.Replicas, Status: "Pending"}
			if b.Spec.Replicas == 0 {
				r.Desired = 1
			}
			if s, ok := statuses[t.Name]; ok {
				r.Ready = readyOf(s, b.Spec.Replicas == 0)
				switch {
				case !s.Applied && s.AppliedMessage != "":
					r.Status = "NotApplied"
				case s.Health == workv1alpha2.ResourceHealthy:
					r.Status = "Healthy"
				case s.Health == workv1alpha2.ResourceUnhealthy:
					r.Status = "Progressing"
				case s.Applied:
					r.Status = "Applied"
				}
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// readyOf reads ready replicas from a member's status (readyReplicas, else
// succeeded for Jobs); a kind without replicas counts 1 once healthy.
func readyOf(s workv1alpha2.AggregatedStatusItem, replicaless bool) int64 {
	if replicaless {
		if s.Health == workv1alpha2.ResourceHealthy {
			return 1
		}
		return 0
	}
	if s.Status == nil {
		return 0
	}
	var st map[string]any
	if err := json.Unmarshal(s.Status.Raw, &st); err != nil {
		return 0
	}
	for _, f := range []string{"readyReplicas", "succeeded"} {
		if v, ok := st[f].(float64); ok {
			return int64(v)
		}
	}
	return 0
}
