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
	"math/bits"
	"slices"

	"kurator.dev/kurator/internal/scheduler/framework"
)

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
