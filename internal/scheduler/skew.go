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
	"cmp"
	"fmt"
	"slices"
	"strings"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// skewRule is one constraint with maxSkew, with each selected cluster's
// group under it.
type skewRule struct {
	sc     policyv1alpha1.SpreadConstraint
	groups []string
}

// checkSkew enforces maxSkew, a Kurator extension: within each constraint
// that sets it, the replicas of the most and least loaded groups may differ
// by at most that much. With several such constraints, replicas move one at
// a time, each move the one that most reduces the total excess skew, into a
// cluster that has room for it, until every constraint holds.
func checkSkew(w *framework.Workload, assigned []framework.TargetCluster, selected []*Candidate, expl *Explanation) ([]framework.TargetCluster, error) {
	if w.Placement == nil || w.Replicas == 0 || w.Placement.ReplicaSchedulingType() != policyv1alpha1.ReplicaSchedulingTypeDivided {
		return assigned, nil
	}
	var rules []skewRule
	for _, sc := range w.Placement.SpreadConstraints {
		if sc.MaxSkew > 0 {
			rules = append(rules, skewRule{sc: sc, groups: make([]string, len(selected))})
		}
	}
	if len(rules) == 0 {
		return assigned, nil
	}
	// Selected clusters that got nothing still make their group count.
	replicas := make([]int64, len(selected))
	index := make(map[string]int, len(selected))
	for i, c := range selected {
		index[c.Name] = i
		for _, r := range rules {
			r.groups[i] = groupKey(r.sc, c.info.Cluster)
		}
	}
	for _, t := range assigned {
		replicas[index[t.Name]] = t.Replicas
	}
	excess := func() int64 {
		var n int64
		for _, r := range rules {
			n += max(0, r.spread(replicas)-int64(r.sc.MaxSkew))
		}
		return n
	}
	moved := 0
	for current := excess(); current > 0; current = excess() {
		inFrom, inTo := skewCandidates(rules, replicas)
		from, to, after := -1, -1, current
		for i := range selected {
			if replicas[i] == 0 {
				continue
			}
			for j, c := range selected {
				// A move takes from a most loaded group or gives to a least
				// loaded one of a constraint over its skew.
				if i == j || !inFrom[i] && !inTo[j] || (c.Available >= 0 && replicas[j] >= c.capacity) {
					continue
				}
				replicas[i]--
				replicas[j]++
				e := excess()
				replicas[i]++
				replicas[j]--
				if e < after || e == after && from >= 0 && preferMove(replicas, i, j, from, to) {
					from, to, after = i, j, e
				}
			}
		}
		if from < 0 {
			return nil, &UnschedulableError{Message: fmt.Sprintf("cannot keep the replica skew within %s", skewLimits(rules))}
		}
		replicas[from]--
		replicas[to]++
		moved++
	}
	if moved == 0 {
		return assigned, nil
	}
	expl.Division += fmt.Sprintf("Keeping the replica skew within %s moved %d replicas. ", skewLimits(rules), moved)
	expl.differsFromKarmada(fmt.Sprintf("maxSkew is a Kurator extension that Karmada ignores: it moved %d replicas.", moved))
	out := make([]framework.TargetCluster, 0, len(selected))
	for i, c := range selected {
		if replicas[i] > 0 {
			out = append(out, framework.TargetCluster{Name: c.Name, Replicas: replicas[i]})
		}
	}
	slices.SortFunc(out, func(a, b framework.TargetCluster) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// preferMove breaks ties between moves that leave the same excess: take
// from the cluster with the most replicas, give to the one with the fewest,
// then by rank.
func preferMove(replicas []int64, i, j, from, to int) bool {
	return cmp.Or(cmp.Compare(replicas[from], replicas[i]), cmp.Compare(replicas[j], replicas[to]), cmp.Compare(i, from), cmp.Compare(j, to)) < 0
}

// skewCandidates marks the clusters in a most loaded group (inFrom) and in
// a least loaded group (inTo) of each constraint over its skew.
func skewCandidates(rules []skewRule, replicas []int64) (inFrom, inTo []bool) {
	inFrom, inTo = make([]bool, len(replicas)), make([]bool, len(replicas))
	for _, r := range rules {
		sums := r.sums(replicas)
		lo, hi := bounds(sums)
		if hi-lo <= int64(r.sc.MaxSkew) {
			continue
		}
		for i, g := range r.groups {
			inFrom[i] = inFrom[i] || sums[g] == hi
			inTo[i] = inTo[i] || sums[g] == lo
		}
	}
	return inFrom, inTo
}

func (r skewRule) sums(replicas []int64) map[string]int64 {
	sums := make(map[string]int64, len(r.groups))
	for i, g := range r.groups {
		sums[g] += replicas[i]
	}
	return sums
}

func bounds(sums map[string]int64) (lo, hi int64) {
	first := true
	for _, v := range sums {
		if first {
			lo, hi, first = v, v, false
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// spread is the difference between the most and least loaded groups.
func (r skewRule) spread(replicas []int64) int64 {
	lo, hi := bounds(r.sums(replicas))
	return hi - lo
}

func skewLimits(rules []skewRule) string {
	parts := make([]string, len(rules))
	for i, r := range rules {
		parts[i] = fmt.Sprintf("%d by %s", r.sc.MaxSkew, constraintName(r.sc))
	}
	return strings.Join(parts, " and ")
}
