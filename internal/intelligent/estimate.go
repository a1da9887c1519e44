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

package intelligent

import (
	"fmt"
	"slices"
	"strings"
	"time"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/cost"
)

// Figures are what some replicas cost and emit per hour.
type Figures struct {
	USDPerHour   float64
	GramsPerHour float64
	// Usage is what the replicas request together.
	Usage cost.Usage
	// Replicas counts every replica, priced or not.
	Replicas int64
	// UnpricedReplicas run where the price is unknown: they are left out
	// of USDPerHour.
	UnpricedReplicas int64
	// UnknownCarbonReplicas run where the grid intensity is unknown: they
	// are left out of GramsPerHour.
	UnknownCarbonReplicas int64
	// UnrequestedReplicas request neither CPU nor memory, so they count
	// nothing wherever they run.
	UnrequestedReplicas int64
}

// LowerBound reports whether some replicas are left out of the sums.
func (f Figures) LowerBound() bool {
	return f.UnpricedReplicas > 0 || f.UnknownCarbonReplicas > 0 || f.UnrequestedReplicas > 0
}

// Add sums two figures.
func (f Figures) Add(o Figures) Figures {
	return Figures{
		USDPerHour: f.USDPerHour + o.USDPerHour, GramsPerHour: f.GramsPerHour + o.GramsPerHour, Usage: f.Usage.Add(o.Usage),
		Replicas: f.Replicas + o.Replicas, UnpricedReplicas: f.UnpricedReplicas + o.UnpricedReplicas,
		UnknownCarbonReplicas: f.UnknownCarbonReplicas + o.UnknownCarbonReplicas, UnrequestedReplicas: f.UnrequestedReplicas + o.UnrequestedReplicas,
	}
}

// ClusterShare is one workload's replicas on one cluster.
type ClusterShare struct {
	Cluster string
	Figures
}

// WorkloadEstimate is one binding's placement priced.
type WorkloadEstimate struct {
	// BindingKind is ResourceBinding or ClusterResourceBinding; Namespace
	// and Name are the binding's.
	BindingKind, Namespace, Name string
	// Resource is the template the binding propagates.
	Resource workv1alpha2.ObjectReference
	// PerReplica is what one replica requests.
	PerReplica cost.Usage
	Figures
	// Clusters are the shares of its replicas, by cluster name.
	Clusters []ClusterShare
}

// ClusterEstimate is what the estimated bindings run on one cluster.
type ClusterEstimate struct {
	Name string
	// Found is false when no Cluster of that name was given: its price
	// and intensity are then unknown.
	Found bool
	// Properties are the cluster's prices and intensity at the estimate's
	// instant, with why any is unknown.
	Properties clusterproperties.Properties
	Figures
}

// Report is an estimate of some bindings: the sum, each workload and each
// cluster running their replicas.
type Report struct {
	Total Figures
	// ByWorkload is in binding namespace, name, then kind order; bindings
	// without replicas are left out.
	ByWorkload []WorkloadEstimate
	// ByCluster is in name order and has the clusters that run some of the
	// replicas.
	ByCluster []ClusterEstimate
}

// Estimate prices the bindings' placements (spec.clusters, each cluster's
// replicas of spec.replicaRequirements.resourceRequest) at the clusters'
// properties as they stand at now.
//
// Requests stand in for use: a placement reserves its requests, and they
// are all the control plane knows. Replicas on clusters whose price or grid
// intensity is unknown (absent, unparsable or stale) are counted but left
// out of the sums, which are then lower bounds: a price is never guessed.
func Estimate(bindings []workv1alpha2.Binding, clusters []karmadaclusterv1alpha1.Cluster, now time.Time) Report {
	byName := make(map[string]*karmadaclusterv1alpha1.Cluster, len(clusters))
	for i := range clusters {
		byName[clusters[i].Name] = &clusters[i]
	}
	perCluster := map[string]*ClusterEstimate{}
	clusterEstimate := func(name string) *ClusterEstimate {
		if ce, ok := perCluster[name]; ok {
			return ce
		}
		ce := &ClusterEstimate{Name: name}
		if c, ok := byName[name]; ok {
			ce.Found, ce.Properties = true, clusterproperties.Read(c, now)
		}
		perCluster[name] = ce
		return ce
	}
	var r Report
	for _, b := range bindings {
		spec := b.BindingSpec()
		w := WorkloadEstimate{BindingKind: workv1alpha2.GVK(b).Kind, Namespace: b.GetNamespace(), Name: b.GetName(), Resource: spec.Resource}
		if spec.ReplicaRequirements != nil {
			w.PerReplica = cost.UsageOf(spec.ReplicaRequirements.ResourceRequest)
		}
		for _, t := range spec.Clusters {
			if t.Replicas <= 0 {
				continue
			}
			ce := clusterEstimate(t.Name)
			share := ClusterShare{Cluster: t.Name, Figures: figures(ce.Properties, w.PerReplica, int64(t.Replicas))}
			ce.Figures = ce.Add(share.Figures)
			w.Figures = w.Add(share.Figures)
			w.Clusters = append(w.Clusters, share)
		}
		if w.Replicas == 0 {
			continue
		}
		slices.SortFunc(w.Clusters, func(a, b ClusterShare) int { return strings.Compare(a.Cluster, b.Cluster) })
		r.Total = r.Total.Add(w.Figures)
		r.ByWorkload = append(r.ByWorkload, w)
	}
	slices.SortFunc(r.ByWorkload, func(a, b WorkloadEstimate) int {
		return cmpStrings(a.Namespace, b.Namespace, a.Name, b.Name, a.BindingKind, b.BindingKind)
	})
	for _, ce := range perCluster {
		r.ByCluster = append(r.ByCluster, *ce)
	}
	slices.SortFunc(r.ByCluster, func(a, b ClusterEstimate) int { return strings.Compare(a.Name, b.Name) })
	return r
}

// figures prices n replicas of one usage on a cluster.
func figures(p clusterproperties.Properties, perReplica cost.Usage, n int64) Figures {
	u := perReplica.Scale(n)
	f := Figures{Usage: u, Replicas: n}
	if perReplica.VCPU == 0 && perReplica.GiB == 0 {
		f.UnrequestedReplicas = n
		return f
	}
	if usd, ok := cost.PerHour(p, u); ok {
		f.USDPerHour = usd
	} else {
		f.UnpricedReplicas = n
	}
	if g, ok := cost.GramsPerHour(p, u); ok {
		f.GramsPerHour = g
	} else {
		f.UnknownCarbonReplicas = n
	}
	return f
}

// cmpStrings compares pairs in turn: (a0, b0), then (a1, b1), ...
func cmpStrings(pairs ...string) int {
	for i := 0; i+1 < len(pairs); i += 2 {
		if c := strings.Compare(pairs[i], pairs[i+1]); c != 0 {
			return c
		}
	}
	return 0
}

// PriceProblem says why a cluster's price is unknown for usage that asks
// for memory when withMemory is set, or "" when it is known.
func PriceProblem(ce ClusterEstimate, withMemory bool) string {
	if !ce.Found {
		return fmt.Sprintf("no Cluster named %s", ce.Name)
	}
	p := ce.Properties
	switch {
	case !p.VCPUHour.Known:
		return unknownBecause(p.VCPUHour, "no vCPU-hour price ("+clusterproperties.VCPUHourUSD+")")
	case withMemory && !p.GiBHour.Known:
		return unknownBecause(p.GiBHour, "no GiB-hour price ("+clusterproperties.GiBHourUSD+")")
	}
	return ""
}

// CarbonProblem says why a cluster's grid intensity is unknown, or "".
func CarbonProblem(ce ClusterEstimate) string {
	if !ce.Found {
		return fmt.Sprintf("no Cluster named %s", ce.Name)
	}
	if ce.Properties.Carbon.Known {
		return ""
	}
	return unknownBecause(ce.Properties.Carbon, "no carbon intensity ("+clusterproperties.CarbonIntensity+")")
}

func unknownBecause(v clusterproperties.Value, absent string) string {
	if v.Problem != "" {
		return v.Problem
	}
	return absent
}
