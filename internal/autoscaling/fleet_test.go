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

package autoscaling

import "testing"

// readyPods are n ready pods each using usage of a request.
func readyPods(n int, usage, request int64) []PodSample {
	out := make([]PodSample, n)
	for i := range out {
		out[i] = PodSample{Ready: true, HasMetric: true, Value: usage, Request: request}
	}
	return out
}

func TestFleetUtilization(t *testing.T) {
	cases := []struct {
		name        string
		fleet       Fleet
		target      int32
		want        int32
		hottest     string
		heldByStale string
	}{
		// Karmada's calibration case: duplicated over two clusters, 2
		// replicas each at 20% against a 10% target: the template goes to
		// 4, so each cluster runs 4.
		{name: "duplicated 2x2 at 20% vs 10%", target: 10, want: 4, fleet: Fleet{Template: 2, Clusters: []ClusterPods{
			{Name: "a", Assigned: 2, Pods: readyPods(2, 200, 1000)}, {Name: "b", Assigned: 2, Pods: readyPods(2, 200, 1000)}}}},
		{name: "divided, even load", target: 50, want: 16, fleet: Fleet{Template: 10, Clusters: []ClusterPods{
			{Name: "spot", Assigned: 8, Pods: readyPods(8, 800, 1000)}, {Name: "ondemand", Assigned: 2, Pods: readyPods(2, 800, 1000)}}}},
		{name: "within tolerance", target: 50, want: 10, fleet: Fleet{Template: 10, Clusters: []ClusterPods{
			{Name: "spot", Assigned: 8, Pods: readyPods(8, 530, 1000)}, {Name: "ondemand", Assigned: 2, Pods: readyPods(2, 530, 1000)}}}},
		// The fleet's average is on target, but the traffic is split 50:50
		// while the replicas are 80:20: ondemand's pods run at twice
		// their target, so the template doubles: ondemand's share then suffices.
		{name: "unequal load per cluster", target: 50, want: 20, hottest: "ondemand", fleet: Fleet{Template: 10, Clusters: []ClusterPods{
			{Name: "spot", Assigned: 8, Pods: readyPods(8, 250, 1000)}, {Name: "ondemand", Assigned: 2, Pods: readyPods(2, 1000, 1000)}}}},
		// A stale cluster's share follows the others' load on the way up...
		{name: "stale cluster, scale up", target: 50, want: 20, fleet: Fleet{Template: 10, Clusters: []ClusterPods{
			{Name: "spot", Assigned: 5, Pods: readyPods(5, 1000, 1000)}, {Name: "ondemand", Assigned: 5, Stale: true}}}},
		// ...but does not let the fleet shrink.
		{name: "stale cluster, no scale down", target: 50, want: 10, heldByStale: "ondemand", fleet: Fleet{Template: 10, Clusters: []ClusterPods{
			{Name: "spot", Assigned: 5, Pods: readyPods(5, 100, 1000)}, {Name: "ondemand", Assigned: 5, Stale: true}}}},
		{name: "scale down", target: 50, want: 2, fleet: Fleet{Template: 10, Clusters: []ClusterPods{
			{Name: "spot", Assigned: 5, Pods: readyPods(5, 100, 1000)}, {Name: "ondemand", Assigned: 5, Pods: readyPods(5, 100, 1000)}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.fleet.Tolerance = DefaultTolerance
			got, err := tc.fleet.Utilization(tc.target)
			if err != nil {
				t.Fatal(err)
			}
			if got.Replicas != tc.want || got.Hottest != tc.hottest || got.HeldByStale != tc.heldByStale {
				t.Fatalf("got %+v, want %d replicas, hottest %q, held by %q", got, tc.want, tc.hottest, tc.heldByStale)
			}
		})
	}
}

func TestFleetTotal(t *testing.T) {
	f := Fleet{Template: 4, Tolerance: DefaultTolerance, Clusters: []ClusterPods{{Name: "a", Assigned: 2}, {Name: "b", Assigned: 2}}}
	// A queue of 300 items summed over the clusters, 30 per replica.
	if got := f.Total(300_000, 0, 30_000); got.Replicas != 10 || got.Current != 300_000 {
		t.Fatalf("average target: got %+v, want 10 replicas", got)
	}
	// A total of 90 against a target of 30: three times the replicas.
	if got := f.Total(90_000, 30_000, 0); got.Replicas != 12 {
		t.Fatalf("value target: got %+v, want 12 replicas", got)
	}
	dup := Fleet{Template: 2, Tolerance: DefaultTolerance, Clusters: []ClusterPods{{Name: "a", Assigned: 2}, {Name: "b", Assigned: 2}}}
	if got := dup.Total(300_000, 0, 30_000); got.Replicas != 5 {
		t.Fatalf("duplicated: got %+v, want 5 per cluster", got)
	}
}
