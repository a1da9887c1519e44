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

package weights

import (
	"fmt"
	"slices"
	"strings"
)

// ClusterWeight is one cluster's weight within a subset, as decided by Compute.
type ClusterWeight struct {
	Name   string
	Weight int32
}

// SubsetWeights is one subset of a route: the weight the user gave it and
// its own per-cluster weights.
type SubsetWeights struct {
	Name string
	// Weight is the user's weight for the subset (90 in 90/10); any scale.
	Weight   int32
	Clusters []ClusterWeight
}

// RouteWeight is the weight of one (subset, cluster) destination of a route.
type RouteWeight struct {
	Subset  string
	Cluster string
	Weight  int32
	Reasons []string
}

// Combine turns subset weights and per-subset cluster weights into one route:
// (subset s, cluster c) gets w_s × w_{s,c} / 100, apportioned so the route
// adds up to exactly 100 (largest remainder, ties to the first subset and
// cluster name). Entries of weight 0 stay, so a drained cluster is still
// visible. A subset whose clusters all weigh 0 cannot serve; its share goes
// to the other subsets in proportion to their weights (equally if those are
// all 0). If no subset can serve, every entry is 0. Entries are sorted by
// subset, then cluster name; negative weights count as 0.
func Combine(subsets []SubsetWeights) []RouteWeight {
	var route []RouteWeight
	var clusterWeights, subsetShares []float64
	var dead, alive []string
	var aliveTotal float64

	sorted := slices.Clone(subsets)
	slices.SortStableFunc(sorted, func(a, b SubsetWeights) int { return strings.Compare(a.Name, b.Name) })
	for _, s := range sorted {
		var total float64
		for _, c := range s.Clusters {
			total += float64(max(c.Weight, 0))
		}
		if total > 0 {
			alive = append(alive, s.Name)
			aliveTotal += float64(max(s.Weight, 0))
		} else {
			dead = append(dead, s.Name)
		}
		clusters := slices.Clone(s.Clusters)
		slices.SortStableFunc(clusters, func(a, b ClusterWeight) int { return strings.Compare(a.Name, b.Name) })
		for _, c := range clusters {
			route = append(route, RouteWeight{Subset: s.Name, Cluster: c.Name})
			share := 0.0
			if total > 0 {
				share = float64(max(c.Weight, 0)) / total
			}
			clusterWeights = append(clusterWeights, share)
			subsetShares = append(subsetShares, float64(max(s.Weight, 0)))
		}
	}
	if len(alive) == 0 {
		for i := range route {
			route[i].Reasons = []string{"no subset has a serving cluster"}
		}
		return route
	}

	shares := make([]float64, len(route))
	for i := range route {
		if clusterWeights[i] == 0 {
			continue
		}
		subsetShare := 1 / float64(len(alive))
		if aliveTotal > 0 {
			subsetShare = subsetShares[i] / aliveTotal
		}
		shares[i] = 100 * subsetShare * clusterWeights[i]
	}
	weights := apportion(shares, 100)
	for i := range route {
		route[i].Weight = weights[i]
		if slices.Contains(dead, route[i].Subset) {
			route[i].Reasons = []string{fmt.Sprintf("subset %s has no serving cluster; its weight went to %s",
				route[i].Subset, strings.Join(alive, ", "))}
		} else if len(dead) > 0 {
			route[i].Reasons = []string{fmt.Sprintf("share of subset %s includes the weight of %s, which has no serving cluster",
				route[i].Subset, strings.Join(dead, ", "))}
		}
	}
	return route
}
