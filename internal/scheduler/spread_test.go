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
package scheduler

import (
	"strings"
	"testing"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
)

func regionFleet() []*framework.ClusterInfo {
	return []*framework.ClusterInfo{
		makeCluster("r-east-c1").region("r-east").nodes(1, "40").obj(),
		makeCluster("r-east-c2").region("r-east").nodes(1, "30").obj(),
		makeCluster("r-west-c1").region("r-west").nodes(1, "35").obj(),
		makeCluster("r-west-c2").region("r-west").nodes(1, "25").obj(),
		makeCluster("r-north-c1").region("r-north").nodes(1, "20").obj(),
		makeCluster("r-north-c2").region("r-north").nodes(1, "10").obj(),
	}
}

func spread(cs ...policyv1alpha1.SpreadConstraint) *policyv1alpha1.Placement {
	return &policyv1alpha1.Placement{ReplicaScheduling: dynamicWeight(), SpreadConstraints: cs}
}

func by(field policyv1alpha1.SpreadByField, minG, maxG int32) policyv1alpha1.SpreadConstraint {
	return policyv1alpha1.SpreadConstraint{SpreadByField: field, MinGroups: minG, MaxGroups: maxG}
}

const (
	region   = policyv1alpha1.SpreadByFieldRegion
	zone     = policyv1alpha1.SpreadByFieldZone
	provider = policyv1alpha1.SpreadByFieldProvider
	cluster  = policyv1alpha1.SpreadByFieldCluster
)

// Karmada takes the fewest regions satisfying both minGroups (two), adds none
// for capacity, and with equal region scores takes its search order:
// r-north (fewer room, same cluster count) before r-west by name.
func TestSpreadRegionFewestLikeKarmada(t *testing.T) {
	res, err := schedule(t, regionFleet(), deployment(30, "1", spread(by(region, 2, 3), by(cluster, 3, 10))))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := render(res.Clusters), "r-east-c1:12, r-east-c2:9, r-north-c1:6, r-north-c2:3"; got != want {
		t.Fatalf("got %s, want %s (Karmada's decision)", got, want)
	}
	if res.Explanation.KarmadaDifference != "" {
		t.Fatalf("Karmada decides the same, yet: %q", res.Explanation.KarmadaDifference)
	}
	// The order of the constraints does not matter.
	again, err := schedule(t, regionFleet(), deployment(30, "1", spread(by(cluster, 3, 10), by(region, 2, 3))))
	if err != nil || render(again.Clusters) != render(res.Clusters) {
		t.Fatalf("listed the other way round: %v %v", again, err)
	}
}

// groupSelection Capacity prefers, among equally scored region sets, the
// one with the most room.
func TestSpreadGroupSelectionCapacity(t *testing.T) {
	r := by(region, 2, 3)
	r.GroupSelection = policyv1alpha1.GroupSelectionCapacity
	res, err := schedule(t, regionFleet(), deployment(30, "1", spread(r, by(cluster, 3, 10))))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Clusters {
		if strings.HasPrefix(c.Name, "r-north") {
			t.Fatalf("chose the small region: %s", render(res.Clusters))
		}
	}
	if !strings.Contains(res.Explanation.KarmadaDifference, "groupSelection Capacity") {
		t.Fatalf("difference not explained: %q", res.Explanation.KarmadaDifference)
	}
}

// When Karmada's regions cannot hold the replicas but more regions within
// maxGroups can, Karmada fails; Kurator schedules there and says so.
func TestSpreadRegionCapacityFallback(t *testing.T) {
	// 140 replicas: Karmada takes two regions, r-east and r-west (room 130);
	// all three hold 160.
	res, err := schedule(t, regionFleet(), deployment(140, "1", spread(by(region, 2, 3), by(cluster, 3, 10))))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Clusters) != 6 {
		t.Fatalf("got %s, want all three regions", render(res.Clusters))
	}
	if d := res.Explanation.KarmadaDifference; !strings.Contains(d, "Karmada would choose r-east, r-west") || !strings.Contains(d, "room for 130 of 140") {
		t.Fatalf("difference not explained: %q", d)
	}
	// Beyond every set of regions it fails, naming Karmada's choice.
	_, err = schedule(t, regionFleet(), deployment(161, "1", spread(by(region, 2, 3), by(cluster, 3, 10))))
	if err == nil || !strings.Contains(err.Error(), "room for 130 of 161") {
		t.Fatalf("got %v", err)
	}
}

// A region's score averages the cluster scores only over the clusters
// counted until its share is covered: a previously used cluster among three
// scores as high as a lone previously used cluster, and then the region with
// more clusters wins.
func TestSpreadRegionScoreCountsCoveringClusters(t *testing.T) {
	clusters := []*framework.ClusterInfo{
		makeCluster("a1").region("ra").nodes(1, "10").obj(),
		makeCluster("a2").region("ra").nodes(1, "10").obj(),
		makeCluster("a3").region("ra").nodes(1, "10").obj(),
		makeCluster("b1").region("rb").nodes(1, "10").obj(),
	}
	w := deployment(4, "1", spread(by(region, 1, 1), by(cluster, 1, 1)))
	w.Previous = []framework.TargetCluster{{Name: "a1", Replicas: 2}, {Name: "b1", Replicas: 2}}
	res, err := schedule(t, clusters, w)
	if err != nil {
		t.Fatal(err)
	}
	if got := render(res.Clusters); got != "a1:4" {
		t.Fatalf("got %s, want a1:4", got)
	}
}

// Divided by weight without a weightPreference divides equally over every
// feasible cluster, spread constraints notwithstanding, as in Karmada.
func TestSpreadIgnoredWithoutWeightPreference(t *testing.T) {
	p := spread(by(region, 1, 1), by(cluster, 1, 1))
	p.ReplicaScheduling.WeightPreference = nil
	res, err := schedule(t, regionFleet(), deployment(12, "1", p))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Clusters) != 6 {
		t.Fatalf("got %s, want all six clusters", render(res.Clusters))
	}
}

func zonedFleet() []*framework.ClusterInfo {
	return []*framework.ClusterInfo{
		makeCluster("e1").region("east").zone("e-a").provider("aws").nodes(1, "20").obj(),
		makeCluster("e2").region("east").zone("e-a").provider("gcp").nodes(1, "20").obj(),
		makeCluster("e3").region("east").zone("e-b").provider("aws").nodes(1, "8").obj(),
		makeCluster("w1").region("west").zone("w-a").provider("aws").nodes(1, "20").obj(),
		makeCluster("w2").region("west").zone("w-b").provider("gcp").nodes(1, "20").obj(),
		makeCluster("n1").region("north").zone("n-a").provider("aws").nodes(1, "20").obj(),
	}
}

// Several group constraints hold together, whatever their order.
func TestSpreadSeveralGroupConstraints(t *testing.T) {
	placements := map[string]*policyv1alpha1.Placement{
		"region+zone":   spread(by(region, 1, 1), by(zone, 2, 2), by(cluster, 2, 3)),
		"zone+region":   spread(by(zone, 2, 2), by(cluster, 2, 3), by(region, 1, 1)),
		"provider+zone": spread(by(provider, 1, 1), by(zone, 3, 3), by(cluster, 3, 3)),
		"label+region":  spread(policyv1alpha1.SpreadConstraint{SpreadByLabel: "tier", MinGroups: 1, MaxGroups: 1}, by(region, 2, 2)),
	}
	clusters := zonedFleet()
	for i, c := range clusters {
		c.Cluster.Labels = map[string]string{"tier": []string{"gold", "silver"}[i%2]}
	}
	for name, p := range placements {
		res, err := schedule(t, clusters, deployment(10, "1", p))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var total int64
		for _, tc := range res.Clusters {
			total += tc.Replicas
		}
		if total != 10 {
			t.Fatalf("%s: %s assigns %d replicas", name, render(res.Clusters), total)
		}
		for _, sc := range p.SpreadConstraints {
			groups := map[string]bool{}
			for _, tc := range res.Clusters {
				groups[groupKey(sc, clusters[indexOf(clusters, tc.Name)].Cluster)] = true
			}
			if len(groups) < minGroups(sc) || sc.MaxGroups > 0 && len(groups) > int(sc.MaxGroups) {
				t.Fatalf("%s: %s spans %d %s groups, want %d-%d", name, render(res.Clusters), len(groups), constraintName(sc), sc.MinGroups, sc.MaxGroups)
			}
		}
		if res.Explanation.KarmadaDifference == "" {
			t.Fatalf("%s: an extension decided without saying how Karmada differs", name)
		}
	}
	// region+zone and zone+region are the same rules.
	a, _ := schedule(t, clusters, deployment(10, "1", placements["region+zone"]))
	b, _ := schedule(t, clusters, deployment(10, "1", placements["zone+region"]))
	if render(a.Clusters) != render(b.Clusters) {
		t.Fatalf("order changed the decision: %s vs %s", render(a.Clusters), render(b.Clusters))
	}
	// Impossible together: two zones in one region with at most one cluster.
	_, err := schedule(t, clusters, deployment(10, "1", spread(by(region, 1, 1), by(zone, 2, 2), by(cluster, 1, 1))))
	if err == nil || !strings.Contains(err.Error(), "satisfy the spread constraints") {
		t.Fatalf("got %v", err)
	}
}

// maxSkew on two fields at once holds both, never past a cluster's room.
func TestMaxSkewOnSeveralFields(t *testing.T) {
	r, z := by(region, 0, 0), by(zone, 0, 0)
	r.MaxSkew, z.MaxSkew = 2, 5
	res, err := schedule(t, zonedFleet(), deployment(30, "1", spread(r, z)))
	if err != nil {
		t.Fatal(err)
	}
	regions, zones := map[string]int64{}, map[string]int64{}
	clusters := zonedFleet()
	for _, tc := range res.Clusters {
		c := clusters[indexOf(clusters, tc.Name)]
		regions[c.Cluster.Spec.Region] += tc.Replicas
		zones[c.Cluster.Spec.Zones[0]] += tc.Replicas
		if tc.Name == "e3" && tc.Replicas > 8 {
			t.Fatalf("e3 over its room: %s", render(res.Clusters))
		}
	}
	for name, sums := range map[string]map[string]int64{"region": regions, "zone": zones} {
		lo, hi := int64(1<<62), int64(0)
		for _, v := range sums {
			lo, hi = min(lo, v), max(hi, v)
		}
		limit := map[string]int64{"region": 2, "zone": 5}[name]
		if len(sums) < 2 || hi-lo > limit {
			t.Fatalf("%s skew %d > %d: %s", name, hi-lo, limit, render(res.Clusters))
		}
	}
}

// A fleet with many one-cluster regions and a cluster constraint no
// region set can reach quickly ends the search within its budget.
func TestSpreadSearchIsBounded(t *testing.T) {
	var clusters []*framework.ClusterInfo
	for i := range 40 {
		clusters = append(clusters, makeCluster(string(rune('a'+i/26))+string(rune('a'+i%26))).region(string(rune('A'+i/26))+string(rune('a'+i%26))).nodes(1, "1").obj())
	}
	// 40 regions of one 1-CPU cluster: 30 replicas need 30 regions, and only
	// the capacity search tries region sets of that size.
	res, err := schedule(t, clusters, deployment(30, "1", spread(by(region, 1, 40), by(cluster, 1, 40))))
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, tc := range res.Clusters {
		total += tc.Replicas
	}
	if total != 30 {
		t.Fatalf("got %s", render(res.Clusters))
	}
}
