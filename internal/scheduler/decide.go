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

	corev1 "k8s.io/api/core/v1"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/affinity"
	"kurator.dev/kurator/internal/scheduler/division"
	"kurator.dev/kurator/internal/scheduler/estimator"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// available estimates how many more replicas of the workload fit in the
// cluster; -1 when the workload has no per-replica requirements.
func available(w *framework.Workload, c *framework.ClusterInfo) int64 {
	if w.Requirements == nil {
		return -1
	}
	if len(c.Nodes) > 0 {
		return estimator.Replicas(c.Nodes, *w.Requirements, c.Reserved...)
	}
	return fromSummary(w, c)
}

// fromSummary estimates from the cluster's resource summary alone, when no
// node detail is known (e.g. a what-if scenario without nodes).
func fromSummary(w *framework.Workload, c *framework.ClusterInfo) int64 {
	free := c.Free()
	if len(free) == 0 {
		return 0
	}
	n := free[corev1.ResourcePods] / 1000
	for _, r := range c.Reserved {
		n -= r.Replicas
	}
	for name, q := range w.Requirements.Requests {
		need := q.MilliValue()
		if need <= 0 || name == corev1.ResourcePods {
			continue
		}
		have := free[name]
		for _, r := range c.Reserved {
			rq := r.Requirements.Requests[name]
			have -= rq.MilliValue() * r.Replicas
		}
		n = min(n, have/need)
	}
	return max(n, 0)
}

// tier is 0 for clusters of the term's own affinity and i for its i-th
// overflow affinity.
func tier(s *framework.CycleState, c *framework.ClusterInfo) int {
	if s.Matcher.Matches(c.Cluster) {
		return 0
	}
	for i, m := range s.OverflowMatchers {
		if m.Matches(c.Cluster) {
			return i + 1
		}
	}
	return len(s.OverflowMatchers) + 1
}

// capacity is what a candidate could run in all: free room plus what the
// workload already runs there.
func capacity(_ *framework.Workload, c Candidate) int64 { return c.capacity }

// sortCandidates orders by name. Names are unique, so the order is total
// and an unstable sort is deterministic.
func sortCandidates(cands []Candidate) {
	permute(cands, func(a, b *Candidate) int { return strings.Compare(a.Name, b.Name) })
}

// rank orders candidates as selection sees them: tier, score, capacity, name.
func rank(_ *framework.Workload, cands []Candidate) {
	permute(cands, func(a, b *Candidate) int {
		switch {
		case a.tier != b.tier:
			return a.tier - b.tier
		case a.Score != b.Score:
			return cmp64(b.Score, a.Score)
		case a.capacity != b.capacity:
			return cmp64(b.capacity, a.capacity)
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// permute sorts by index and moves each (large) candidate once.
func permute(cands []Candidate, cmp func(a, b *Candidate) int) {
	sorted := true
	for i := 1; i < len(cands) && sorted; i++ {
		sorted = cmp(&cands[i-1], &cands[i]) <= 0
	}
	if sorted {
		return
	}
	idx := make([]int32, len(cands))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return cmp(&cands[a], &cands[b]) })
	out := make([]Candidate, len(cands))
	for i, j := range idx {
		out[i] = cands[j]
	}
	copy(cands, out)
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

// decide selects clusters and divides replicas among them.
func decide(w *framework.Workload, cands []Candidate, expl *Explanation) ([]framework.TargetCluster, error) {
	rank(w, cands)
	p := w.Placement
	typ := policyv1alpha1.ReplicaSchedulingTypeDuplicated
	if p != nil {
		typ = p.ReplicaSchedulingType()
	}
	static := typ == policyv1alpha1.ReplicaSchedulingTypeDivided && staticWeights(p)
	// Like Karmada, an explicit static weight list overrides spread
	// constraints; equal weights (no list) still honour them.
	weightList := static && p.ReplicaScheduling.WeightPreference != nil && len(p.ReplicaScheduling.WeightPreference.StaticWeightList) > 0
	selected, err := selectClusters(w, cands, typ, weightList, expl)
	if err != nil {
		return nil, err
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
		names := make([]string, len(selected))
		var short []string
		for i, c := range selected {
			names[i] = c.Name
			if capacity(w, c) < w.Replicas {
				short = append(short, fmt.Sprintf("%s (room for %d)", c.Name, capacity(w, c)))
			}
		}
		if len(short) > 0 {
			expl.Division += fmt.Sprintf("Not all %d replicas fit in %d clusters, the rest will stay Pending there: %s. ", w.Replicas, len(short), listSome(short))
		}
		out = toTargets(division.Duplicated(w.Replicas, names))
	case static:
		out = divideStatic(w, selected, expl)
	default:
		out, err = divideDynamic(w, selected, expl)
		if err != nil {
			return nil, err
		}
	}
	if out, err = checkSkew(w, out, selected, expl); err != nil {
		return nil, err
	}
	assigned := make(map[string]int64, len(out))
	for _, t := range out {
		assigned[t.Name] = t.Replicas
	}
	for i := range cands {
		cands[i].Assigned = assigned[cands[i].Name]
		_, cands[i].Selected = assigned[cands[i].Name]
	}
	return out, nil
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

func listSomeAssignment(a division.Assignment) string {
	parts := make([]string, 0, min(len(a), listLimit))
	for _, p := range a[:min(len(a), listLimit)] {
		parts = append(parts, fmt.Sprintf("%s:%d", p.Name, p.Seats))
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

// divideStatic applies the static weight list: each cluster takes the
// largest weight of the rules it matches; no rule means no replicas.
func divideStatic(w *framework.Workload, selected []Candidate, expl *Explanation) []framework.TargetCluster {
	names := make([]string, len(selected))
	weights := make([]int64, len(selected))
	var rules []policyv1alpha1.StaticClusterWeight
	if wp := w.Placement.ReplicaScheduling.WeightPreference; wp != nil {
		rules = wp.StaticWeightList
	}
	// Rules naming clusters are indexed; the others are matched per cluster.
	byRuleName := map[string]int64{}
	var matchers []*affinity.Matcher
	var weightsOf []int64
	for j := range rules {
		m := affinity.Compile(&rules[j].TargetCluster)
		if ns, ok := m.OnlyNames(); ok {
			for n := range ns {
				byRuleName[n] = max(byRuleName[n], rules[j].Weight)
			}
			continue
		}
		matchers = append(matchers, m)
		weightsOf = append(weightsOf, rules[j].Weight)
	}
	parts := make([]string, 0, len(selected))
	for i, c := range selected {
		names[i] = c.Name
		if len(rules) == 0 {
			weights[i] = 1
		}
		weights[i] = max(weights[i], byRuleName[c.Name])
		for j, m := range matchers {
			if m.Matches(c.info.Cluster) {
				weights[i] = max(weights[i], weightsOf[j])
			}
		}
		if len(parts) <= listLimit {
			parts = append(parts, fmt.Sprintf("%s=%d", c.Name, weights[i]))
		}
	}
	a := division.Static(w.Replicas, names, weights, w.UID)
	expl.Strategy = "Divided by static weights"
	expl.Division += fmt.Sprintf("Webster/Sainte-Laguë apportionment of %d replicas over %d weights (%s) gives %s.", w.Replicas, len(names), listSome(parts), listSomeAssignment(a))
	room := make(map[string]int64, len(selected))
	for _, c := range selected {
		room[c.Name] = capacity(w, c)
	}
	var short []string
	for _, t := range a {
		if room[t.Name] < t.Seats {
			short = append(short, fmt.Sprintf("%s (room for %d of %d)", t.Name, room[t.Name], t.Seats))
		}
	}
	if len(short) > 0 {
		expl.Division += fmt.Sprintf(" Not every replica fits, the rest will stay Pending: %s.", listSome(short))
	}
	return toTargets(a)
}

// divideDynamic divides by free capacity (dynamic weights or aggregated),
// filling overflow tiers in order.
func divideDynamic(w *framework.Workload, selected []Candidate, expl *Explanation) ([]framework.TargetCluster, error) {
	aggregated := w.Placement.ReplicaScheduling != nil && w.Placement.ReplicaScheduling.ReplicaDivisionPreference == policyv1alpha1.ReplicaDivisionPreferenceAggregated
	expl.Strategy = "Divided by available replicas"
	if aggregated {
		expl.Strategy = "Divided, aggregated into the fewest clusters"
	}
	if w.Fresh {
		expl.Strategy += " (fresh rebalance)"
	}
	maxTier := 0
	for _, c := range selected {
		maxTier = max(maxTier, c.tier)
	}
	remaining := w.Replicas
	var result []framework.TargetCluster
	for t := 0; t <= maxTier && remaining > 0; t++ {
		var tierCands []division.Candidate
		var room int64
		var parts []string
		for _, c := range selected {
			if c.tier != t {
				continue
			}
			prev, _ := w.PreviousReplicas(c.Name)
			free := c.Available
			if free < 0 {
				free = w.Replicas
			}
			tierCands = append(tierCands, division.Candidate{Name: c.Name, Allocatable: free, Previous: prev})
			room += free + prev
			if len(parts) <= listLimit {
				parts = append(parts, fmt.Sprintf("%s free=%d had=%d", c.Name, free, prev))
			}
		}
		if len(tierCands) == 0 {
			continue
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
		result = append(result, toTargets(a)...)
		remaining -= a.Total()
	}
	if remaining > 0 {
		return nil, &UnschedulableError{Message: fmt.Sprintf("not enough capacity: %d of %d replicas could not be placed", remaining, w.Replicas)}
	}
	slices.SortFunc(result, func(a, b framework.TargetCluster) int { return strings.Compare(a.Name, b.Name) })
	return result, nil
}
