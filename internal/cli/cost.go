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
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/cost"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/intelligent/agnostic"
	"kurator.dev/kurator/internal/scheduler"
)

// carbonMethod states how emissions are counted, with the model's numbers.
var carbonMethod = fmt.Sprintf("location-based: requests × Cloud Carbon Footprint coefficients (%g W/vCPU, %g W/GiB, PUE %g) × the cluster's grid intensity",
	cost.WattsPerVCPU, cost.WattsPerGiB, cost.PUE)

// agnosticMethod states what the carbon-agnostic counterfactual is.
const agnosticMethod = "the placement the scheduler gives each governed workload's replicas with its policy alone (no objectives), " +
	"as the scheduling controller recorded it at its last decision, else decided now on the Clusters' resource summaries"

func newCostCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var output string
	var all bool
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:   "cost",
		Short: "Report what workloads cost and emit per day, against the IntelligentSchedulers' budgets",
		Long: `Report, from the live control plane, what the propagated workloads cost and emit
per day at their current placement (each binding's spec.clusters) and each cluster's
current prices and grid intensity: per workload, per cluster and in total, in USD/day
and gCO2eq/day. Requests stand in for use: a placement reserves them.

Prices and intensities are the Clusters' properties (cost.kurator.dev/*,
carbon.kurator.dev/*, KubeFleet's kubernetes.azure.com/per-cpu-core-cost and
per-gb-memory-cost; see docs/cost-and-carbon.md). A value past its max age counts as
unknown; replicas where the price or intensity is unknown are reported and left out
of the sums, which are then lower bounds (marked +).

For each IntelligentScheduler: the spend of every workload it governs, in any
namespace, against its maxCost (percent used, OVER when over), and their emissions
against a carbon-agnostic counterfactual: the placement the scheduler gives the same
replicas with the workload's policy alone, no objectives, as the scheduling controller
recorded it at its last decision, else decided now on the Clusters' resource summaries.

Emissions are location-based: requests × Cloud Carbon Footprint coefficients
(2.12 W/vCPU, 0.392 W/GiB, PUE 1.135) × the cluster's grid intensity.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch output {
			case "", "table", outputJSON, outputYAML:
			default:
				return UsageError{fmt.Errorf("unknown output format %q: use table, json or yaml", output)}
			}
			c, err := cp.client()
			if err != nil {
				return err
			}
			ns := cp.namespace("default")
			if all {
				ns = ""
			}
			report, err := buildCostReport(cmd.Context(), c, ns, time.Now())
			if err != nil {
				return err
			}
			return printObjects(streams.Out, output, report, func(w io.Writer, _ bool) { printCostTable(w, report) })
		},
	}
	cp.AddFlags(cmd.Flags())
	cmd.Flags().BoolVarP(&all, "all-namespaces", "A", false, "report the workloads of every namespace and the cluster-scoped ones")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table, json or yaml")
	return cmd
}

// fleetState is what the report reads from the control plane.
type fleetState struct {
	clusters   []karmadaclusterv1alpha1.Cluster
	bindings   []workv1alpha2.Binding
	schedulers []schedulingv1alpha1.IntelligentScheduler
}

func readFleetState(ctx context.Context, c client.Reader) (*fleetState, error) {
	var s fleetState
	var clusters karmadaclusterv1alpha1.ClusterList
	if err := c.List(ctx, &clusters); err != nil {
		return nil, fmt.Errorf("list clusters: %w", err)
	}
	s.clusters = clusters.Items
	var rbs workv1alpha2.ResourceBindingList
	if err := c.List(ctx, &rbs); err != nil {
		return nil, fmt.Errorf("list resource bindings: %w", err)
	}
	for i := range rbs.Items {
		s.bindings = append(s.bindings, &rbs.Items[i])
	}
	var crbs workv1alpha2.ClusterResourceBindingList
	if err := c.List(ctx, &crbs); err != nil {
		return nil, fmt.Errorf("list cluster resource bindings: %w", err)
	}
	for i := range crbs.Items {
		s.bindings = append(s.bindings, &crbs.Items[i])
	}
	var schedulers schedulingv1alpha1.IntelligentSchedulerList
	switch err := c.List(ctx, &schedulers); {
	case err == nil:
		s.schedulers = schedulers.Items
	case !apimeta.IsNoMatchError(err):
		return nil, fmt.Errorf("list IntelligentSchedulers: %w", err)
	}
	return &s, nil
}

// bindingKey identifies a binding among both kinds.
func bindingKey(kind, namespace, name string) string { return kind + "/" + namespace + "/" + name }

func keyOf(b workv1alpha2.Binding) string {
	return bindingKey(workv1alpha2.GVK(b).Kind, b.GetNamespace(), b.GetName())
}

// governance is which scheduler governs each binding, and the agnostic
// counterfactual of every governed one: the one the scheduling controller
// recorded at its last decision, else one decided here on the Clusters'
// resource summaries.
type governance struct {
	by        map[string]string
	governed  map[string][]workv1alpha2.Binding
	agnostic  map[string][]workv1alpha2.Binding
	undecided map[string][]string
}

func govern(ctx context.Context, c client.Reader, s *fleetState, now time.Time) (*governance, error) {
	g := &governance{by: map[string]string{}, governed: map[string][]workv1alpha2.Binding{}, agnostic: map[string][]workv1alpha2.Binding{}, undecided: map[string][]string{}}
	if len(s.schedulers) == 0 {
		return g, nil
	}
	sched, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		return nil, fmt.Errorf("building the scheduler for the agnostic placements: %w", err)
	}
	infos := agnostic.Clusters(s.clusters)
	withLabels := intelligent.UsesLabels(s.schedulers)
	for _, b := range s.bindings {
		var labels map[string]string
		if withLabels {
			if labels, err = templateLabels(ctx, c, b); err != nil {
				return nil, err
			}
		}
		is := intelligent.Select(s.schedulers, b, labels)
		if is == nil {
			continue
		}
		g.by[keyOf(b)] = is.Name
		g.governed[is.Name] = append(g.governed[is.Name], b)
		placed, recorded := agnostic.Recorded(b)
		if !recorded {
			if placed, err = agnostic.Placement(ctx, sched, infos, b, now); err != nil {
				// No saving is claimed for a workload whose counterfactual
				// cannot be decided: it counts at its placement in force.
				g.undecided[is.Name] = append(g.undecided[is.Name], fmt.Sprintf("%s %s: %v", b.BindingSpec().Resource.Kind, keyOf(b), err))
				g.agnostic[is.Name] = append(g.agnostic[is.Name], b)
				continue
			}
		}
		g.agnostic[is.Name] = append(g.agnostic[is.Name], agnostic.WithClusters(b, placed))
	}
	return g, nil
}

// templateLabels reads the labels of a binding's template, for label
// selectors; a template that is gone, or of a kind no longer served, has
// none.
func templateLabels(ctx context.Context, c client.Reader, b workv1alpha2.Binding) (map[string]string, error) {
	r := b.BindingSpec().Resource
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(r.APIVersion)
	u.SetKind(r.Kind)
	err := c.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: r.Name}, u)
	switch {
	case err == nil:
		return u.GetLabels(), nil
	case apierrors.IsNotFound(err) || apimeta.IsNoMatchError(err):
		return nil, nil
	}
	return nil, fmt.Errorf("reading the labels of %s %s/%s: %w", r.Kind, r.Namespace, r.Name, err)
}

// buildCostReport estimates the bindings of namespace (every binding when
// it is empty) and each IntelligentScheduler's governed total at now.
func buildCostReport(ctx context.Context, c client.Reader, namespace string, now time.Time) (*costReport, error) {
	s, err := readFleetState(ctx, c)
	if err != nil {
		return nil, err
	}
	g, err := govern(ctx, c, s, now)
	if err != nil {
		return nil, err
	}
	var inScope []workv1alpha2.Binding
	for _, b := range s.bindings {
		if namespace == "" || (b.GetNamespace() == namespace && workv1alpha2.GVK(b).Kind == "ResourceBinding") {
			inScope = append(inScope, b)
		}
	}
	r := newCostReport(namespace, now)
	est := intelligent.Estimate(inScope, s.clusters, now)
	agnosticByKey := map[string]intelligent.WorkloadEstimate{}
	for _, name := range sortedKeysOf(g.agnostic) {
		for _, w := range intelligent.Estimate(g.agnostic[name], s.clusters, now).ByWorkload {
			agnosticByKey[bindingKey(w.BindingKind, w.Namespace, w.Name)] = w
		}
	}
	r.Total = perDay(est.Total)
	for _, w := range est.ByWorkload {
		r.Workloads = append(r.Workloads, workloadCostOf(w, g, agnosticByKey))
	}
	for _, ce := range est.ByCluster {
		r.Clusters = append(r.Clusters, clusterCostOf(ce))
	}
	for _, is := range sortedSchedulers(s.schedulers) {
		r.Schedulers = append(r.Schedulers, schedulerCostOf(is, intelligent.Estimate(g.governed[is.Name], s.clusters, now),
			intelligent.Estimate(g.agnostic[is.Name], s.clusters, now), g.undecided[is.Name]))
	}
	r.Notes = costNotes(s, est, now)
	return r, nil
}

// costNotes say plainly when the fleet has no prices or intensities at
// all, and when the sums leave replicas out.
func costNotes(s *fleetState, est intelligent.Report, now time.Time) []string {
	var notes []string
	priced, intensities := 0, 0
	for i := range s.clusters {
		p := clusterproperties.Read(&s.clusters[i], now)
		if p.VCPUHour.Known {
			priced++
		}
		if p.Carbon.Known {
			intensities++
		}
	}
	switch {
	case len(s.clusters) == 0:
		notes = append(notes, "The control plane has no Clusters.")
	case priced == 0:
		notes = append(notes, fmt.Sprintf("No cluster has a known price, so every replica is unpriced and spend shows 0: annotate the Clusters with %s and %s (see docs/cost-and-carbon.md).",
			clusterproperties.VCPUHourUSD, clusterproperties.GiBHourUSD))
	}
	if len(s.clusters) > 0 && intensities == 0 {
		notes = append(notes, fmt.Sprintf("No cluster has a known grid intensity, so emissions show 0: annotate the Clusters with %s (see docs/cost-and-carbon.md).",
			clusterproperties.CarbonIntensity))
	}
	t := est.Total
	if t.UnpricedReplicas > 0 {
		notes = append(notes, fmt.Sprintf("%d of %d replicas run where the price is unknown: spend is a lower bound.", t.UnpricedReplicas, t.Replicas))
	}
	if t.UnknownCarbonReplicas > 0 {
		notes = append(notes, fmt.Sprintf("%d of %d replicas run where the grid intensity is unknown: emissions are a lower bound.", t.UnknownCarbonReplicas, t.Replicas))
	}
	if t.UnrequestedReplicas > 0 {
		notes = append(notes, fmt.Sprintf("%d of %d replicas request neither CPU nor memory and count nothing.", t.UnrequestedReplicas, t.Replicas))
	}
	return notes
}
