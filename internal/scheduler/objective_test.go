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
	"context"
	"strings"
	"testing"
	"time"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/scheduler/framework"
)

var objectiveNow = time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)

func priced(name, vcpuHour string, carbon string) *framework.ClusterInfo {
	b := makeCluster(name).nodes(1, "4")
	if vcpuHour != "" {
		b.labels(clusterproperties.VCPUHourUSD, vcpuHour)
	}
	if carbon != "" {
		b.labels(clusterproperties.CarbonIntensity, carbon)
	}
	return b.obj()
}

func stableRules() framework.Stability {
	return framework.Stability{MinSavingPercent: 10, SustainFor: time.Hour, Cooldown: time.Hour, MaxMovePercent: 25, StepInterval: time.Minute}
}

func governed(replicas int64, o *framework.Objective, previous ...framework.TargetCluster) *framework.Workload {
	w := deployment(replicas, "1", &policyv1alpha1.Placement{ReplicaScheduling: dynamicWeight()})
	w.Objective, w.Previous = o, previous
	return w
}

func scheduleOK(t *testing.T, clusters []*framework.ClusterInfo, w *framework.Workload) *Result {
	t.Helper()
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Schedule(context.Background(), &framework.Snapshot{Clusters: clusters}, w)
	if err != nil {
		t.Fatalf("%v\n%+v", err, res.Explanation)
	}
	return res
}

// Each cluster has room for 4 one-CPU replicas.
func TestCostObjectiveFillsTheCheapestFirst(t *testing.T) {
	fleet := []*framework.ClusterInfo{priced("a-dear", "0.05", ""), priced("b-cheap", "0.01", ""), priced("c-mid", "0.03", ""), priced("d-unknown", "", "")}
	o := &framework.Objective{Cost: 1, Now: objectiveNow, Stability: stableRules()}
	res := scheduleOK(t, fleet, governed(6, o))
	if got := render(res.Clusters); got != "b-cheap:4, c-mid:2" {
		t.Fatalf("got %s, want the cheapest filled first; %s", got, res.Explanation.Division)
	}
	// Nine replicas spill to the dearest priced cluster before the one
	// with no price: unknown is never cheapest.
	res = scheduleOK(t, fleet, governed(9, o))
	if got := render(res.Clusters); got != "a-dear:1, b-cheap:4, c-mid:4" {
		t.Fatalf("got %s", got)
	}
	for _, c := range res.Explanation.Candidates {
		if c.Eval == nil {
			t.Fatalf("%s has no evaluation", c.Name)
		}
		if c.Name == "d-unknown" && (c.Eval.PriceKnown || c.Eval.Cost != 0) {
			t.Fatalf("unknown price scored %+v", c.Eval)
		}
	}
}

func TestCarbonObjectiveAndObjectiveScores(t *testing.T) {
	fleet := []*framework.ClusterInfo{priced("fr", "0.03", "50"), priced("de", "0.015", "200"), priced("pl", "0.01", "700")}
	res := scheduleOK(t, fleet, governed(4, &framework.Objective{Carbon: 1, Now: objectiveNow, Stability: stableRules()}))
	if got := render(res.Clusters); got != "fr:4" {
		t.Fatalf("carbon: got %s", got)
	}
	res = scheduleOK(t, fleet, governed(4, &framework.Objective{Cost: 1, Now: objectiveNow, Stability: stableRules()}))
	if got := render(res.Clusters); got != "pl:4" {
		t.Fatalf("cost: got %s", got)
	}
	// Equal weights: fr is best on carbon and worst on cost, pl the
	// reverse, both about 50 on the mean; de is good on both.
	res = scheduleOK(t, fleet, governed(4, &framework.Objective{Cost: 1, Carbon: 1, Now: objectiveNow, Stability: stableRules()}))
	for _, c := range res.Explanation.Candidates {
		if c.Name == "de" && c.Eval.Score <= 50 {
			t.Fatalf("de should lead on the mean: %+v", c.Eval)
		}
	}
	if got := render(res.Clusters); got != "de:4" {
		t.Fatalf("cost+carbon: got %s", got)
	}
}

func TestClusterBelowSLOGetsNoMoreReplicas(t *testing.T) {
	fleet := []*framework.ClusterInfo{priced("cheap-flaky", "0.01", ""), priced("dear-good", "0.05", "")}
	o := &framework.Objective{Cost: 1, Performance: 1, MinSuccessRate: 99.9, SuccessRate: map[string]float64{"cheap-flaky": 99.5, "dear-good": 99.99}, Now: objectiveNow, Stability: stableRules()}
	res := scheduleOK(t, fleet, governed(3, o))
	if got := render(res.Clusters); got != "dear-good:3" {
		t.Fatalf("new workload: got %s, want nothing on the cluster below its SLO", got)
	}
	// Already running one there: it keeps it, the scale-up goes elsewhere.
	res = scheduleOK(t, fleet, governed(4, o, framework.TargetCluster{Name: "cheap-flaky", Replicas: 1}, framework.TargetCluster{Name: "dear-good", Replicas: 1}))
	if got := render(res.Clusters); got != "cheap-flaky:1, dear-good:3" {
		t.Fatalf("scale-up: got %s", got)
	}
}

func TestStaticWeightsAreKeptUnderAnObjective(t *testing.T) {
	fleet := []*framework.ClusterInfo{priced("spot-cluster", "0.007", ""), priced("ondemand-cluster", "0.03", "")}
	w := deployment(10, "100m", &policyv1alpha1.Placement{ReplicaScheduling: staticWeight("spot-cluster", 80, "ondemand-cluster", 20)})
	w.Objective = &framework.Objective{Cost: 1, Now: objectiveNow, Stability: stableRules()}
	if got := render(scheduleOK(t, fleet, w).Clusters); got != "ondemand-cluster:2, spot-cluster:8" {
		t.Fatalf("got %s", got)
	}
}

func TestPriceChangeMovesOnlyPastTheThresholdAfterItLasts(t *testing.T) {
	// b was cheaper; now a is 20% cheaper than b.
	fleet := func(a, b string) []*framework.ClusterInfo {
		return []*framework.ClusterInfo{priced("a", a, ""), priced("b", b, "")}
	}
	running := []framework.TargetCluster{{Name: "b", Replicas: 4}}
	rules := stableRules()
	o := func(now time.Time, s framework.Stability) *framework.Objective {
		return &framework.Objective{Cost: 1, Now: now, Stability: s}
	}

	// A 5% saving is below the threshold: nothing moves, nothing is kept.
	res := scheduleOK(t, fleet("0.0095", "0.01"), governed(4, o(objectiveNow, rules), running...))
	if got := render(res.Clusters); got != "b:4" || res.Explanation.Move.Step || !res.Explanation.Move.SavingSince.IsZero() {
		t.Fatalf("below threshold: %s %+v", got, res.Explanation.Move)
	}

	// A 20% saving: first seen now, it must last an hour.
	res = scheduleOK(t, fleet("0.008", "0.01"), governed(4, o(objectiveNow, rules), running...))
	mv := res.Explanation.Move
	if got := render(res.Clusters); got != "b:4" || mv.Step || !mv.SavingSince.Equal(objectiveNow) || mv.RecheckAfter != time.Hour {
		t.Fatalf("first seen: %s %+v", got, mv)
	}
	rules.SavingSince = mv.SavingSince
	res = scheduleOK(t, fleet("0.008", "0.01"), governed(4, o(objectiveNow.Add(59*time.Minute), rules), running...))
	if got := render(res.Clusters); got != "b:4" || res.Explanation.Move.Step {
		t.Fatalf("not yet lasted: %s %+v", got, res.Explanation.Move)
	}

	// After an hour, a step of 25% (one replica of four).
	at := objectiveNow.Add(time.Hour)
	res = scheduleOK(t, fleet("0.008", "0.01"), governed(4, o(at, rules), running...))
	mv = res.Explanation.Move
	if got := render(res.Clusters); got != "a:1, b:3" || !mv.Step || !mv.Moving || !mv.LastStepAt.Equal(at) || mv.RecheckAfter != time.Minute {
		t.Fatalf("first step: %s %+v", got, mv)
	}
	// The next steps wait for the step interval, then go on to the end.
	current := res.Clusters
	for step := 2; step <= 4; step++ {
		rules.Moving, rules.LastStepAt = mv.Moving, mv.LastStepAt
		early := scheduleOK(t, fleet("0.008", "0.01"), governed(4, o(at.Add(30*time.Second), rules), current...))
		if render(early.Clusters) != render(current) || early.Explanation.Move.Step {
			t.Fatalf("step %d came early: %s", step, render(early.Clusters))
		}
		at = rules.LastStepAt.Add(time.Minute)
		res = scheduleOK(t, fleet("0.008", "0.01"), governed(4, o(at, rules), current...))
		mv, current = res.Explanation.Move, res.Clusters
	}
	if got := render(current); got != "a:4" || !mv.Done || mv.Moving || !strings.Contains(mv.Reason, "reached the optimum") {
		t.Fatalf("end of the move: %s %+v", got, mv)
	}

	// The price flips back: a saving again, but within the cooldown.
	rules = stableRules()
	rules.LastStepAt, rules.SavingSince = at, at.Add(-2*time.Hour)
	res = scheduleOK(t, fleet("0.01", "0.008"), governed(4, o(at.Add(10*time.Minute), rules), current...))
	if got := render(res.Clusters); got != "a:4" || res.Explanation.Move.Step || res.Explanation.Move.RecheckAfter != 50*time.Minute {
		t.Fatalf("cooldown: %s %+v", got, res.Explanation.Move)
	}
}

func TestScalingAGovernedWorkloadDoesNotMoveIt(t *testing.T) {
	fleet := []*framework.ClusterInfo{priced("a", "0.01", ""), priced("b", "0.02", ""), priced("c", "0.03", "")}
	o := &framework.Objective{Cost: 1, Now: objectiveNow, Stability: stableRules()}
	// Running on the dear ones (placed before the prices were known).
	running := []framework.TargetCluster{{Name: "b", Replicas: 2}, {Name: "c", Replicas: 2}}
	res := scheduleOK(t, fleet, governed(6, o, running...))
	if got := render(res.Clusters); got != "a:2, b:2, c:2" {
		t.Fatalf("scale-up: got %s, want the new replicas on the cheapest", got)
	}
	res = scheduleOK(t, fleet, governed(3, o, running...))
	if got := render(res.Clusters); got != "b:2, c:1" {
		t.Fatalf("scale-down: got %s, want the dearest emptied first", got)
	}
}

func TestCostWeightDividesByInversePrice(t *testing.T) {
	fleet := []*framework.ClusterInfo{priced("spot-cluster", "0.008", ""), priced("ondemand-cluster", "0.032", ""), priced("unpriced", "", "")}
	w := deployment(12, "1", &policyv1alpha1.Placement{ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{
		ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided, ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
	}})
	w.CostWeighted, w.Now = true, objectiveNow
	// Weights 1000 : 250 : 250 (unpriced weighs as the dearest).
	res := scheduleOK(t, fleet, w)
	if got := render(res.Clusters); got != "ondemand-cluster:2, spot-cluster:8, unpriced:2" {
		t.Fatalf("got %s; %s", got, res.Explanation.Division)
	}
	if !strings.Contains(res.Explanation.Division, "cost-weight: weights are inverse") {
		t.Fatalf("explanation: %s", res.Explanation.Division)
	}
	// The seed's example 11: the policy's own weights stand.
	w = deployment(10, "100m", &policyv1alpha1.Placement{ReplicaScheduling: staticWeight("spot-cluster", 80, "ondemand-cluster", 20)})
	w.CostWeighted = true
	res = scheduleOK(t, fleet[:2], w)
	if got := render(res.Clusters); got != "ondemand-cluster:2, spot-cluster:8" || !strings.Contains(res.Explanation.Division, "own weights stand") {
		t.Fatalf("example 11: %s; %s", got, res.Explanation.Division)
	}
	// No price known: equal weights.
	w = deployment(4, "1", &policyv1alpha1.Placement{ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided}})
	w.CostWeighted = true
	if got := render(scheduleOK(t, []*framework.ClusterInfo{priced("x", "", ""), priced("y", "", "")}, w).Clusters); got != "x:2, y:2" {
		t.Fatalf("no prices: %s", got)
	}
}
