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
// Package objectives holds the score plugins of an IntelligentScheduler's
// objectives: Cost (USD per replica-hour at the cluster's prices), Carbon
// (gCO2eq per replica-hour at its grid intensity) and Performance (the
// workload's windowed success rate there). Each scores a cluster between
// the best and the worst of the feasible ones, as KubeFleet's property
// sorter does; a cluster whose value is unknown (missing or stale) scores
// 0 on cost and carbon, like the worst, never like the best, and midway on
// performance (no traffic measured is neither good nor bad). Performance is
// scored on the SLO's error budget rather than between the clusters. The plugins
// do nothing for workloads without an objective.
package objectives

import (
	"context"
	"math"

	"kurator.dev/kurator/internal/cost"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// Plugin names.
const (
	CostName        = "Cost"
	CarbonName      = "Carbon"
	PerformanceName = "Performance"
)

// Evaluation is one cluster measured against the objectives, per replica.
type Evaluation struct {
	USDPerHour   float64
	PriceKnown   bool
	GramsPerHour float64
	CarbonKnown  bool
	SuccessRate  float64
	SLIKnown     bool
	BelowSLO     bool
	// Cost, Carbon and Performance are the 0..MaxScore scores; Score is
	// their weighted mean.
	Cost, Carbon, Performance, Score int64
}

// Evaluations of the feasible clusters, by name.
type Evaluations map[string]*Evaluation

const stateKey = "objectives.evaluations"

// Evaluate measures and scores the clusters for a workload's objective.
func Evaluate(w *framework.Workload, clusters []*framework.ClusterInfo) Evaluations {
	o := w.Objective
	usage := cost.Usage{}
	if w.Requirements != nil {
		usage = cost.UsageOf(w.Requirements.Requests)
	}
	out := make(Evaluations, len(clusters))
	// One allocation for all: at thousands of clusters, one each is much
	// of a decision's garbage.
	all := make([]Evaluation, len(clusters))
	var price, carbon span
	for i, c := range clusters {
		e := &all[i]
		p := c.Properties(o.Now)
		e.USDPerHour, e.PriceKnown = cost.PerHour(p, usage)
		e.GramsPerHour, e.CarbonKnown = cost.GramsPerHour(p, usage)
		name := c.Name()
		e.SuccessRate, e.SLIKnown = o.SuccessRate[name]
		// o.BelowSLO, without looking the rate up again.
		e.BelowSLO = o.MinSuccessRate > 0 && e.SLIKnown && e.SuccessRate < o.MinSuccessRate
		price.add(e.USDPerHour, e.PriceKnown)
		carbon.add(e.GramsPerHour, e.CarbonKnown)
		out[name] = e
	}
	total := o.TotalWeight()
	for i := range all {
		e := &all[i]
		e.Cost = price.lowerIsBetter(e.USDPerHour, e.PriceKnown)
		e.Carbon = carbon.lowerIsBetter(e.GramsPerHour, e.CarbonKnown)
		e.Performance = framework.MaxScore / 2
		if e.SLIKnown {
			e.Performance = performanceScore(e.SuccessRate, o.MinSuccessRate)
		}
		if total > 0 {
			e.Score = (o.Cost*e.Cost + o.Carbon*e.Carbon + o.Performance*e.Performance) / total
		}
	}
	return out
}

// span is the range of the known values of one measure.
type span struct {
	lo, hi float64
	any    bool
}

func (s *span) add(v float64, known bool) {
	if !known {
		return
	}
	if !s.any || v < s.lo {
		s.lo = v
	}
	if !s.any || v > s.hi {
		s.hi = v
	}
	s.any = true
}

// lowerIsBetter interpolates a known value between the best (MaxScore) and
// the worst (1, so that the worst known still beats unknown); all equal
// scores MaxScore, unknown 0.
func (s span) lowerIsBetter(v float64, known bool) int64 {
	if !known {
		return 0
	}
	if s.hi == s.lo {
		return framework.MaxScore
	}
	return 1 + int64(float64(framework.MaxScore-1)*(s.hi-v)/(s.hi-s.lo)+0.5)
}

// DefaultSLO is the success rate the performance score is centred on when
// the scheduler sets no SLO.
const DefaultSLO = 99.0

// performanceScore places a success rate on the SLO's error budget: at the
// SLO it scores half, with no errors full, at twice the budget spent
// nothing. An absolute scale, unlike cost's and carbon's: SLIs of healthy
// clusters differ by noise (99.96 against 99.97), which must not swing the
// score from worst to best.
func performanceScore(rate, slo float64) int64 {
	if slo <= 0 || slo >= 100 {
		slo = DefaultSLO
	}
	budget := 100 - slo
	score := float64(framework.MaxScore) / 2 * (1 + (rate-slo)/budget)
	return int64(min(max(score, 0), framework.MaxScore) + 0.5)
}

// OrderPrice is the price to order clusters by: unknown sorts last, never
// as the cheapest.
func (e *Evaluation) OrderPrice() float64 {
	if !e.PriceKnown {
		return math.Inf(1)
	}
	return e.USDPerHour
}

// Of returns the evaluations the cycle made, if any.
func Of(state *framework.CycleState) (Evaluations, bool) {
	v, ok := state.Read(stateKey)
	if !ok {
		return nil, false
	}
	e, ok := v.(Evaluations)
	return e, ok
}

// plugin is one objective's score.
type plugin struct {
	name   string
	weight func(*framework.Objective) int64
	score  func(*Evaluation) int64
}

// NewCost, NewCarbon and NewPerformance build the plugins.
func NewCost() framework.Plugin {
	return plugin{CostName, func(o *framework.Objective) int64 { return o.Cost }, func(e *Evaluation) int64 { return e.Cost }}
}

// NewCarbon builds the Carbon score.
func NewCarbon() framework.Plugin {
	return plugin{CarbonName, func(o *framework.Objective) int64 { return o.Carbon }, func(e *Evaluation) int64 { return e.Carbon }}
}

// NewPerformance builds the Performance score.
func NewPerformance() framework.Plugin {
	return plugin{PerformanceName, func(o *framework.Objective) int64 { return o.Performance }, func(e *Evaluation) int64 { return e.Performance }}
}

func (p plugin) Name() string { return p.name }

// PreScore evaluates every feasible cluster once per cycle, for the three
// plugins together.
func (p plugin) PreScore(_ context.Context, state *framework.CycleState, clusters []*framework.ClusterInfo) *framework.Status {
	if state.Workload.Objective == nil {
		return nil
	}
	if _, done := Of(state); !done {
		state.Write(stateKey, Evaluate(state.Workload, clusters))
	}
	return nil
}

// Score is the objective's score weighted by its share of the weights, so
// the three together stay within MaxScore.
func (p plugin) Score(_ context.Context, state *framework.CycleState, c *framework.ClusterInfo) (int64, *framework.Status) {
	o := state.Workload.Objective
	if o == nil || p.weight(o) == 0 {
		return 0, nil
	}
	evals, ok := Of(state)
	if !ok {
		return 0, nil
	}
	e, ok := evals[c.Name()]
	if !ok {
		return 0, nil
	}
	return p.score(e) * p.weight(o) / o.TotalWeight(), nil
}
