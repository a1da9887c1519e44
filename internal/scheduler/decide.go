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
	"math/bits"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/affinity"
	"kurator.dev/kurator/internal/scheduler/division"
	"kurator.dev/kurator/internal/scheduler/estimator"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// demand is one replica's requests in milli-units, converted once per
// decision rather than once per cluster.
type demand struct {
	w        *framework.Workload
	requests []resourceMilli
}

type resourceMilli struct {
	name  corev1.ResourceName
	milli int64
}

func newDemand(w *framework.Workload) demand {
	d := demand{w: w}
	if w.Requirements == nil {
		return d
	}
	for name, q := range w.Requirements.Requests {
		if need := q.MilliValue(); need > 0 && name != corev1.ResourcePods {
			d.requests = append(d.requests, resourceMilli{name: name, milli: need})
		}
	}
	return d
}

// available estimates how many more replicas of the workload fit in the
// cluster; -1 when the workload has no per-replica requirements.
func (d demand) available(c *framework.ClusterInfo) int64 {
	if d.w.Requirements == nil {
		return -1
	}
	if len(c.Nodes) > 0 {
		return estimator.Replicas(c.Nodes, *d.w.Requirements, c.Reserved...)
	}
	return d.fromSummary(c)
}

// fromSummary estimates from the cluster's resource summary alone, when no
// node detail is known (e.g. a what-if scenario without nodes).
func (d demand) fromSummary(c *framework.ClusterInfo) int64 {
	free := c.Free()
	if len(free) == 0 {
		return 0
	}
	n := free[corev1.ResourcePods] / 1000
	for _, r := range c.Reserved {
		n -= r.Replicas
	}
	for _, req := range d.requests {
		have := free[req.name]
		for _, r := range c.Reserved {
			rq := r.Requirements.Requests[req.name]
			have -= rq.MilliValue() * r.Replicas
		}
		n = min(n, have/req.milli)
	}
	return max(n, 0)
}

// tier is 0 for clusters of the term's own affinity and i for its i-th
// overflow affinity.
func tier(s *framework.CycleState, c *framework.ClusterInfo) int32 {
	if s.Matcher.Matches(c.Cluster) {
		return 0
	}
	for i, m := range s.OverflowMatchers {
		if m.Matches(c.Cluster) {
			return int32(i + 1)
		}
	}
	return int32(len(s.OverflowMatchers) + 1)
}

// sortCandidates puts the explanation in name order: each candidate moves
// straight to its position.
func sortCandidates(cands []Candidate) {
	sorted := true
	for i := range cands {
		if cands[i].order != int32(i) {
			sorted = false
			break
		}
	}
	if sorted {
		return
	}
	out := make([]Candidate, len(cands))
	for _, c := range cands {
		out[c.order] = c
	}
	copy(cands, out)
}

func byOrder(a, b *Candidate) int { return int(a.order) - int(b.order) }

// rank returns the candidates in the order selection sees them: tier,
// score, capacity, name; order stands for the name. Ranking is a large part
// of a decision at thousands of clusters, so when the four fit in one
// integer, as they do for any real fleet, integers are sorted instead.
func rank(cands []*Candidate) []*Candidate {
	if ranked, ok := rankPacked(cands); ok {
		return ranked
	}
	ranked := slices.Clone(cands)
	rankByFields(ranked)
	return ranked
}

// valueRange is the smallest and largest of a set of values.
type valueRange struct{ lo, hi int64 }

func (r *valueRange) add(v int64) {
	r.lo, r.hi = min(r.lo, v), max(r.hi, v)
}

// width is how many bits v-lo takes for any v in the range.
func (r valueRange) width() int { return bits.Len64(uint64(r.hi) - uint64(r.lo)) }

// rankPacked ranks by one integer per candidate: tier, inverted score,
// inverted capacity and order, each offset by its minimum, side by side.
// It reports false when they need more than 64 bits.
func rankPacked(cands []*Candidate) ([]*Candidate, bool) {
	if len(cands) < 2 {
		return slices.Clone(cands), true
	}
	first := cands[0]
	tiers := valueRange{int64(first.tier), int64(first.tier)}
	scores := valueRange{first.Score, first.Score}
	capacities := valueRange{first.capacity, first.capacity}
	orders := valueRange{int64(first.order), int64(first.order)}
	for _, c := range cands[1:] {
		tiers.add(int64(c.tier))
		scores.add(c.Score)
		capacities.add(c.capacity)
		orders.add(int64(c.order))
	}
	orderBits := orders.width()
	capacityBits := orderBits + capacities.width()
	scoreBits := capacityBits + scores.width()
	if scoreBits+tiers.width() > 64 {
		return nil, false
	}
	keys := make([]uint64, len(cands))
	// Orders are unique, so each key leads back to its candidate.
	atOrder := make([]int32, orders.hi-orders.lo+1)
	for i, c := range cands {
		keys[i] = (uint64(c.tier)-uint64(tiers.lo))<<scoreBits |
			(uint64(scores.hi)-uint64(c.Score))<<capacityBits |
			(uint64(capacities.hi)-uint64(c.capacity))<<orderBits |
			(uint64(c.order) - uint64(orders.lo))
		atOrder[int64(c.order)-orders.lo] = int32(i)
	}
	slices.Sort(keys)
	ranked := make([]*Candidate, len(cands))
	for i, k := range keys {
		ranked[i] = cands[atOrder[k&(1<<orderBits-1)]]
	}
	return ranked, true
}

// rankByFields is rank comparing field by field, for any values.
func rankByFields(cands []*Candidate) {
	slices.SortFunc(cands, func(a, b *Candidate) int {
		switch {
		case a.tier != b.tier:
			return int(a.tier - b.tier)
		case a.Score != b.Score:
			return cmp64(b.Score, a.Score)
		case a.capacity != b.capacity:
			return cmp64(b.capacity, a.capacity)
		}
		return byOrder(a, b)
	})
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// chosenByName lists the chosen candidates in name order, given every
// feasible one in name order.
func chosenByName(byName []*Candidate) []*Candidate {
	out := make([]*Candidate, 0, len(byName))
	for _, c := range byName {
		if c.chosen {
			out = append(out, c)
		}
	}
	return out
}

// markAssigned records the decision on the candidates. Both lists are in
// name order (the targets once sorted), so they merge in one pass.
func markAssigned(byName []*Candidate, out []framework.TargetCluster) {
	byTarget := func(a, b framework.TargetCluster) int { return strings.Compare(a.Name, b.Name) }
	if !slices.IsSortedFunc(out, byTarget) {
		out = slices.SortedFunc(slices.Values(out), byTarget)
	}
	j := 0
	for _, t := range out {
		for j < len(byName) && byName[j].Name < t.Name {
			j++
		}
		if j < len(byName) && byName[j].Name == t.Name {
			byName[j].Assigned, byName[j].Selected = t.Replicas, true
		}
	}
}

// decide selects clusters and divides replicas among them, given the
// feasible candidates in name order.
func decide(w *framework.Workload, byName []*Candidate, expl *Explanation) ([]framework.TargetCluster, error) {
	ranked := rank(byName)
	p := w.Placement
	typ := policyv1alpha1.ReplicaSchedulingTypeDuplicated
	if p != nil {
		typ = p.ReplicaSchedulingType()
	}
	static := typ == policyv1alpha1.ReplicaSchedulingTypeDivided && staticWeights(p)
	// Like Karmada, an explicit static weight list overrides spread
	// constraints; equal weights (no list) still honour them.
	weightList := static && p.ReplicaScheduling.WeightPreference != nil && len(p.ReplicaScheduling.WeightPreference.StaticWeightList) > 0
	selected, err := selectClusters(w, ranked, typ, weightList, expl)
	if err != nil {
		return nil, err
	}
	for _, c := range selected {
		c.chosen = true
	}
	var out []framework.TargetCluster
	switch {
	case w.Replicas == 0:
		expl.Strategy = "Duplicated (the kind has no replicas)"
		for _, c := range selected {
			out = append(out, framework.TargetCluster{Name: c.Name})
		}
	case typ == policyv1alpha1.ReplicaSchedulingTypeDuplicated:
		expl.Strategy = "Duplicated"
		var short boundedList
		for _, c := range selected {
			if c.capacity < w.Replicas {
				short.add(func() string { return c.Name + " (room for " + strconv.FormatInt(c.capacity, 10) + ")" })
			}
		}
		if short.n > 0 {
			expl.Division += fmt.Sprintf("Not all %d replicas fit in %d clusters, the rest will stay Pending there: %s. ", w.Replicas, short.n, short.String())
		}
		out = duplicate(w.Replicas, chosenByName(byName))
	case static:
		out = divideStatic(w, selected, chosenByName(byName), expl)
	default:
		out, err = divideDynamic(w, selected, chosenByName(byName), expl)
		if err != nil {
			return nil, err
		}
	}
	if out, err = checkSkew(w, out, selected, expl); err != nil {
		return nil, err
	}
	markAssigned(byName, out)
	return out, nil
}

// duplicate gives every cluster all replicas, as division.Duplicated does,
// without its copies and sort: the clusters are in name order already.
func duplicate(replicas int64, byName []*Candidate) []framework.TargetCluster {
	out := make([]framework.TargetCluster, 0, len(byName))
	if replicas <= 0 {
		return out
	}
	for _, c := range byName {
		out = append(out, framework.TargetCluster{Name: c.Name, Replicas: replicas})
	}
	return out
}

// listSome joins at most 20 items, so explanations stay readable and
// bounded at any fleet size.
func listSome(items []string) string {
	if len(items) <= listLimit {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:listLimit], ", ") + fmt.Sprintf(" and %d more", len(items)-listLimit)
}

const listLimit = 20

// boundedList is listSome for lists built one item at a time: it renders
// only the items that will be shown and counts the others.
type boundedList struct {
	shown []string
	n     int
}

func (l *boundedList) add(render func() string) {
	if l.n < listLimit {
		l.shown = append(l.shown, render())
	}
	l.n++
}

func (l *boundedList) String() string {
	if l.n <= listLimit {
		return strings.Join(l.shown, ", ")
	}
	return strings.Join(l.shown, ", ") + fmt.Sprintf(" and %d more", l.n-listLimit)
}

func listSomeAssignment(a division.Assignment) string {
	parts := make([]string, 0, min(len(a), listLimit))
	for _, p := range a[:min(len(a), listLimit)] {
		parts = append(parts, p.Name+":"+strconv.FormatInt(p.Seats, 10))
	}
	if len(a) > listLimit {
		return strings.Join(parts, ", ") + fmt.Sprintf(" and %d more", len(a)-listLimit)
	}
	return strings.Join(parts, ", ")
}

func staticWeights(p *policyv1alpha1.Placement) bool {
	rs := p.ReplicaScheduling
	if rs == nil || rs.ReplicaDivisionPreference == policyv1alpha1.ReplicaDivisionPreferenceAggregated {
		return false
	}
	return rs.WeightPreference == nil || rs.WeightPreference.DynamicWeight == ""
}

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
	remaining := w.Replicas
	result := make([]framework.TargetCluster, 0, len(selected))
	for t := int32(0); t <= maxTier && remaining > 0; t++ {
		tierCands := make([]division.Candidate, 0, len(order))
		var room int64
		for _, c := range order {
			if c.tier == t {
				tierCands = append(tierCands, division.Candidate{Name: c.Name, Allocatable: free(c), Previous: c.previous})
				room += free(c) + c.previous
			}
		}
		if len(tierCands) == 0 {
			continue
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
		want := min(remaining, room)
		if t == maxTier {
			want = remaining
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
		expl.Division += fmt.Sprintf("Tier %d: %d replicas over %s gives %s. ", t, want, listSome(parts), listSomeAssignment(a))
		for _, p := range a {
			result = append(result, framework.TargetCluster{Name: p.Name, Replicas: p.Seats})
		}
		remaining -= a.Total()
	}
	if remaining > 0 {
		return nil, &UnschedulableError{Message: fmt.Sprintf("not enough capacity: %d of %d replicas could not be placed", remaining, w.Replicas)}
	}
	slices.SortFunc(result, func(a, b framework.TargetCluster) int { return strings.Compare(a.Name, b.Name) })
	return result, nil
}
