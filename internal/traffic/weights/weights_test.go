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
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// noon is the decision time of the golden cases; cooldown reasons print it.
var noon = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fresh is a cluster with no weight in force yet.
func fresh(name string, base, health float64) ClusterInput {
	return ClusterInput{Name: name, Base: base, Health: health}
}

// serving is a cluster with weight in force.
func serving(name string, base, health float64, weight int32) ClusterInput {
	return ClusterInput{Name: name, Base: base, Health: health, Known: true, Weight: weight}
}

func recovering(c ClusterInput) ClusterInput {
	c.Recovering = true
	return c
}

func withReasons(c ClusterInput, reasons ...string) ClusterInput {
	c.Reasons = reasons
	return c
}

func weightsOf(d Decision) []int32 {
	out := make([]int32, len(d.Clusters))
	for i, c := range d.Clusters {
		out[i] = c.Weight
	}
	return out
}

func targetsOf(d Decision) []int32 {
	out := make([]int32, len(d.Clusters))
	for i, c := range d.Clusters {
		out[i] = c.Target
	}
	return out
}

func recoveringOf(d Decision) []string {
	var out []string
	for _, c := range d.Clusters {
		if c.Recovering {
			out = append(out, c.Name)
		}
	}
	return out
}

func TestComputeGolden(t *testing.T) {
	withFloor := DefaultGuards()
	withFloor.MinWeight = 5
	bigFloor := DefaultGuards()
	bigFloor.MinWeight = 40

	tests := []struct {
		name       string
		clusters   []ClusterInput
		lastChange time.Time
		guards     *Guards
		// Expectations are in cluster name order.
		weights    []int32
		targets    []int32
		recovering []string
		changed    bool
		summary    string
		next       time.Time
		// reasons lists, per cluster name, texts its reasons must contain.
		reasons map[string][]string
	}{{
		name:     "replica counts 6/4 split 60/40",
		clusters: []ClusterInput{fresh("a", 6, 1), fresh("b", 4, 1)},
		weights:  []int32{60, 40}, targets: []int32{60, 40},
		changed: true, summary: SummaryInitial,
	}, {
		name:     "1/1/1 splits 34/33/33 whatever the input order, first name takes the odd point",
		clusters: []ClusterInput{fresh("c", 1, 1), fresh("a", 1, 1), fresh("b", 1, 1)},
		weights:  []int32{34, 33, 33}, targets: []int32{34, 33, 33},
		changed: true, summary: SummaryInitial,
	}, {
		name:     "explicit weights 80/20",
		clusters: []ClusterInput{fresh("a", 80, 1), fresh("b", 20, 1)},
		weights:  []int32{80, 20}, targets: []int32{80, 20},
		changed: true, summary: SummaryInitial,
	}, {
		name:     "availability 0.5 on one cluster halves its share before renormalising",
		clusters: []ClusterInput{withReasons(fresh("a", 1, 0.5), "2 of 4 replicas available"), fresh("b", 1, 1)},
		weights:  []int32{33, 67}, targets: []int32{33, 67},
		changed: true, summary: SummaryInitial,
		reasons: map[string][]string{"a": {"2 of 4 replicas available"}},
	}, {
		name:     "a cluster that cannot serve at the first decision starts at 0 and recovering",
		clusters: []ClusterInput{fresh("a", 6, 1), fresh("b", 4, 0)},
		weights:  []int32{100, 0}, targets: []int32{100, 0}, recovering: []string{"b"},
		changed: true, summary: SummaryInitial,
	}, {
		name: "NotReady drains at once despite the cooldown",
		clusters: []ClusterInput{
			serving("a", 6, 1, 60),
			withReasons(serving("b", 4, 0, 40), "NotReady"),
		},
		lastChange: noon.Add(-time.Second),
		weights:    []int32{100, 0}, targets: []int32{100, 0}, recovering: []string{"b"},
		changed: true, summary: SummaryDrained,
		reasons: map[string][]string{"a": {"took 40 points"}, "b": {"NotReady", "drained"}},
	}, {
		name: "a drain feeds steady clusters before a recovering one",
		clusters: []ClusterInput{
			serving("a", 3, 1, 50),
			serving("b", 3, 0, 30),
			recovering(serving("c", 2, 1, 20)),
		},
		lastChange: noon.Add(-time.Second),
		weights:    []int32{80, 0, 20}, targets: []int32{60, 0, 40}, recovering: []string{"b", "c"},
		changed: true, summary: SummaryDrained, next: noon.Add(30 * time.Second),
	}, {
		name:     "floor lifts small clusters to MinWeight",
		clusters: []ClusterInput{fresh("a", 98, 1), fresh("b", 1, 1), fresh("c", 1, 1)},
		guards:   &withFloor,
		weights:  []int32{90, 5, 5}, targets: []int32{90, 5, 5},
		changed: true, summary: SummaryInitial,
		reasons: map[string][]string{"b": {"floor 5"}, "c": {"floor 5"}},
	}, {
		name:     "floor skips clusters that cannot serve",
		clusters: []ClusterInput{fresh("a", 98, 1), fresh("b", 2, 1), fresh("c", 1, 0)},
		guards:   &withFloor,
		weights:  []int32{95, 5, 0}, targets: []int32{95, 5, 0}, recovering: []string{"c"},
		changed: true, summary: SummaryInitial,
	}, {
		name:     "floor too high for every cluster drops to 100/n",
		clusters: []ClusterInput{fresh("a", 98, 1), fresh("b", 1, 1), fresh("c", 1, 1)},
		guards:   &bigFloor,
		weights:  []int32{34, 33, 33}, targets: []int32{34, 33, 33},
		changed: true, summary: SummaryInitial,
		reasons: map[string][]string{"b": {"floor 33"}},
	}, {
		name:       "hysteresis holds a 3-point change",
		clusters:   []ClusterInput{serving("a", 6, 1, 60), serving("b", 4, 0.88, 40)},
		lastChange: noon.Add(-time.Hour),
		weights:    []int32{60, 40}, targets: []int32{63, 37},
		summary: SummaryHysteresis,
		reasons: map[string][]string{
			"a": {"held by hysteresis (target 63, in force 60)"},
			"b": {"held by hysteresis (target 37, in force 40)"},
		},
	}, {
		name:       "weights at their targets have converged",
		clusters:   []ClusterInput{serving("a", 6, 1, 60), serving("b", 4, 1, 40)},
		lastChange: noon.Add(-time.Hour),
		weights:    []int32{60, 40}, targets: []int32{60, 40},
		summary: SummaryConverged,
	}, {
		name:       "cooldown holds a move",
		clusters:   []ClusterInput{serving("a", 8, 1, 60), serving("b", 2, 1, 40)},
		lastChange: noon.Add(-10 * time.Second),
		weights:    []int32{60, 40}, targets: []int32{80, 20},
		summary: SummaryCooldown, next: noon.Add(20 * time.Second),
		reasons: map[string][]string{"a": {"cooldown until 12:00:20Z"}},
	}, {
		name:       "a move within MaxStep lands on the targets",
		clusters:   []ClusterInput{serving("a", 7, 1, 60), serving("b", 3, 1, 40)},
		lastChange: noon.Add(-30 * time.Second),
		weights:    []int32{70, 30}, targets: []int32{70, 30},
		changed: true, summary: SummaryMoved,
	}, {
		name:       "step limits a 40-point move to 20",
		clusters:   []ClusterInput{serving("a", 9, 1, 50), serving("b", 1, 1, 50)},
		lastChange: noon.Add(-time.Minute),
		weights:    []int32{70, 30}, targets: []int32{90, 10},
		changed: true, summary: SummaryMoved, next: noon.Add(30 * time.Second),
		reasons: map[string][]string{"a": {"step limited to 20"}, "b": {"step limited to 20"}},
	}, {
		name:       "a recovering cluster ignores hysteresis until it reaches its target",
		clusters:   []ClusterInput{recovering(serving("a", 6, 1, 58)), serving("b", 4, 1, 42)},
		lastChange: noon.Add(-time.Minute),
		weights:    []int32{60, 40}, targets: []int32{60, 40},
		changed: true, summary: SummaryMoved,
	}, {
		name:       "no healthy cluster keeps the weights in force",
		clusters:   []ClusterInput{serving("a", 6, 0, 70), serving("b", 4, 0, 30)},
		lastChange: noon.Add(-time.Second),
		weights:    []int32{70, 30}, targets: []int32{0, 0},
		summary: SummaryNoHealthyCluster,
		reasons: map[string][]string{"a": {"weights in force kept"}},
	}, {
		name:     "no healthy cluster and nothing in force follows base",
		clusters: []ClusterInput{fresh("a", 6, 0), fresh("b", 4, 0)},
		weights:  []int32{60, 40}, targets: []int32{0, 0},
		changed: true, summary: SummaryNoHealthyCluster,
		reasons: map[string][]string{"b": {"weights follow base"}},
	}, {
		name:     "no healthy cluster, nothing in force and no base splits equally",
		clusters: []ClusterInput{fresh("a", 0, 1), fresh("b", 0, 0), fresh("c", 0, 1)},
		weights:  []int32{34, 33, 33}, targets: []int32{0, 0, 0},
		changed: true, summary: SummaryNoHealthyCluster,
	}, {
		name:       "a removed cluster's weight goes to the others at once",
		clusters:   []ClusterInput{serving("a", 5, 1, 50), serving("b", 3, 1, 30)},
		lastChange: noon.Add(-time.Second),
		weights:    []int32{63, 37}, targets: []int32{63, 37},
		changed: true, summary: SummaryDrained,
	}, {
		name:       "a new cluster starts recovering from 0",
		clusters:   []ClusterInput{serving("a", 3, 1, 60), serving("b", 2, 1, 40), fresh("c", 1, 1)},
		lastChange: noon.Add(-time.Second),
		weights:    []int32{60, 40, 0}, targets: []int32{50, 33, 17}, recovering: []string{"c"},
		summary: SummaryCooldown, next: noon.Add(29 * time.Second),
	}, {
		name:    "no clusters",
		summary: SummaryNoClusters,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			guards := DefaultGuards()
			if tc.guards != nil {
				guards = *tc.guards
			}
			d, err := Compute(Input{Clusters: tc.clusters, LastChange: tc.lastChange, Guards: guards}, noon)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			if got := weightsOf(d); !slices.Equal(got, tc.weights) {
				t.Errorf("weights = %v, want %v", got, tc.weights)
			}
			if got := targetsOf(d); !slices.Equal(got, tc.targets) {
				t.Errorf("targets = %v, want %v", got, tc.targets)
			}
			if got := recoveringOf(d); !slices.Equal(got, tc.recovering) {
				t.Errorf("recovering = %v, want %v", got, tc.recovering)
			}
			if d.Changed != tc.changed {
				t.Errorf("changed = %v, want %v", d.Changed, tc.changed)
			}
			if d.Summary != tc.summary {
				t.Errorf("summary = %q, want %q", d.Summary, tc.summary)
			}
			if !d.NextEvaluation.Equal(tc.next) {
				t.Errorf("next evaluation = %v, want %v", d.NextEvaluation, tc.next)
			}
			wantLastChange := tc.lastChange
			if tc.changed {
				wantLastChange = noon
			}
			if !d.LastChange.Equal(wantLastChange) {
				t.Errorf("last change = %v, want %v", d.LastChange, wantLastChange)
			}
			for _, c := range d.Clusters {
				for _, want := range tc.reasons[c.Name] {
					if !slices.ContainsFunc(c.Reasons, func(r string) bool { return strings.Contains(r, want) }) {
						t.Errorf("cluster %s reasons %q lack %q", c.Name, c.Reasons, want)
					}
				}
			}
		})
	}
}

func TestComputeRejectsInvalidInput(t *testing.T) {
	tests := []struct {
		name     string
		clusters []ClusterInput
		guards   Guards
		want     string
	}{
		{"zero guards", []ClusterInput{fresh("a", 1, 1)}, Guards{}, "maxStep 0"},
		{"duplicate name", []ClusterInput{fresh("a", 1, 1), fresh("a", 2, 1)}, DefaultGuards(), "listed twice"},
		{"empty name", []ClusterInput{fresh("", 1, 1)}, DefaultGuards(), "no name"},
		{"negative base", []ClusterInput{fresh("a", -1, 1)}, DefaultGuards(), "base -1"},
		{"health above 1", []ClusterInput{fresh("a", 1, 1.5)}, DefaultGuards(), "health 1.5"},
		{"health NaN", []ClusterInput{fresh("a", 1, nan())}, DefaultGuards(), "health NaN"},
		{"weight in force above 100", []ClusterInput{serving("a", 1, 1, 101)}, DefaultGuards(), "weight in force 101"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compute(Input{Clusters: tc.clusters, Guards: tc.guards}, noon)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestComputeDoesNotAliasInput(t *testing.T) {
	clusters := []ClusterInput{withReasons(fresh("b", 1, 1), "kept"), fresh("a", 1, 1)}
	d, err := Compute(Input{Clusters: clusters, Guards: DefaultGuards()}, noon)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	d.Clusters[1].Reasons[0] = "changed"
	if clusters[0].Name != "b" || clusters[0].Reasons[0] != "kept" {
		t.Fatalf("Compute changed its input: %+v", clusters)
	}
}

func nan() float64 { return math.NaN() }
