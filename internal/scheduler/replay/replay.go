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

// Package replay replays a synthetic multi-region carbon, price and SLI
// trace through the scheduler, step by step, under several placement
// policies, and accounts what each spends and emits. It is a benchmark
// harness: production code does not import it.
package replay

import (
	"context"
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/cost"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// SLO is the success rate every governed policy is held to, percent.
const SLO = 99.9

// Policy is one way of placing the workloads over the trace.
type Policy struct {
	Name string
	// Objective governs the workloads, as an IntelligentScheduler's
	// annotation would; nil leaves them to the placement policy alone.
	Objective *intelligent.Objective
	// FirstDecisionOnly applies the objective to each workload's first
	// placement only; the policy alone keeps and resizes it afterwards. It
	// tells how much of a saving a one-off choice of clusters gets.
	FirstDecisionOnly bool
}

// Agnostic is the counterfactual: the policy alone, blind to cost and
// carbon.
const Agnostic = "agnostic"

// Governed is an objective with the SLO and the default stability rules.
func Governed(costWeight, performanceWeight, carbonWeight int64) *intelligent.Objective {
	return &intelligent.Objective{Scheduler: "replay", Cost: costWeight, Performance: performanceWeight, Carbon: carbonWeight,
		MinSuccessRate: SLO, MinSavingPercent: intelligent.DefaultMinSavingPercent, SustainFor: intelligent.DefaultSustainFor.String(),
		Cooldown: intelligent.DefaultCooldown.String(), MaxMovePercent: intelligent.DefaultMaxMovePercent,
		StepInterval: intelligent.DefaultStepInterval.String()}
}

// Greedy is an objective without stability rules: any saving, at once,
// all replicas in one step.
func Greedy(o *intelligent.Objective) *intelligent.Objective {
	g := *o
	g.MinSavingPercent, g.SustainFor, g.Cooldown, g.MaxMovePercent = 0, "0s", "0s", 100
	return &g
}

// DefaultPolicies are the counterfactual, Kurator's balanced objective
// (cost, performance and carbon weighted 1 each, as the seed's example 13
// lists them) with and without the stability rules, the carbon-only
// objective with and without them, the cost-only objective with and
// without them (the spot price spikes make it move), cost and carbon
// without performance
// (the SLO still a constraint), and the balanced objective applied to the
// first placement only.
func DefaultPolicies() []Policy {
	balanced, carbon := Governed(1, 1, 1), Governed(0, 0, 1)
	return []Policy{
		{Name: Agnostic},
		{Name: "kurator", Objective: balanced},
		{Name: "greedy", Objective: Greedy(balanced)},
		{Name: "kurator carbon-only", Objective: carbon},
		{Name: "greedy carbon-only", Objective: Greedy(carbon)},
		{Name: "kurator cost+carbon", Objective: Governed(1, 0, 1)},
		{Name: "kurator cost-only", Objective: Governed(1, 0, 0)},
		{Name: "greedy cost-only", Objective: Greedy(Governed(1, 0, 0))},
		{Name: "placed once", Objective: balanced, FirstDecisionOnly: true},
	}
}

// Config is the replayed fleet and what runs on it. Zero values take the
// defaults.
type Config struct {
	// VCPUsPerCluster is each cluster's allocatable CPU; default 32, so
	// that the 40-replica API needs two clusters.
	VCPUsPerCluster int64
	Workloads       []Workload
	Policies        []Policy
	// observe, when set, sees every decision (for tests).
	observe func(policy, workload string, now time.Time, res *scheduler.Result)
}

func (c Config) withDefaults() Config {
	if c.VCPUsPerCluster == 0 {
		c.VCPUsPerCluster = 32
	}
	if len(c.Workloads) == 0 {
		c.Workloads = DefaultWorkloads()
	}
	if len(c.Policies) == 0 {
		c.Policies = DefaultPolicies()
	}
	return c
}

// PolicyResult is what one policy spent and emitted over the trace.
type PolicyResult struct {
	Name string
	// USD and Grams (gCO2eq, location-based) are the workloads' totals.
	USD, Grams   float64
	ReplicaHours float64
	// MoveSteps is how many decisions moved replicas from one cluster to
	// another, ReplicasMoved how many they moved (a scale-up or -down is
	// not a move).
	MoveSteps, ReplicasMoved int64
	// NewBelowSLO is replica-hours of replicas placed on a cluster while
	// its SLI was below the SLO; KeptBelowSLO of replicas that were there
	// before it fell below and stayed.
	NewBelowSLO, KeptBelowSLO float64
	Decisions                 int
}

// Result is every policy's account of one trace.
type Result struct {
	Policies []PolicyResult
	Span     time.Duration
}

// Replay decides every workload's placement at every step of the trace
// under each policy, as the scheduling controller would: each policy keeps
// its own decisions in force (Workload.Previous), and a governed one its
// stability state from the decision's Move, as the binding keeps them. The
// properties are read back from the published Cluster objects, and the
// SLI is the trace's, rounded as the controller rounds it.
func Replay(tr Trace, cfg Config) (Result, error) {
	cfg = cfg.withDefaults()
	if len(tr.Steps) == 0 || len(tr.Regions) == 0 {
		return Result{}, errors.New("replay: the trace is empty")
	}
	s, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		return Result{}, fmt.Errorf("replay: building the scheduler: %w", err)
	}
	runs := make([]*policyRun, len(cfg.Policies))
	for i, p := range cfg.Policies {
		runs[i] = newPolicyRun(p, cfg)
	}
	ctx := context.Background()
	for i := range tr.Steps {
		now := tr.At(i)
		published := publishedClusters(tr, i, cfg.VCPUsPerCluster)
		m := market{properties: map[string]clusterproperties.Properties{}, successRate: map[string]float64{}, hours: tr.Step.Hours()}
		for r, c := range published {
			m.properties[c.Name] = clusterproperties.Read(c, now)
			m.successRate[c.Name] = intelligent.RoundRate(tr.Steps[i][r].SuccessRate)
		}
		for _, run := range runs {
			if err := run.step(ctx, s, now, published, m); err != nil {
				return Result{}, fmt.Errorf("replay: %s at %s: %w", run.result.Name, now.UTC().Format(time.RFC3339), err)
			}
		}
	}
	out := Result{Span: time.Duration(len(tr.Steps)) * tr.Step}
	for _, run := range runs {
		out.Policies = append(out.Policies, run.result)
	}
	return out, nil
}

// market is what one step's accounting reads: each cluster's properties
// and SLI.
type market struct {
	properties  map[string]clusterproperties.Properties
	successRate map[string]float64
	hours       float64
}

// policyRun is one policy's decisions in force and account.
type policyRun struct {
	policy Policy
	cfg    Config
	result PolicyResult
	// placements and states are by workload: the decision in force and
	// the stability state kept with it.
	placements [][]framework.TargetCluster
	states     []intelligent.OptimizationState
	// kept is, by workload and cluster, how many of the replicas there
	// when it fell below the SLO are still there; absent when it is not
	// below.
	kept []map[string]int64
}

func newPolicyRun(p Policy, cfg Config) *policyRun {
	run := &policyRun{policy: p, cfg: cfg, result: PolicyResult{Name: p.Name},
		placements: make([][]framework.TargetCluster, len(cfg.Workloads)),
		states:     make([]intelligent.OptimizationState, len(cfg.Workloads)),
		kept:       make([]map[string]int64, len(cfg.Workloads))}
	for i := range run.kept {
		run.kept[i] = map[string]int64{}
	}
	return run
}

// step decides every workload in turn, each seeing the fleet as the
// decisions before it left it.
func (p *policyRun) step(ctx context.Context, s *scheduler.Scheduler, now time.Time, published []*karmadaclusterv1alpha1.Cluster, m market) error {
	running := map[string]int64{}
	for _, placement := range p.placements {
		for _, t := range placement {
			running[t.Name] += t.Replicas
		}
	}
	for i, wl := range p.cfg.Workloads {
		replicas := wl.Replicas(now)
		w := wl.framework(replicas, p.placements[i])
		if p.policy.Objective != nil && (!p.policy.FirstDecisionOnly || len(p.placements[i]) == 0) {
			o := *p.policy.Objective
			o.SuccessRate = m.successRate
			w.Objective = o.Framework(p.states[i], now)
		}
		res, err := s.Schedule(ctx, snapshot(published, p.cfg.VCPUsPerCluster, running), w)
		if err != nil {
			return fmt.Errorf("deciding %s: %w", wl.Name, err)
		}
		if placed := total(res.Clusters); placed != replicas {
			return fmt.Errorf("%s: the decision placed %d replicas, the workload has %d", wl.Name, placed, replicas)
		}
		if err := p.account(i, res.Clusters, m); err != nil {
			return fmt.Errorf("accounting %s: %w", wl.Name, err)
		}
		for _, t := range p.placements[i] {
			running[t.Name] -= t.Replicas
		}
		for _, t := range res.Clusters {
			running[t.Name] += t.Replicas
		}
		if p.cfg.observe != nil {
			p.cfg.observe(p.policy.Name, wl.Name, now, res)
		}
		p.placements[i], p.states[i] = res.Clusters, nextState(res.Explanation.Move)
		p.result.Decisions++
	}
	return nil
}

// nextState is what the scheduling controller keeps on the binding after a
// decision: the Move's state at a second's precision, or nothing when the
// objective did not divide.
func nextState(mv *scheduler.Move) intelligent.OptimizationState {
	if mv == nil {
		return intelligent.OptimizationState{}
	}
	at := func(t time.Time) *metav1.Time {
		if t.IsZero() {
			return nil
		}
		m := metav1.NewTime(t.Truncate(time.Second))
		return &m
	}
	return intelligent.OptimizationState{SavingSince: at(mv.SavingSince), LastStepAt: at(mv.LastStepAt), Moving: mv.Moving}
}

// account adds one step of a workload's new placement: its cost and
// emissions at the step's prices and intensities, the replicas it moved,
// and those on clusters below the SLO.
func (p *policyRun) account(workload int, placement []framework.TargetCluster, m market) error {
	previous := map[string]int64{}
	for _, t := range p.placements[workload] {
		previous[t.Name] = t.Replicas
	}
	var added, before, after int64
	for _, t := range placement {
		usage := cost.UsageOf(replicaRequests).Scale(t.Replicas)
		usd, priced := cost.PerHour(m.properties[t.Name], usage)
		grams, known := cost.GramsPerHour(m.properties[t.Name], usage)
		if !priced || !known {
			return fmt.Errorf("%s has no price or carbon intensity", t.Name)
		}
		p.result.USD += usd * m.hours
		p.result.Grams += grams * m.hours
		p.result.ReplicaHours += float64(t.Replicas) * m.hours
		added += max(0, t.Replicas-previous[t.Name])
		after += t.Replicas
	}
	for _, n := range previous {
		before += n
	}
	if moved := added - max(0, after-before); moved > 0 {
		p.result.MoveSteps++
		p.result.ReplicasMoved += moved
	}
	p.countBelowSLO(workload, placement, previous, m)
	return nil
}

// countBelowSLO splits the replicas on clusters below the SLO into those
// there when it fell below (kept, while they stay) and those placed since.
func (p *policyRun) countBelowSLO(workload int, placement []framework.TargetCluster, previous map[string]int64, m market) {
	now := map[string]int64{}
	for _, t := range placement {
		now[t.Name] = t.Replicas
	}
	kept := p.kept[workload]
	for name, rate := range m.successRate {
		if rate >= SLO {
			delete(kept, name)
			continue
		}
		k, below := kept[name]
		if !below {
			k = previous[name]
		}
		k = min(k, now[name])
		kept[name] = k
		p.result.KeptBelowSLO += float64(k) * m.hours
		p.result.NewBelowSLO += float64(now[name]-k) * m.hours
	}
}

func total(ts []framework.TargetCluster) int64 {
	var n int64
	for _, t := range ts {
		n += t.Replicas
	}
	return n
}
