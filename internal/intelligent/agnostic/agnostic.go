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

// Package agnostic gives the carbon-agnostic counterfactual of a governed
// workload: where the scheduler puts the same replicas with the workload's
// policy alone, no objective considered. Reports compare the emissions of
// the placement in force with this one.
//
// It is a package of its own, apart from intelligent, because it runs the
// scheduler, which must stay free to use intelligent.
package agnostic

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/failover"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// Clusters is the fleet as the scheduler sees it from the control plane
// alone: the Clusters not being deleted, in name order, each with its
// resource summary as capacity (members are not asked for their nodes).
func Clusters(clusters []karmadaclusterv1alpha1.Cluster) []*framework.ClusterInfo {
	infos := make([]*framework.ClusterInfo, 0, len(clusters))
	for i := range clusters {
		if clusters[i].DeletionTimestamp.IsZero() {
			infos = append(infos, &framework.ClusterInfo{Cluster: &clusters[i]})
		}
	}
	slices.SortFunc(infos, func(a, b *framework.ClusterInfo) int { return strings.Compare(a.Name(), b.Name()) })
	return infos
}

// Workload is the scheduler's input for the counterfactual: the binding as
// the detector makes it from the template and policy, with no objective,
// read at now, decided from scratch as the scheduling controller decides
// the counterfactual it records: the decision in force counts as room only.
func Workload(b workv1alpha2.Binding, now time.Time) *framework.Workload {
	w := propagation.Workload(b)
	w.Now = now
	w.Objective = nil
	// From scratch: the policy's own placement for these replicas, not the
	// placement in force kept (a running workload would otherwise show no
	// difference at all). What it runs still counts as room.
	w.Fresh = true
	return w
}

// Recorded is the counterfactual the scheduling controller recorded at the
// binding's last decision (the agnostic placement in its optimisation
// annotation), in cluster name order; false when it recorded none.
func Recorded(b workv1alpha2.Binding) ([]workv1alpha2.TargetCluster, bool) {
	recorded := intelligent.ReadOptimization(b.GetAnnotations()).Agnostic
	if len(recorded) == 0 {
		return nil, false
	}
	out := make([]workv1alpha2.TargetCluster, 0, len(recorded))
	for name, replicas := range recorded {
		out = append(out, workv1alpha2.TargetCluster{Name: name, Replicas: replicas})
	}
	slices.SortFunc(out, func(a, b workv1alpha2.TargetCluster) int { return strings.Compare(a.Name, b.Name) })
	return out, true
}

// Placement decides the counterfactual placement of a binding at now on the
// clusters given (see Clusters). A binding whose scheduling is suspended
// keeps its placement; one without a placement cannot be decided.
func Placement(ctx context.Context, s *scheduler.Scheduler, clusters []*framework.ClusterInfo, b workv1alpha2.Binding, now time.Time) ([]workv1alpha2.TargetCluster, error) {
	spec := b.BindingSpec()
	if spec.Suspension != nil && spec.Suspension.Scheduling != nil && *spec.Suspension.Scheduling {
		return slices.Clone(spec.Clusters), nil
	}
	if spec.Placement == nil {
		return nil, fmt.Errorf("binding %s has no placement", key(b))
	}
	res, err := s.Schedule(ctx, &framework.Snapshot{Clusters: withoutEvicted(clusters, spec)}, Workload(b, now))
	if err != nil {
		return nil, fmt.Errorf("deciding the agnostic placement of %s: %w", key(b), err)
	}
	return propagation.Decision(res), nil
}

// WithClusters is a copy of the binding placed on clusters.
func WithClusters(b workv1alpha2.Binding, clusters []workv1alpha2.TargetCluster) workv1alpha2.Binding {
	out, _ := b.DeepCopyObject().(workv1alpha2.Binding)
	out.BindingSpec().Clusters = clusters
	return out
}

// withoutEvicted leaves out the clusters the binding is being evicted
// from, as the scheduling controller does.
func withoutEvicted(clusters []*framework.ClusterInfo, spec *workv1alpha2.ResourceBindingSpec) []*framework.ClusterInfo {
	excluded := failover.Excluded(spec)
	if len(excluded) == 0 {
		return clusters
	}
	out := make([]*framework.ClusterInfo, 0, len(clusters))
	for _, c := range clusters {
		if !excluded[c.Name()] {
			out = append(out, c)
		}
	}
	return out
}

func key(b workv1alpha2.Binding) string {
	if ns := b.GetNamespace(); ns != "" {
		return ns + "/" + b.GetName()
	}
	return b.GetName()
}
