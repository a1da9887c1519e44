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

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// The burst setup: one on-prem cluster with room for 3 three-CPU
// Pods (three 4-CPU nodes: a sum of CPUs would say 4), then two cloud
// clusters.
func cascadeFleet() []*framework.ClusterInfo {
	return []*framework.ClusterInfo{
		makeCluster("onprem-1").labels("tier", "onprem").nodes(3, "4").obj(),
		makeCluster("cloud-1").labels("tier", "cloud").nodes(4, "8").obj(),
		makeCluster("cloud-2").labels("tier", "cloud").nodes(4, "8").obj(),
	}
}

// running puts n three-CPU replicas on the cluster's nodes, one per node,
// as the decision in force runs them.
func running(c *framework.ClusterInfo, n int64) {
	for i := range c.Nodes[:n] {
		c.Nodes[i].Requested = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3")}
		c.Nodes[i].Pods = 1
	}
}

func cascadePolicy(mode policyv1alpha1.AffinityMode, rs *policyv1alpha1.ReplicaSchedulingStrategy) *policyv1alpha1.Placement {
	return &policyv1alpha1.Placement{
		AffinityStrategy: &policyv1alpha1.AffinityStrategy{Mode: mode},
		ClusterAffinities: []policyv1alpha1.ClusterAffinityTerm{
			{AffinityName: "onprem", ClusterAffinity: *names("onprem-1")},
			// onprem-1 is listed again: it belongs to the first tier.
			{AffinityName: "cloud", ClusterAffinity: *names("cloud-1", "cloud-2", "onprem-1")},
		},
		ReplicaScheduling: rs,
	}
}

func TestCascadeFillsTiersInOrder(t *testing.T) {
	for _, tc := range []struct {
		name     string
		replicas int64
		previous []framework.TargetCluster
		fresh    bool
		want     string
	}{
		{name: "5 replicas", replicas: 5, want: "cloud-1:1, cloud-2:1, onprem-1:3"},
		{name: "7 replicas", replicas: 7, want: "cloud-1:2, cloud-2:2, onprem-1:3"},
		{name: "scaled down to 4: the last tier gives first", replicas: 4,
			previous: []framework.TargetCluster{{Name: "onprem-1", Replicas: 3}, {Name: "cloud-1", Replicas: 2}, {Name: "cloud-2", Replicas: 2}},
			want:     "cloud-1:1, onprem-1:3"},
		{name: "scaled up to 7: earlier tiers first", replicas: 7,
			previous: []framework.TargetCluster{{Name: "onprem-1", Replicas: 3}, {Name: "cloud-1", Replicas: 1}},
			want:     "cloud-1:2, cloud-2:2, onprem-1:3"},
		{name: "the first tier has room again: replicas stay without failback", replicas: 5,
			previous: []framework.TargetCluster{{Name: "cloud-1", Replicas: 3}, {Name: "cloud-2", Replicas: 2}},
			want:     "cloud-1:3, cloud-2:2"},
		{name: "the first tier has room again: a fresh decision (failback) consolidates", replicas: 5, fresh: true,
			previous: []framework.TargetCluster{{Name: "cloud-1", Replicas: 3}, {Name: "cloud-2", Replicas: 2}},
			want:     "cloud-1:1, cloud-2:1, onprem-1:3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := deployment(tc.replicas, "3", cascadePolicy(policyv1alpha1.AffinityModeCascade, dynamicWeight()))
			w.Previous, w.Fresh = tc.previous, tc.fresh
			fleet := cascadeFleet()
			for _, c := range fleet {
				for _, p := range tc.previous {
					if p.Name == c.Name() {
						running(c, p.Replicas)
					}
				}
			}
			res, err := schedule(t, fleet, w)
			if err != nil || render(res.Clusters) != tc.want {
				t.Fatalf("got %v %v; want %s", res, err, tc.want)
			}
			if res.AffinityName != "onprem" {
				t.Fatalf("observed term %q; want the first, onprem", res.AffinityName)
			}
		})
	}
}

func TestCascadeExplainsTheSpill(t *testing.T) {
	res, err := schedule(t, cascadeFleet(), deployment(5, "3", cascadePolicy(policyv1alpha1.AffinityModeCascade, dynamicWeight())))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Tier onprem: 3 replicas over onprem-1", "onprem full: room for 3, 2 more go to tier cloud", "Tier cloud: 2 replicas"} {
		if !strings.Contains(res.Explanation.Division, want) {
			t.Fatalf("division %q does not say %q", res.Explanation.Division, want)
		}
	}
}

// Exclusive (the default), Duplicated and static weights use one term: the
// first that schedules, as Karmada does.
func TestCascadeOnlyForDivisionByAvailableReplicas(t *testing.T) {
	for name, p := range map[string]*policyv1alpha1.Placement{
		"Exclusive":           cascadePolicy(policyv1alpha1.AffinityModeExclusive, dynamicWeight()),
		"Cascade, duplicated": cascadePolicy(policyv1alpha1.AffinityModeCascade, nil),
		"Cascade, static":     cascadePolicy(policyv1alpha1.AffinityModeCascade, staticWeight("onprem-1", 1)),
	} {
		t.Run(name, func(t *testing.T) {
			res, err := schedule(t, cascadeFleet(), deployment(3, "3", p))
			if err != nil || render(res.Clusters) != "onprem-1:3" || res.AffinityName != "onprem" {
				t.Fatalf("got %v %v; want onprem-1:3 from term onprem", res, err)
			}
		})
	}
	// Exclusive moves whole to the next term when the first cannot take
	// them all.
	res, err := schedule(t, cascadeFleet(), deployment(5, "3", cascadePolicy(policyv1alpha1.AffinityModeExclusive, dynamicWeight())))
	if err != nil || res.AffinityName != "cloud" {
		t.Fatalf("Exclusive with 5: %v %v; want term cloud", res, err)
	}
}

func TestTierShares(t *testing.T) {
	tiers := []tierRoom{{room: 3, kept: 3, clusters: 1}, {room: 16, kept: 4, clusters: 2}}
	for _, tc := range []struct {
		total int64
		fresh bool
		want  []int64
	}{
		{7, false, []int64{3, 4}},
		{4, false, []int64{3, 1}},
		{2, false, []int64{2, 0}},
		{10, false, []int64{3, 7}},
		{30, false, []int64{3, 27}}, // the last tier takes what does not fit, and the division says so
		{5, true, []int64{3, 2}},
	} {
		got := tierShares(tc.total, tiers, tc.fresh)
		if len(got) != len(tc.want) || got[0] != tc.want[0] || got[1] != tc.want[1] {
			t.Fatalf("%d replicas (fresh %t): %v; want %v", tc.total, tc.fresh, got, tc.want)
		}
	}
}
