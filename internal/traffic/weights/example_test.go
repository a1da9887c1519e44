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

package weights_test

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"kurator.dev/kurator/internal/traffic/weights"
)

// The worked example of docs/traffic-weights.md: clusters a and b run 6 and
// 4 replicas; a goes NotReady, comes back, and ramps in again.
func ExampleCompute() {
	at := func(clock string) time.Time {
		t, _ := time.Parse(time.TimeOnly, clock)
		return time.Date(2026, 3, 1, t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	}
	var last weights.Decision
	decide := func(clock string, healthA, healthB float64) {
		in := weights.Input{LastChange: last.LastChange, Guards: weights.DefaultGuards()}
		for _, c := range []weights.ClusterInput{
			{Name: "a", Base: 6, Health: healthA},
			{Name: "b", Base: 4, Health: healthB},
		} {
			for _, prev := range last.Clusters {
				if prev.Name == c.Name {
					c.Known, c.Weight, c.Recovering = true, prev.Weight, prev.Recovering
				}
			}
			in.Clusters = append(in.Clusters, c)
		}
		d, err := weights.Compute(in, at(clock))
		if err != nil {
			panic(err)
		}
		a, b := d.Clusters[0], d.Clusters[1]
		line := fmt.Sprintf("%s %-16s a=%-3d b=%-3d targets %d/%d %s",
			clock, d.Summary, a.Weight, b.Weight, a.Target, b.Target, strings.Join(slices.Concat(a.Reasons, b.Reasons), "; "))
		fmt.Println(strings.TrimSpace(line))
		last = d
	}
	decide("12:00:00", 1, 1)
	decide("12:01:00", 1, 0.95)
	decide("12:02:00", 0, 1)
	decide("12:02:10", 1, 1)
	decide("12:02:30", 1, 1)
	decide("12:03:00", 1, 1)
	decide("12:03:30", 1, 1)
	decide("12:04:00", 1, 1)
	// Output:
	// 12:00:00 Initial          a=60  b=40  targets 60/40
	// 12:01:00 Hysteresis       a=60  b=40  targets 61/39 held by hysteresis (target 61, in force 60); held by hysteresis (target 39, in force 40)
	// 12:02:00 Drained          a=0   b=100 targets 0/100 drained; took 60 points freed by drained or removed clusters
	// 12:02:10 Cooldown         a=0   b=100 targets 60/40 cooldown until 12:02:30Z; cooldown until 12:02:30Z
	// 12:02:30 Moved            a=20  b=80  targets 60/40 recovering: step 1 of 3
	// 12:03:00 Moved            a=40  b=60  targets 60/40 recovering: step 2 of 3
	// 12:03:30 Moved            a=60  b=40  targets 60/40 recovering: step 3 of 3
	// 12:04:00 Converged        a=60  b=40  targets 60/40
}

func ExampleCombine() {
	route := weights.Combine([]weights.SubsetWeights{
		{Name: "v1", Weight: 90, Clusters: []weights.ClusterWeight{{Name: "a", Weight: 60}, {Name: "b", Weight: 40}}},
		{Name: "v2", Weight: 10, Clusters: []weights.ClusterWeight{{Name: "a", Weight: 100}, {Name: "b", Weight: 0}}},
	})
	for _, r := range route {
		fmt.Printf("%s/%s %d\n", r.Subset, r.Cluster, r.Weight)
	}
	// Output:
	// v1/a 54
	// v1/b 36
	// v2/a 10
	// v2/b 0
}
