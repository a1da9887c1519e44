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
	"math/bits"
	"slices"
	"strings"
)

// objectiveOrder ranks clusters for an objective: overflow tiers in order,
// clusters below the SLO last, then the objective's score, the price, what
// they run already and the name. At thousands of clusters a comparison
// sort was a quarter of a governed decision, so, as rank does, it sorts one
// integer per cluster when the fields fit in 64 bits.
func objectiveOrder(cands []*Candidate) []*Candidate {
	if out, ok := objectiveOrderPacked(cands); ok {
		return out
	}
	out := slices.Clone(cands)
	objectiveOrderByFields(out)
	return out
}

// objectiveOrderByFields is objectiveOrder comparing field by field.
func objectiveOrderByFields(cands []*Candidate) {
	slices.SortFunc(cands, func(a, b *Candidate) int {
		return cmp.Or(cmp.Compare(a.tier, b.tier), cmpBool(a.Eval.BelowSLO, b.Eval.BelowSLO),
			cmp.Compare(b.Eval.Score, a.Eval.Score), cmp.Compare(a.Eval.OrderPrice(), b.Eval.OrderPrice()),
			cmp.Compare(b.previous, a.previous), strings.Compare(a.Name, b.Name))
	})
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// objectiveOrderPacked packs, from the most significant bits: the tier,
// below the SLO, the inverted score, the price's rank among the
// candidates' prices, the inverted replicas in force and the order (the
// name's position), each offset by its minimum. It reports false when
// they need more than 64 bits.
func objectiveOrderPacked(cands []*Candidate) ([]*Candidate, bool) {
	if len(cands) < 2 {
		return slices.Clone(cands), true
	}
	first := cands[0]
	tiers := valueRange{int64(first.tier), int64(first.tier)}
	scores := valueRange{first.Eval.Score, first.Eval.Score}
	previous := valueRange{first.previous, first.previous}
	orders := valueRange{int64(first.order), int64(first.order)}
	prices := make([]float64, len(cands))
	for i, c := range cands {
		tiers.add(int64(c.tier))
		scores.add(c.Eval.Score)
		previous.add(c.previous)
		orders.add(int64(c.order))
		prices[i] = c.Eval.OrderPrice()
	}
	slices.Sort(prices)
	prices = slices.Compact(prices)
	orderBits := orders.width()
	previousBits := orderBits + previous.width()
	priceBits := previousBits + bits.Len(uint(len(prices)-1))
	scoreBits := priceBits + scores.width()
	belowBits := scoreBits + 1
	if belowBits+tiers.width() > 64 {
		return nil, false
	}
	keys := make([]uint64, len(cands))
	// Orders are unique, so each key leads back to its candidate.
	atOrder := make([]int32, orders.hi-orders.lo+1)
	for i, c := range cands {
		price, _ := slices.BinarySearch(prices, c.Eval.OrderPrice())
		var below uint64
		if c.Eval.BelowSLO {
			below = 1
		}
		keys[i] = (uint64(c.tier)-uint64(tiers.lo))<<belowBits | below<<scoreBits |
			(uint64(scores.hi)-uint64(c.Eval.Score))<<priceBits | uint64(price)<<previousBits |
			(uint64(previous.hi)-uint64(c.previous))<<orderBits | (uint64(c.order) - uint64(orders.lo))
		atOrder[int64(c.order)-orders.lo] = int32(i)
	}
	slices.Sort(keys)
	out := make([]*Candidate, len(cands))
	for i, k := range keys {
		out[i] = cands[atOrder[k&(1<<orderBits-1)]]
	}
	return out, true
}
