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
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/overrideusage"
)

// workloadOptions are the flags of 'get workload'.
type workloadOptions struct {
	output      string
	all         bool
	allClusters bool
	cluster     string
	kind        string
	namespace   string
}

// manifestMode reports whether the command prints one workload's rendered
// manifest rather than the table (or its rows as JSON/YAML).
func (o workloadOptions) manifestMode() bool {
	return o.cluster != "" && (o.output == outputJSON || o.output == outputYAML)
}

func (o workloadOptions) validate(args []string) error {
	switch {
	case o.allClusters && o.cluster != "":
		return UsageError{fmt.Errorf("--all-clusters and --cluster exclude each other")}
	case !o.allClusters && o.cluster == "":
		return UsageError{fmt.Errorf("--all-clusters or --cluster CLUSTER is required: the view is one row per workload and cluster")}
	}
	if o.output != "" && o.output != outputJSON && o.output != outputYAML && o.output != "table" {
		return UsageError{fmt.Errorf("unknown output format %q: use table, json or yaml", o.output)}
	}
	if o.manifestMode() && len(args) != 1 {
		return UsageError{fmt.Errorf("--cluster with -o %s prints the manifest of one workload: give exactly one NAME, got %d", o.output, len(args))}
	}
	return nil
}

func newGetWorkloadCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var o workloadOptions
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:     "workload [NAME] (--all-clusters | --cluster CLUSTER)",
		Aliases: []string{"workloads"},
		Short:   "Show propagated workloads per member cluster, or the manifest one cluster receives",
		Long: `Show propagated workloads (templates with a ResourceBinding) per member cluster.

With --all-clusters: one row per workload and cluster, with desired and ready
replicas and health. With --cluster CLUSTER the rows are those of that cluster.

With --cluster CLUSTER -o yaml|json and a NAME, print the manifest exactly as it
was rendered for that cluster (read from its Work in karmada-es-CLUSTER): its share
of replicas, and every override applied, listed in the annotation
kurator.dev/applied-overrides. If the overrides failed for that cluster, the error
is printed and the command exits 1 (the cluster keeps its previous copy). --kind
chooses between workloads of the same name (Deployment, Service, ...).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.namespace = cp.namespace("default")
			if err := o.validate(args); err != nil {
				return err
			}
			c, err := cp.client()
			if err != nil {
				return err
			}
			return runGetWorkload(cmd.Context(), c, streams.Out, o, args)
		},
	}
	// --cluster names a member cluster here, not a kubeconfig cluster.
	cp.ClusterName = nil
	cp.AddFlags(cmd.Flags())
	cmd.Flags().BoolVarP(&o.all, "all-namespaces", "A", false, "show workloads of every namespace")
	cmd.Flags().BoolVar(&o.allClusters, "all-clusters", false, "one row per member cluster the workload runs in")
	cmd.Flags().StringVar(&o.cluster, "cluster", "", "only this member cluster; with -o yaml|json, print the manifest rendered for it")
	cmd.Flags().StringVar(&o.kind, "kind", "", "only workloads of this kind (case-insensitive), such as Deployment")
	addOutputFlag(cmd, &o.output)
	return cmd
}

func runGetWorkload(ctx context.Context, c client.Client, out io.Writer, o workloadOptions, args []string) error {
	var list workv1alpha2.ResourceBindingList
	var opts []client.ListOption
	if !o.all {
		opts = append(opts, client.InNamespace(o.namespace))
	}
	if err := c.List(ctx, &list, opts...); err != nil {
		return fmt.Errorf("list resource bindings: %w", err)
	}
	if o.manifestMode() {
		m, err := renderedManifest(ctx, c, list.Items, args[0], o.kind, o.cluster)
		if err != nil {
			return err
		}
		return printObjects(out, o.output, m, nil)
	}
	rows := filterRows(workloadRows(list.Items, args), o.cluster, o.kind)
	if len(args) > 0 && len(rows) == 0 {
		where := ""
		if o.cluster != "" {
			where = " in cluster " + o.cluster
		}
		return fmt.Errorf("no propagated workload named %s%s", strings.Join(args, ", "), where)
	}
	return printObjects(out, o.output, rows, func(w io.Writer, _ bool) {
		tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
		fmt.Fprintln(tw, "NAMESPACE\tNAME\tKIND\tCLUSTER\tDESIRED\tREADY\tSTATUS")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", r.Namespace, r.Name, r.Kind, r.Cluster, r.Desired, r.Ready, r.Status)
		}
		_ = tw.Flush()
	})
}

// filterRows keeps the rows of cluster and kind; empty means any.
func filterRows(rows []workloadRow, cluster, kind string) []workloadRow {
	out := make([]workloadRow, 0, len(rows))
	for _, r := range rows {
		if (cluster == "" || r.Cluster == cluster) && (kind == "" || strings.EqualFold(r.Kind, kind)) {
			out = append(out, r)
		}
	}
	return out
}

// renderedManifest returns the manifest the binding controller rendered for
// cluster from the template named name (of kind, if set): the one in the
// binding's Work in the cluster's execution namespace.
func renderedManifest(ctx context.Context, c client.Client, bindings []workv1alpha2.ResourceBinding, name, kind, cluster string) (*unstructured.Unstructured, error) {
	var found []*workv1alpha2.ResourceBinding
	for i := range bindings {
		r := bindings[i].Spec.Resource
		if r.Name == name && (kind == "" || strings.EqualFold(r.Kind, kind)) {
			found = append(found, &bindings[i])
		}
	}
	switch len(found) {
	case 0:
		if kind != "" {
			return nil, fmt.Errorf("no propagated %s named %s", kind, name)
		}
		return nil, fmt.Errorf("no propagated workload named %s", name)
	case 1:
	default:
		names := make([]string, len(found))
		for i, b := range found {
			names[i] = resourceName(b.Spec.Resource)
		}
		return nil, UsageError{fmt.Errorf("%d propagated workloads are named %s (%s): choose one with --kind or -n", len(found), name, strings.Join(names, ", "))}
	}
	b := found[0]
	what := resourceName(b.Spec.Resource)
	placed := make([]string, 0, len(b.Spec.Clusters))
	for _, t := range b.Spec.Clusters {
		placed = append(placed, t.Name)
	}
	if !contains(placed, cluster) {
		return nil, fmt.Errorf("%s is not placed on cluster %s (its clusters: %s)", what, cluster, dash(strings.Join(placed, ", ")))
	}
	if msg := overrideusage.RenderFailure(b, cluster); msg != "" {
		return nil, fmt.Errorf("%s cannot be rendered for cluster %s: %s", what, cluster, msg)
	}
	w := &workv1alpha1.Work{}
	key := client.ObjectKey{Namespace: workv1alpha1.ExecutionNamespace(cluster), Name: workv1alpha2.WorkName(b)}
	if err := c.Get(ctx, key, w); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("%s has no Work in cluster %s yet (%s/%s): the binding controller has not rendered it", what, cluster, key.Namespace, key.Name)
		}
		return nil, fmt.Errorf("get Work %s/%s: %w", key.Namespace, key.Name, err)
	}
	if len(w.Spec.Workload.Manifests) == 0 {
		return nil, fmt.Errorf("the Work %s/%s of %s holds no manifest", key.Namespace, key.Name, what)
	}
	m := &unstructured.Unstructured{}
	if err := m.UnmarshalJSON(w.Spec.Workload.Manifests[0].Raw); err != nil {
		return nil, fmt.Errorf("the Work %s/%s: %w", key.Namespace, key.Name, err)
	}
	return m, nil
}

func resourceName(r workv1alpha2.ObjectReference) string {
	return r.Kind + " " + strings.TrimPrefix(r.Namespace+"/"+r.Name, "/")
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
