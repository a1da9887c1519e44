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
	"testing"
)

func subset(name string, weight int32, clusters ...ClusterWeight) SubsetWeights {
	return SubsetWeights{Name: name, Weight: weight, Clusters: clusters}
}

func cw(name string, weight int32) ClusterWeight {
	return ClusterWeight{Name: name, Weight: weight}
}

// routeString renders a route as "v1/a=54 v1/b=36 ..." for compact expectations.
func routeString(route []RouteWeight) string {
	parts := make([]string, len(route))
	for i, r := range route {
		parts[i] = fmt.Sprintf("%s/%s=%d", r.Subset, r.Cluster, r.Weight)
	}
	return strings.Join(parts, " ")
}

func TestCombineGolden(t *testing.T) {
	tests := []struct {
		name    string
		subsets []SubsetWeights
		want    string
		// noneServing marks a route that adds up to 0 rather than 100.
		noneServing bool
		// reasons lists, per "subset/cluster", texts its reasons must contain.
		reasons map[string]string
	}{{
		name:    "90/10 subsets times per-cluster weights",
		subsets: []SubsetWeights{subset("v1", 90, cw("a", 60), cw("b", 40)), subset("v2", 10, cw("a", 50), cw("b", 50))},
		want:    "v1/a=54 v1/b=36 v2/a=5 v2/b=5",
	}, {
		name:    "a drained cluster keeps a 0 entry",
		subsets: []SubsetWeights{subset("v1", 90, cw("a", 100), cw("b", 0)), subset("v2", 10, cw("a", 100), cw("b", 0))},
		want:    "v1/a=90 v1/b=0 v2/a=10 v2/b=0",
	}, {
		name:    "a subset with no serving cluster hands its weight to the others",
		subsets: []SubsetWeights{subset("v1", 90, cw("a", 60), cw("b", 40)), subset("v2", 10, cw("a", 0), cw("b", 0))},
		want:    "v1/a=60 v1/b=40 v2/a=0 v2/b=0",
		reasons: map[string]string{
			"v2/a": "subset v2 has no serving cluster; its weight went to v1",
			"v1/b": "includes the weight of v2",
		},
	}, {
		name: "a dead subset's weight is shared in proportion to the live ones",
		subsets: []SubsetWeights{
			subset("v1", 60, cw("a", 100)), subset("v2", 30, cw("a", 100)), subset("v3", 10, cw("a", 0)),
		},
		want: "v1/a=67 v2/a=33 v3/a=0",
	}, {
		name: "rounding ties go to the first subset and cluster name",
		subsets: []SubsetWeights{
			subset("v3", 33, cw("b", 50), cw("a", 50)), subset("v1", 34, cw("a", 50), cw("b", 50)),
			subset("v2", 33, cw("a", 50), cw("b", 50)),
		},
		want: "v1/a=17 v1/b=17 v2/a=17 v2/b=17 v3/a=16 v3/b=16",
	}, {
		name:    "user weights on any scale are renormalised",
		subsets: []SubsetWeights{subset("v1", 9, cw("a", 100)), subset("v2", 1, cw("a", 100))},
		want:    "v1/a=90 v2/a=10",
	}, {
		name:    "live subsets all weighted 0 share a dead subset's weight equally",
		subsets: []SubsetWeights{subset("v1", 100, cw("a", 0)), subset("v2", 0, cw("a", 70), cw("b", 30))},
		want:    "v1/a=0 v2/a=70 v2/b=30",
	}, {
		name:    "no subset can serve",
		subsets: []SubsetWeights{subset("v1", 90, cw("a", 0)), subset("v2", 10)},
		want:    "v1/a=0", noneServing: true,
		reasons: map[string]string{"v1/a": "no subset has a serving cluster"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			route := Combine(tc.subsets)
			if got := routeString(route); got != tc.want {
				t.Errorf("route = %s, want %s", got, tc.want)
			}
			var total int32
			for _, r := range route {
				total += r.Weight
			}
			wantTotal := int32(100)
			if tc.noneServing {
				wantTotal = 0
			}
			if total != wantTotal {
				t.Errorf("route adds up to %d, want %d", total, wantTotal)
			}
			for _, r := range route {
				want, ok := tc.reasons[r.Subset+"/"+r.Cluster]
				if ok && !slices.ContainsFunc(r.Reasons, func(s string) bool { return strings.Contains(s, want) }) {
					t.Errorf("%s/%s reasons %q lack %q", r.Subset, r.Cluster, r.Reasons, want)
				}
			}
		})
	}
}
