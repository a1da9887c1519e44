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
	"strconv"
	"strings"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/affinity"
	"kurator.dev/kurator/internal/scheduler/division"
	"kurator.dev/kurator/internal/scheduler/framework"
)

func toTargets(a division.Assignment) []framework.TargetCluster {
	out := make([]framework.TargetCluster, len(a))
	for i, p := range a {
		out[i] = framework.TargetCluster{Name: p.Name, Replicas: p.Seats}
	}
	return out
}

// weightRules is a static weight list prepared for many clusters: rules
// naming clusters are indexed by name, the others matched per cluster.
type weightRules struct {
	empty    bool
	byName   map[string]int64
	matchers []*affinity.Matcher
	weights  []int64
}

func newWeightRules(rules []policyv1alpha1.StaticClusterWeight) *weightRules {
	r := &weightRules{empty: len(rules) == 0}
	named := 0
	for j := range rules {
		if ns, ok := affinity.OnlyNames(&rules[j].TargetCluster); ok {
			named += len(ns)
		}
	}
	r.byName = make(map[string]int64, named)
	for j := range rules {
		if ns, ok := affinity.OnlyNames(&rules[j].TargetCluster); ok {
			for _, n := range ns {
				r.byName[n] = max(r.byName[n], rules[j].Weight)
			}
			continue
		}
		r.matchers = append(r.matchers, affinity.Compile(&rules[j].TargetCluster))
		r.weights = append(r.weights, rules[j].Weight)
	}
	return r
}

// weight is the largest weight of the rules the cluster matches; with no
// rules every cluster weighs 1.
func (r *weightRules) weight(c *Candidate) int64 {
	var w int64
	if r.empty {
		w = 1
	}
	w = max(w, r.byName[c.Name])
	for j, m := range r.matchers {
		if m.Matches(c.info.Cluster) {
			w = max(w, r.weights[j])
		}
	}
	return w
}

// divideStatic applies the static weight list: each cluster takes the
// largest weight of the rules it matches; no rule means no replicas.
// selected is in rank order, chosen the same clusters in name order.
func divideStatic(w *framework.Workload, selected, chosen []*Candidate, expl *Explanation) []framework.TargetCluster {
	var rules []policyv1alpha1.StaticClusterWeight
	if wp := w.Placement.ReplicaScheduling.WeightPreference; wp != nil {
		rules = wp.StaticWeightList
	}
	if len(rules) == 0 && w.CostWeighted {
		rules = costWeights(w, chosen, expl)
	} else if w.CostWeighted {
		expl.Division += "cost-weight: the policy's own weights stand. "
	}
	wr := newWeightRules(rules)
	names := make([]string, len(chosen))
	weights := make([]int64, len(chosen))
	for i, c := range chosen {
		names[i], weights[i] = c.Name, wr.weight(c)
	}
	// The explanation lists weights in rank order.
	parts := make([]string, 0, min(len(selected), listLimit+1))
	for _, c := range selected[:min(len(selected), listLimit+1)] {
		parts = append(parts, c.Name+"="+strconv.FormatInt(wr.weight(c), 10))
	}
	a := division.Static(w.Replicas, names, weights, w.UID)
	expl.Strategy = "Divided by static weights"
	expl.Division += fmt.Sprintf("Webster/Sainte-Laguë apportionment of %d replicas over %d weights (%s) gives %s.", w.Replicas, len(names), listSome(parts), listSomeAssignment(a))
	// a is in name order too, a subset of chosen.
	var short []string
	j := 0
	for _, t := range a {
		for j < len(chosen) && chosen[j].Name != t.Name {
			j++
		}
		if j < len(chosen) && chosen[j].capacity < t.Seats {
			short = append(short, fmt.Sprintf("%s (room for %d of %d)", t.Name, chosen[j].capacity, t.Seats))
		}
	}
	if len(short) > 0 {
		expl.Division += fmt.Sprintf(" Not every replica fits, the rest will stay Pending: %s.", listSome(short))
	}
	return toTargets(a)
}

// divideDynamic divides by free capacity (dynamic weights or aggregated),
// filling overflow tiers in order. selected is in rank order, chosen the
// same clusters in name order.
func divideDynamic(w *framework.Workload, selected, chosen []*Candidate, expl *Explanation) ([]framework.TargetCluster, error) {
	aggregated := w.Placement.ReplicaScheduling != nil && w.Placement.ReplicaScheduling.ReplicaDivisionPreference == policyv1alpha1.ReplicaDivisionPreferenceAggregated
	expl.Strategy = "Divided by available replicas"
	if aggregated {
		expl.Strategy = "Divided, aggregated into the fewest clusters"
	}
	if w.Fresh {
		expl.Strategy += " (fresh rebalance)"
	}
	maxTier := int32(0)
	for _, c := range selected {
		maxTier = max(maxTier, c.tier)
	}
	// Aggregation breaks ties by rank; otherwise the division does not
	// depend on the order, and name order spares it a sort.
	order := chosen
	if aggregated {
		order = selected
	}
	free := func(c *Candidate) int64 {
		if c.Available < 0 {
			return w.Replicas
		}
		return c.Available
	}
	tiers := make([]tierRoom, maxTier+1)
	for _, c := range order {
		tiers[c.tier].room += free(c) + c.previous
		tiers[c.tier].kept += c.previous
		tiers[c.tier].clusters++
	}
	wants := tierShares(w.Replicas, tiers, w.Fresh)
	remaining := w.Replicas
	result := make([]framework.TargetCluster, 0, len(selected))
	for t := int32(0); t <= maxTier; t++ {
		want := wants[t]
		if tiers[t].clusters == 0 || want == 0 {
			continue
		}
		tierCands := make([]division.Candidate, 0, len(order))
		for _, c := range order {
			if c.tier == t {
				tierCands = append(tierCands, division.Candidate{Name: c.Name, Allocatable: free(c), Previous: c.previous, PreviousPosition: w.PreviousPosition(c.Name), Unready: w.Unready[c.Name]})
			}
		}
		// The explanation lists the tier's clusters in rank order.
		var parts []string
		for _, c := range selected {
			if c.tier == t {
				parts = append(parts, c.Name+" free="+strconv.FormatInt(free(c), 10)+" had="+strconv.FormatInt(c.previous, 10))
				if len(parts) > listLimit {
					break
				}
			}
		}
		var a division.Assignment
		var err error
		if w.Fresh {
			a, err = division.Fresh(want, tierCands, aggregated, w.UID)
		} else {
			a, err = division.Dynamic(want, tierCands, aggregated, w.UID)
		}
		if err != nil {
			return nil, &UnschedulableError{Message: fmt.Sprintf("not enough capacity for %d replicas: %v", w.Replicas, err)}
		}
		expl.Division += fmt.Sprintf("Tier %s: %d replicas over %s gives %s. ", expl.tierName(t), want, listSome(parts), listSomeAssignment(a))
		if !w.Fresh {
			expl.Division += unreadyFirst(want, tierCands)
		}
		remaining -= a.Total()
		if next := nextTier(wants, t); next >= 0 && want >= tiers[t].room {
			expl.Division += fmt.Sprintf("%s full: room for %d, %d more go to tier %s. ", expl.tierName(t), tiers[t].room, remaining, expl.tierName(next))
		}
		for _, p := range a {
			result = append(result, framework.TargetCluster{Name: p.Name, Replicas: p.Seats})
		}
	}
	if remaining > 0 {
		return nil, &UnschedulableError{Message: fmt.Sprintf("not enough capacity: %d of %d replicas could not be placed", remaining, w.Replicas)}
	}
	slices.SortFunc(result, func(a, b framework.TargetCluster) int { return strings.Compare(a.Name, b.Name) })
	return result, nil
}

// unreadyFirst says, when a scale-down removes replicas that are not ready
// first, which clusters had them.
func unreadyFirst(want int64, cands []division.Candidate) string {
	var had, unready int64
	var parts []string
	for _, c := range cands {
		had += c.Previous
		if n := min(c.Unready, c.Previous); n > 0 {
			unready += n
			parts = append(parts, c.Name+" "+strconv.FormatInt(n, 10))
		}
	}
	if had <= want || unready == 0 {
		return ""
	}
	return fmt.Sprintf("Scaling down, replicas that are not ready went first (not ready: %s). ", strings.Join(parts, ", "))
}

// tierRoom is one tier of a divided workload's clusters: the replicas they
// have room for (free plus what they run already), what they run, and how
// many clusters it has.
type tierRoom struct {
	room, kept int64
	clusters   int
}

// tierShares says how many replicas each tier gets. A fresh decision fills
// the tiers in order up to their room, the last taking the rest. Otherwise
// replicas stay where they are: scaling up adds to the earliest tiers with
// room, scaling down removes from the last tier first, and a tier that has
// room again does not take replicas back from later ones (that is a
// failback, which the policy opts into).
func tierShares(total int64, tiers []tierRoom, fresh bool) []int64 {
	wants := make([]int64, len(tiers))
	last := len(tiers) - 1
	for last > 0 && tiers[last].clusters == 0 {
		last--
	}
	if fresh {
		remaining := total
		for t := 0; t <= last; t++ {
			wants[t] = min(remaining, tiers[t].room)
			if t == last {
				wants[t] = remaining
			}
			remaining -= wants[t]
		}
		return wants
	}
	var kept int64
	for _, t := range tiers {
		kept += t.kept
	}
	if total >= kept {
		extra := total - kept
		for t := 0; t <= last; t++ {
			add := min(extra, max(0, tiers[t].room-tiers[t].kept))
			if t == last {
				add = extra
			}
			wants[t] = tiers[t].kept + add
			extra -= add
		}
		return wants
	}
	cut := kept - total
	for t := len(tiers) - 1; t >= 0; t-- {
		r := min(cut, tiers[t].kept)
		wants[t] = tiers[t].kept - r
		cut -= r
	}
	return wants
}

// nextTier is the first tier after t that gets replicas, -1 when none.
func nextTier(wants []int64, t int32) int32 {
	for n := t + 1; int(n) < len(wants); n++ {
		if wants[n] > 0 {
			return n
		}
	}
	return -1
}
