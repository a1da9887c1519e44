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

package replay

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/scheduler"
)

// traceStart is a Monday.
var traceStart = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

const (
	traceDays = 7
	traceStep = 5 * time.Minute
	// greedyBound is how many percentage points of saving, on cost and on
	// carbon, Kurator may give up against greedy for its stability.
	greedyBound = 5.0
)

// TestCostCarbonReplay replays a synthetic week of four regions at five-
// minute steps under every policy and checks what must hold whatever the
// seed. `go test -v -run TestCostCarbonReplay` prints the tables that
// BENCHMARKS.md quotes.
func TestCostCarbonReplay(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			tr := SyntheticTrace(traceStart, traceDays, traceStep, seed)
			carried := 0
			cfg := Config{observe: func(policy, _ string, now time.Time, res *scheduler.Result) {
				if mv := res.Explanation.Move; policy == "kurator cost-only" && mv != nil && !mv.SavingSince.IsZero() && mv.SavingSince.Before(now) {
					carried++
				}
			}}
			r, err := Replay(tr, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("trace:\n%s\n%s", tr.Summary(), r)
			checkAccounts(t, tr, r)
			checkSavings(t, r)
			// The stability state goes from one decision to the next: a
			// saving first seen at an earlier step is still dated then,
			// while it waits to last.
			if carried == 0 {
				t.Errorf("no kurator decision waited on a saving first seen at an earlier step: the sustain rule or the carried state is broken")
			}
		})
	}
}

// checkAccounts: every policy placed every replica at every step, and no
// policy an objective governs throughout placed a replica on a cluster
// below the SLO, while the counterfactual did.
func checkAccounts(t *testing.T, tr Trace, r Result) {
	t.Helper()
	base := policy(t, r, Agnostic)
	decisions := len(tr.Steps) * len(DefaultWorkloads())
	governed := map[string]bool{}
	for _, p := range DefaultPolicies() {
		governed[p.Name] = p.Objective != nil && !p.FirstDecisionOnly
	}
	for _, p := range r.Policies {
		if p.Decisions != decisions {
			t.Errorf("%s: %d decisions, want %d", p.Name, p.Decisions, decisions)
		}
		if math.Abs(p.ReplicaHours-base.ReplicaHours) > 1e-6 {
			t.Errorf("%s ran %.2f replica-hours, the counterfactual %.2f: replicas went missing", p.Name, p.ReplicaHours, base.ReplicaHours)
		}
		if governed[p.Name] && p.NewBelowSLO != 0 {
			t.Errorf("%s placed %.1f replica-hours on clusters below the SLO; want none", p.Name, p.NewBelowSLO)
		}
	}
	if base.NewBelowSLO == 0 || base.KeptBelowSLO == 0 {
		t.Errorf("the counterfactual ran nothing on the degraded cluster (new %.1f, kept %.1f replica-hours): the trace or the count is broken",
			base.NewBelowSLO, base.KeptBelowSLO)
	}
}

// checkSavings: Kurator saves money and carbon against the counterfactual,
// within greedyBound points of greedy on each, with fewer replicas moved.
func checkSavings(t *testing.T, r Result) {
	t.Helper()
	for _, pair := range [][2]string{{"kurator", "greedy"}, {"kurator carbon-only", "greedy carbon-only"}, {"kurator cost-only", "greedy cost-only"}} {
		k, g := policy(t, r, pair[0]), policy(t, r, pair[1])
		kUSD, kCarbon := r.Savings(k)
		gUSD, gCarbon := r.Savings(g)
		if (pair[0] != "kurator cost-only" && kCarbon <= 0) || (pair[0] != "kurator carbon-only" && kUSD <= 0) {
			t.Errorf("%s saves %.1f%% USD and %.1f%% carbon; want both positive", k.Name, kUSD, kCarbon)
		}
		if kUSD < gUSD-greedyBound || kCarbon < gCarbon-greedyBound {
			t.Errorf("%s saves %.1f%% USD and %.1f%% carbon, %s %.1f%% and %.1f%%: more than %g points short",
				k.Name, kUSD, kCarbon, g.Name, gUSD, gCarbon, greedyBound)
		}
		if k.ReplicasMoved > g.ReplicasMoved {
			t.Errorf("%s moved %d replicas, more than %s's %d", k.Name, k.ReplicasMoved, g.Name, g.ReplicasMoved)
		}
	}
	// The spot price spikes make moving pay for the cost objective: greedy
	// chases every spike at once, Kurator only those that last, in steps.
	if k, g := policy(t, r, "kurator cost-only"), policy(t, r, "greedy cost-only"); k.ReplicasMoved == 0 || k.ReplicasMoved >= g.ReplicasMoved {
		t.Errorf("kurator cost-only moved %d replicas, greedy %d: the spikes should move both, Kurator fewer", k.ReplicasMoved, g.ReplicasMoved)
	}
}

func policy(t *testing.T, r Result, name string) PolicyResult {
	t.Helper()
	p, ok := r.Policy(name)
	if !ok {
		t.Fatalf("no result for %s", name)
	}
	return p
}

func TestPublishedClustersCarryTheTraceAsProperties(t *testing.T) {
	tr := SyntheticTrace(traceStart, 1, traceStep, 1)
	i := 150
	now := tr.At(i)
	for r, c := range publishedClusters(tr, i, 32) {
		p := clusterproperties.Read(c, now)
		want := tr.Steps[i][r]
		if !p.VCPUHour.Known || math.Abs(p.VCPUHour.Value-want.VCPUHour) > 1e-5 || p.Spot != tr.Regions[r].Spot {
			t.Errorf("%s: price %+v spot %v; want %.5f, spot %v", c.Name, p.VCPUHour, p.Spot, want.VCPUHour, tr.Regions[r].Spot)
		}
		if !p.Carbon.Known || math.Abs(p.Carbon.Value-want.Intensity) > 0.05 {
			t.Errorf("%s: carbon %+v; want %.1f", c.Name, p.Carbon, want.Intensity)
		}
		// Intensities and spot prices are a feed's: stale once too old.
		late := clusterproperties.Read(c, now.Add(clusterproperties.DefaultMaxAge+time.Minute))
		if late.Carbon.Known || (tr.Regions[r].Spot && late.VCPUHour.Known) {
			t.Errorf("%s: values older than their max age are still known: %+v", c.Name, late)
		}
	}
}

func TestPlacedOnceKeepsItsFirstClusters(t *testing.T) {
	tr := SyntheticTrace(traceStart, 2, traceStep, 1)
	once := Policy{Name: "placed once", Objective: Governed(1, 1, 1), FirstDecisionOnly: true}
	governed := 0
	cfg := Config{Policies: []Policy{{Name: Agnostic}, once}, observe: func(_, _ string, _ time.Time, res *scheduler.Result) {
		if res.Explanation.Move != nil {
			governed++
		}
	}}
	r, err := Replay(tr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if governed != len(DefaultWorkloads()) {
		t.Errorf("%d decisions were governed; want each workload's first only", governed)
	}
	if p := policy(t, r, "placed once"); p.ReplicasMoved != 0 {
		t.Errorf("placed once moved %d replicas", p.ReplicasMoved)
	}
}

func TestReplayRejectsWhatItCannotPlace(t *testing.T) {
	tr := SyntheticTrace(traceStart, 1, traceStep, 1)
	if _, err := Replay(Trace{}, Config{}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty trace: %v", err)
	}
	// Four clusters of 16 vCPUs cannot hold 40 API replicas and a web
	// tier of up to 40.
	_, err := Replay(tr, Config{VCPUsPerCluster: 16})
	if err == nil || !strings.Contains(err.Error(), "deciding web") {
		t.Errorf("a fleet too small: %v; want the web tier unplaceable", err)
	}
}
