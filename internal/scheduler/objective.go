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
	"fmt"
	"slices"
	"strings"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// objectiveDivides says whether an objective decides the division: a
// divided workload whose policy gives no static weights of its own
// (explicit static weights are the user's split and are kept).
func objectiveDivides(w *framework.Workload, typ policyv1alpha1.ReplicaSchedulingType) bool {
	if w.Objective == nil || w.Objective.TotalWeight() == 0 || typ != policyv1alpha1.ReplicaSchedulingTypeDivided || w.Replicas == 0 {
		return false
	}
	rs := w.Placement.ReplicaScheduling
	return rs == nil || rs.ReplicaDivisionPreference == policyv1alpha1.ReplicaDivisionPreferenceAggregated ||
		rs.WeightPreference == nil || rs.WeightPreference.DynamicWeight != "" || len(rs.WeightPreference.StaticWeightList) == 0
}

// room is what a cluster can run of the workload: its free capacity plus
// what it runs; a cluster below the SLO keeps what it has and gets no more.
func (c *Candidate) room(w *framework.Workload) int64 {
	r := c.capacity
	if c.Available < 0 {
		r = w.Replicas + c.previous
	}
	if c.Eval.BelowSLO {
		r = min(r, c.previous)
	}
	return r
}

// allocation is replicas by candidate, in objective order.
type allocation []int64

func (a allocation) targets(order []*Candidate) []framework.TargetCluster {
	out := make([]framework.TargetCluster, 0, len(a))
	for i, n := range a {
		if n > 0 {
			out = append(out, framework.TargetCluster{Name: order[i].Name, Replicas: n})
		}
	}
	slices.SortFunc(out, func(x, y framework.TargetCluster) int { return strings.Compare(x.Name, y.Name) })
	return out
}

// optimal fills the best clusters first, each up to its room: the division
// that minimises the objective under capacity.
func optimal(w *framework.Workload, order []*Candidate) (allocation, bool) {
	a := make(allocation, len(order))
	left := w.Replicas
	for i, c := range order {
		a[i] = min(left, c.room(w))
		left -= a[i]
	}
	return a, left == 0
}

// steady changes the decision in force only by the workload's change in
// size: new replicas go to the best clusters with room, removed ones leave
// the worst first. Nothing moves for a saving.
func steady(w *framework.Workload, order []*Candidate) (allocation, bool) {
	a := make(allocation, len(order))
	var sum int64
	for i, c := range order {
		a[i] = c.previous
		sum += c.previous
	}
	for i := len(order) - 1; i >= 0 && sum > w.Replicas; i-- {
		cut := min(a[i], sum-w.Replicas)
		a[i] -= cut
		sum -= cut
	}
	for i, c := range order {
		if sum >= w.Replicas {
			break
		}
		add := min(max(c.room(w)-a[i], 0), w.Replicas-sum)
		a[i] += add
		sum += add
	}
	return a, sum == w.Replicas
}

// measures sums a division's cost (USD/h), emissions (g/h) and failures
// (replicas times the failing share) over the clusters that know them; an
// unknown price or intensity counts as the highest known, never as free.
type measures struct{ usd, grams, failing float64 }

func measure(a allocation, order []*Candidate) measures {
	var worstUSD, worstGrams float64
	for _, c := range order {
		if c.Eval.PriceKnown {
			worstUSD = max(worstUSD, c.Eval.USDPerHour)
		}
		if c.Eval.CarbonKnown {
			worstGrams = max(worstGrams, c.Eval.GramsPerHour)
		}
	}
	var m measures
	for i, n := range a {
		e, f := order[i].Eval, float64(n)
		m.usd += f * pick(e.PriceKnown, e.USDPerHour, worstUSD)
		m.grams += f * pick(e.CarbonKnown, e.GramsPerHour, worstGrams)
		if e.SLIKnown {
			m.failing += f * (100 - e.SuccessRate)
		}
	}
	return m
}

func pick(known bool, v, otherwise float64) float64 {
	if known {
		return v
	}
	return otherwise
}

// savingPercent is the weighted mean of the objectives' relative savings
// of moving from one division to another.
func savingPercent(o *framework.Objective, from, to measures) float64 {
	rel := func(a, b float64) float64 {
		if a <= 0 {
			return 0
		}
		return 100 * (a - b) / a
	}
	total := o.TotalWeight()
	if total == 0 {
		return 0
	}
	return (float64(o.Cost)*rel(from.usd, to.usd) + float64(o.Carbon)*rel(from.grams, to.grams) +
		float64(o.Performance)*rel(from.failing, to.failing)) / float64(total)
}

// divideByObjective divides a governed workload: the optimal division for
// a new workload or a fresh rebalance; otherwise the decision in force,
// resized, moving toward the optimum only as the stability rules allow.
// selected is in rank order.
func divideByObjective(w *framework.Workload, selected []*Candidate, expl *Explanation) ([]framework.TargetCluster, *Move, bool) {
	o := w.Objective
	order := objectiveOrder(selected)
	best, fits := optimal(w, order)
	if !fits {
		return nil, nil, false
	}
	expl.Strategy = fmt.Sprintf("Divided by objective (%s): the best clusters first, each up to its room", weightsText(o))
	var kept int64
	for _, c := range order {
		kept += c.previous
	}
	if kept == 0 || w.Fresh {
		expl.Division += "Placed at the optimum. "
		return best.targets(order), &Move{}, true
	}
	now, err := steady(w, order)
	if !err {
		return best.targets(order), &Move{}, true
	}
	saving := savingPercent(o, measure(now, order), measure(best, order))
	mv := decideMove(o, saving)
	expl.Division += mv.Reason + ". "
	if !mv.Step {
		return now.targets(order), mv, true
	}
	stepped := stepToward(now, best, max(1, (w.Replicas*o.Stability.MaxMovePercent+99)/100))
	if slices.Equal(stepped, best) {
		mv.finish()
	} else {
		mv.RecheckAfter = o.Stability.StepInterval
	}
	return stepped.targets(order), mv, true
}

// stepToward moves at most n replicas from a to b: off the clusters that
// have more than b gives them (the worst first) onto those that have less
// (the best first).
func stepToward(a, b allocation, n int64) allocation {
	out := slices.Clone(a)
	for n > 0 {
		from, to := -1, -1
		for i := len(out) - 1; i >= 0; i-- {
			if out[i] > b[i] {
				from = i
				break
			}
		}
		for i := range out {
			if out[i] < b[i] {
				to = i
				break
			}
		}
		if from < 0 || to < 0 {
			break
		}
		k := min(n, out[from]-b[from], b[to]-out[to])
		out[from] -= k
		out[to] += k
		n -= k
	}
	return out
}

func weightsText(o *framework.Objective) string {
	var parts []string
	for _, p := range []struct {
		name   string
		weight int64
	}{{"cost", o.Cost}, {"performance", o.Performance}, {"carbon", o.Carbon}} {
		if p.weight > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", p.name, p.weight))
		}
	}
	return strings.Join(parts, ", ")
}
