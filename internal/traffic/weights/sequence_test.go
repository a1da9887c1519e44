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
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// carry builds the next input from the previous decision, as the controller
// does from a TrafficPolicy's status.
func carry(prev Decision, clusters ...ClusterInput) Input {
	inForce := make(map[string]ClusterOutput, len(prev.Clusters))
	for _, c := range prev.Clusters {
		inForce[c.Name] = c
	}
	clusters = slices.Clone(clusters)
	for i, c := range clusters {
		if out, ok := inForce[c.Name]; ok {
			clusters[i].Known, clusters[i].Weight, clusters[i].Recovering = true, out.Weight, out.Recovering
		}
	}
	return Input{Clusters: clusters, LastChange: prev.LastChange, Guards: DefaultGuards()}
}

func mustCompute(t *testing.T, in Input, now time.Time) Decision {
	t.Helper()
	d, err := Compute(in, now)
	if err != nil {
		t.Fatalf("Compute at %s: %v", now.Format(time.TimeOnly), err)
	}
	return d
}

func hasReason(c ClusterOutput, text string) bool {
	return slices.ContainsFunc(c.Reasons, func(r string) bool { return strings.Contains(r, text) })
}

// rampSteps drives d through one ramp decision per expected row, asserting
// that each waits for the full cooldown and then moves to that row.
func rampSteps(t *testing.T, d Decision, clusters []ClusterInput, ramping string, rows [][]int32) Decision {
	t.Helper()
	cooldown := DefaultGuards().Cooldown
	for step, want := range rows {
		cooldownEnd := d.LastChange.Add(cooldown)
		held := mustCompute(t, carry(d, clusters...), cooldownEnd.Add(-time.Second))
		if got := weightsOf(held); held.Summary != SummaryCooldown || held.Changed || !slices.Equal(got, weightsOf(d)) {
			t.Fatalf("step %d one second early: summary %s, changed %v, weights %v; want a cooldown hold of %v",
				step+1, held.Summary, held.Changed, got, weightsOf(d))
		}
		if !held.NextEvaluation.Equal(cooldownEnd) {
			t.Fatalf("step %d: next evaluation %v, want %v", step+1, held.NextEvaluation, cooldownEnd)
		}
		d = mustCompute(t, carry(d, clusters...), cooldownEnd)
		if got := weightsOf(d); d.Summary != SummaryMoved || !d.Changed || !slices.Equal(got, want) {
			t.Fatalf("step %d: summary %s, changed %v, weights %v; want a move to %v", step+1, d.Summary, d.Changed, got, want)
		}
		last := step == len(rows)-1
		for _, c := range d.Clusters {
			if c.Name != ramping {
				continue
			}
			if c.Recovering == last {
				t.Fatalf("step %d: %s recovering = %v, want %v", step+1, c.Name, c.Recovering, !last)
			}
			if text := fmt.Sprintf("recovering: step %d of 3", step+1); !hasReason(c, text) {
				t.Fatalf("step %d: reasons %q lack %q", step+1, c.Reasons, text)
			}
		}
		if wantNext := cooldownEnd.Add(cooldown); !last && !d.NextEvaluation.Equal(wantNext) {
			t.Fatalf("step %d: next evaluation %v, want %v", step+1, d.NextEvaluation, wantNext)
		}
	}
	if !d.NextEvaluation.IsZero() {
		t.Fatalf("after the ramp: next evaluation %v, want none", d.NextEvaluation)
	}
	settled := mustCompute(t, carry(d, clusters...), d.LastChange.Add(time.Hour))
	if settled.Summary != SummaryConverged || settled.Changed {
		t.Fatalf("after the ramp: summary %s, changed %v; want converged", settled.Summary, settled.Changed)
	}
	return settled
}

func TestRecoveryRampsBackInThreeCooledDownSteps(t *testing.T) {
	d := mustCompute(t, Input{Clusters: []ClusterInput{fresh("a", 6, 1), fresh("b", 4, 1)}, Guards: DefaultGuards()}, noon)
	drainedAt := noon.Add(5 * time.Minute)
	d = mustCompute(t, carry(d, fresh("a", 6, 0), fresh("b", 4, 1)), drainedAt)
	if got := weightsOf(d); !slices.Equal(got, []int32{0, 100}) || !slices.Equal(recoveringOf(d), []string{"a"}) {
		t.Fatalf("drain: weights %v, recovering %v; want [0 100] with a recovering", got, recoveringOf(d))
	}
	healthy := []ClusterInput{fresh("a", 6, 1), fresh("b", 4, 1)}
	rampSteps(t, d, healthy, "a", [][]int32{{20, 80}, {40, 60}, {60, 40}})
}

func TestAddedClusterRampsIn(t *testing.T) {
	d := mustCompute(t, Input{Clusters: []ClusterInput{fresh("a", 3, 1), fresh("b", 2, 1)}, Guards: DefaultGuards()}, noon)
	// The controller records c at 0 in the decision that first sees it.
	three := []ClusterInput{fresh("a", 3, 1), fresh("b", 2, 1), fresh("c", 1, 1)}
	d = mustCompute(t, carry(d, three...), noon.Add(time.Second))
	if d.Summary != SummaryCooldown || !slices.Equal(weightsOf(d), []int32{60, 40, 0}) {
		t.Fatalf("first sight of c: summary %s, weights %v", d.Summary, weightsOf(d))
	}
	rampSteps(t, d, three, "c", [][]int32{{56, 38, 6}, {53, 35, 12}, {50, 33, 17}})
}

func TestFailStaticThenFirstRecoveredClusterTakesAll(t *testing.T) {
	d := mustCompute(t, Input{Clusters: []ClusterInput{fresh("a", 6, 1), fresh("b", 4, 1)}, Guards: DefaultGuards()}, noon)
	d = mustCompute(t, carry(d, fresh("a", 6, 0), fresh("b", 4, 0)), noon.Add(time.Minute))
	if d.Summary != SummaryNoHealthyCluster || d.Changed || !slices.Equal(weightsOf(d), []int32{60, 40}) {
		t.Fatalf("all down: summary %s, changed %v, weights %v; want 60/40 kept", d.Summary, d.Changed, weightsOf(d))
	}
	d = mustCompute(t, carry(d, fresh("a", 6, 1), fresh("b", 4, 0)), noon.Add(time.Minute+time.Second))
	if d.Summary != SummaryDrained || !slices.Equal(weightsOf(d), []int32{100, 0}) {
		t.Fatalf("a back: summary %s, weights %v; want b drained to a", d.Summary, weightsOf(d))
	}
}

// Health that wobbles below the hysteresis threshold must never move traffic.
func TestSubThresholdWobbleNeverChangesWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	names := []string{"a", "b", "c"}
	bases := []float64{45.5, 34.5, 20} // on rounding edges, so targets flip often
	wobble := func() []ClusterInput {
		clusters := make([]ClusterInput, len(names))
		for i, name := range names {
			clusters[i] = fresh(name, bases[i], 0.97+0.03*rng.Float64())
		}
		return clusters
	}
	now := noon
	d := mustCompute(t, Input{Clusters: wobble(), Guards: DefaultGuards()}, now)
	first := weightsOf(d)
	held := 0
	for i := range 200 {
		now = now.Add(time.Duration(5+rng.IntN(60)) * time.Second)
		d = mustCompute(t, carry(d, wobble()...), now)
		if d.Changed || !slices.Equal(weightsOf(d), first) {
			t.Fatalf("decision %d (%s): weights %v, targets %v; want %v unchanged",
				i+1, d.Summary, weightsOf(d), targetsOf(d), first)
		}
		if d.Summary == SummaryHysteresis {
			held++
		}
	}
	// Otherwise the wobble never reached the targets and proves nothing.
	if held == 0 {
		t.Fatalf("no decision was held by hysteresis")
	}
	t.Logf("%d of 200 decisions held by hysteresis", held)
}
