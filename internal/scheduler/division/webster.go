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
// Package division splits a workload's replicas across selected clusters:
// the Webster / Sainte-Laguë apportionment with Karmada's tie-break, and the
// static-weight, dynamic-weight and aggregated strategies built on it. It is
// pure: no API types beyond names and numbers, no clients.
package division

import (
	"container/heap"
	"hash/fnv"
	"math"
	"math/bits"
	"slices"
)

// Party is one cluster in an apportionment: its votes (weight) and the seats
// (replicas) it holds before the new seats are handed out.
type Party struct {
	Name  string
	Votes int64
	Seats int64
}

// Webster hands out seats one at a time, each to the party with the largest
// votes/(2*seats+1). Ties go to the party with fewer seats, then by name:
// ascending when uid is empty, otherwise descending when fnv32a(uid) is odd
// and ascending when it is even, so ties are stable per workload but spread
// across workloads. Parties with no votes keep their seats and get no more.
// The result is sorted by name.
//
// Instead of one heap operation per seat it starts from a divisor estimate
// and corrects it, so the cost grows with the number of parties, not seats;
// the result is exactly that of the seat-by-seat method.
func Webster(seats int64, parties []Party, uid string) []Party {
	return apportion(seats, slices.Clone(parties), uid)
}

// apportion is Webster on parties the caller hands over: they are sorted
// and given their seats in place, sparing the strategies a copy.
func apportion(seats int64, out []Party, uid string) []Party {
	if !slices.IsSortedFunc(out, byName) {
		slices.SortFunc(out, byName)
	}
	if seats <= 0 {
		return out
	}
	descending := namesDescending(uid)
	extra := estimate(seats, out)
	var given int64
	for _, e := range extra {
		given += e
	}
	s := &slotState{parties: out, extra: extra, descending: descending}
	if given == seats && s.settled() {
		for i := range out {
			out[i].Seats += extra[i]
		}
		return out
	}
	next := &slotHeap{s: s, max: true, idx: make([]int, 0, len(out))}
	last := &slotHeap{s: s, max: false, idx: make([]int, 0, len(out))}
	for i := range out {
		if out[i].Votes > 0 {
			next.idx = append(next.idx, i)
			if extra[i] > 0 {
				last.idx = append(last.idx, i)
			}
		}
	}
	if len(next.idx) == 0 {
		return out
	}
	heap.Init(next)
	heap.Init(last)
	// Reach the seat count: give the best next slots, or take back the worst.
	for given < seats {
		i := next.idx[0]
		s.extra[i]++
		given++
		heap.Fix(next, 0)
		last.upsert(i)
	}
	for given > seats {
		i := last.idx[0]
		s.extra[i]--
		given--
		if s.extra[i] == 0 {
			heap.Pop(last)
		} else {
			heap.Fix(last, 0)
		}
		next.fix(i)
	}
	// Exchange while an unawarded slot beats an awarded one; with every
	// party's slots in decreasing order this makes the awarded set the top.
	for len(last.idx) > 0 {
		bi, wi := next.idx[0], last.idx[0]
		if bi == wi || !s.better(bi, s.extra[bi], wi, s.extra[wi]-1) {
			break
		}
		s.extra[bi]++
		s.extra[wi]--
		heap.Fix(next, 0)
		next.fix(wi)
		if s.extra[wi] == 0 {
			last.remove(wi)
		} else {
			last.fix(wi)
		}
		last.upsert(bi)
	}
	for i := range out {
		out[i].Seats += s.extra[i]
	}
	return out
}

// estimate gives each party its Webster share of all seats (old and new) by
// a divisor, less the seats it holds; the corrections are then few.
func estimate(seats int64, parties []Party) []int64 {
	extra := make([]int64, len(parties))
	var votes, held float64
	for _, p := range parties {
		if p.Votes > 0 {
			votes += float64(p.Votes)
			held += float64(p.Seats)
		}
	}
	if votes == 0 {
		return extra
	}
	total := float64(seats) + held
	for i, p := range parties {
		if p.Votes <= 0 {
			continue
		}
		share := math.Floor(float64(p.Votes)*total/votes + 0.5)
		if e := int64(share) - p.Seats; e > 0 {
			extra[i] = e
		}
	}
	return extra
}

func namesDescending(uid string) bool {
	if uid == "" {
		return false
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(uid))
	return h.Sum32()%2 == 1
}

// slotState orders "slots": the (seats+k)-th seat of party i, k >= 0.
type slotState struct {
	parties    []Party
	extra      []int64
	descending bool
}

// better reports whether party i's slot at extra-seat index ei outranks party
// j's slot at ej.
func (s *slotState) better(i int, ei int64, j int, ej int64) bool {
	si, sj := s.parties[i].Seats+ei, s.parties[j].Seats+ej
	vi, vj := uint64(s.parties[i].Votes), uint64(s.parties[j].Votes)
	// vi/(2si+1) vs vj/(2sj+1), exactly, in 128 bits.
	lh, ll := bits.Mul64(vi, uint64(2*sj+1))
	rh, rl := bits.Mul64(vj, uint64(2*si+1))
	if lh != rh {
		return lh > rh
	}
	if ll != rl {
		return ll > rl
	}
	if si != sj {
		return si < sj
	}
	if s.descending {
		return s.parties[i].Name > s.parties[j].Name
	}
	return s.parties[i].Name < s.parties[j].Name
}

// settled reports, by one scan, whether no unawarded slot beats an awarded
// one: then the estimate is already the result.
func (s *slotState) settled() bool {
	best, worst := -1, -1
	for i := range s.parties {
		if s.parties[i].Votes <= 0 {
			continue
		}
		if best < 0 || s.better(i, s.extra[i], best, s.extra[best]) {
			best = i
		}
		if s.extra[i] > 0 && (worst < 0 || s.better(worst, s.extra[worst]-1, i, s.extra[i]-1)) {
			worst = i
		}
	}
	return best < 0 || worst < 0 || best == worst || !s.better(best, s.extra[best], worst, s.extra[worst]-1)
}

// slotHeap holds party indexes: with max, ordered by each party's next
// unawarded slot (best first); otherwise by its last awarded slot (worst first).
type slotHeap struct {
	s   *slotState
	max bool
	idx []int
	// pos is each party's place in idx, -1 when absent.
	pos []int
}

func (h *slotHeap) Len() int { return len(h.idx) }
func (h *slotHeap) Less(a, b int) bool {
	i, j := h.idx[a], h.idx[b]
	if h.max {
		return h.s.better(i, h.s.extra[i], j, h.s.extra[j])
	}
	return h.s.better(j, h.s.extra[j]-1, i, h.s.extra[i]-1)
}
func (h *slotHeap) Swap(a, b int) {
	h.idx[a], h.idx[b] = h.idx[b], h.idx[a]
	if h.pos != nil {
		h.pos[h.idx[a]], h.pos[h.idx[b]] = a, b
	}
}
func (h *slotHeap) Push(x any) {
	h.idx = append(h.idx, x.(int))
	if h.pos != nil {
		h.pos[x.(int)] = len(h.idx) - 1
	}
}
func (h *slotHeap) Pop() any {
	n := len(h.idx) - 1
	x := h.idx[n]
	h.idx = h.idx[:n]
	if h.pos != nil {
		h.pos[x] = -1
	}
	return x
}

// position returns where party i is in the heap. Positions are built
// lazily: the common path (estimate exact, no corrections) never needs them.
func (h *slotHeap) position(i int) (int, bool) {
	if h.pos == nil {
		h.pos = make([]int, len(h.s.parties))
		for j := range h.pos {
			h.pos[j] = -1
		}
		for p, j := range h.idx {
			h.pos[j] = p
		}
	}
	p := h.pos[i]
	return p, p >= 0
}

func (h *slotHeap) fix(i int) {
	if p, ok := h.position(i); ok {
		heap.Fix(h, p)
	}
}

func (h *slotHeap) upsert(i int) {
	if p, ok := h.position(i); ok {
		heap.Fix(h, p)
		return
	}
	heap.Push(h, i)
}

func (h *slotHeap) remove(i int) {
	if p, ok := h.position(i); ok {
		heap.Remove(h, p)
	}
}
