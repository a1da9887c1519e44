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
package division

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Candidate is a selected cluster as the division strategies see it.
type Candidate struct {
	Name string
	// Allocatable is how many more replicas of this workload fit in the
	// cluster (free capacity, excluding what the workload already has).
	Allocatable int64
	// Previous is how many replicas the last decision gave it.
	Previous int64
	// PreviousPosition is its place in the last decision's list: a
	// scale-down keeps that order among clusters with equal replicas.
	PreviousPosition int
	// Unready is how many of Previous are not ready: a scale-down removes
	// them first (a Kurator extension; Karmada removes in proportion).
	Unready int64
}

// Assignment is replicas per cluster, sorted by name, without zeros.
type Assignment []Party

// Total sums the replicas.
func (a Assignment) Total() int64 {
	var n int64
	for _, p := range a {
		n += p.Seats
	}
	return n
}

// String renders "a:3, b:2".
func (a Assignment) String() string {
	parts := make([]string, 0, len(a))
	for _, p := range a {
		parts = append(parts, fmt.Sprintf("%s:%d", p.Name, p.Seats))
	}
	return strings.Join(parts, ", ")
}

// compact drops zero entries, in place; parties must be sorted by name.
func compact(parties []Party) Assignment {
	out := parties[:0]
	for _, p := range parties {
		if p.Seats > 0 {
			out = append(out, Party{Name: p.Name, Seats: p.Seats})
		}
	}
	return out
}

func byName(a, b Party) int { return strings.Compare(a.Name, b.Name) }

// InsufficientError means the candidates cannot hold the replicas.
type InsufficientError struct {
	Needed, Available int64
}

func (e *InsufficientError) Error() string {
	more := "more replicas"
	if e.Available == 1 {
		more = "more replica"
	}
	needed := "are needed"
	if e.Needed == 1 {
		needed = "is needed"
	}
	return fmt.Sprintf("clusters have room for %d %s, %d %s", e.Available, more, e.Needed, needed)
}

// Static divides replicas by fixed weights, from scratch: clusters with
// weight 0 are left out, and if every weight is 0 each counts as 1.
func Static(replicas int64, names []string, weights []int64, uid string) Assignment {
	parties := make([]Party, 0, len(names))
	for i, n := range names {
		if weights[i] > 0 {
			parties = append(parties, Party{Name: n, Votes: weights[i]})
		}
	}
	if len(parties) == 0 {
		for _, n := range names {
			parties = append(parties, Party{Name: n, Votes: 1})
		}
	}
	return compact(apportion(replicas, parties, uid))
}

// Dynamic divides by free capacity in Karmada's steady mode: a scale-up
// places only the new replicas, in proportion to free capacity, on top of
// the previous decision; a scale-down shrinks the previous decision in
// proportion to it. With aggregated, the fewest clusters that can hold the
// replicas are used, those already in use first.
func Dynamic(replicas int64, cands []Candidate, aggregated bool, uid string) (Assignment, error) {
	var assigned int64
	for _, c := range cands {
		assigned += c.Previous
	}
	switch {
	case assigned < replicas:
		return scaleUp(replicas-assigned, cands, aggregated, uid)
	case assigned > replicas:
		return scaleDown(replicas, cands, aggregated, uid), nil
	default:
		prev := make([]Party, 0, len(cands))
		for _, c := range cands {
			prev = append(prev, Party{Name: c.Name, Seats: c.Previous})
		}
		slices.SortFunc(prev, byName)
		return compact(prev), nil
	}
}

func scaleUp(delta int64, cands []Candidate, aggregated bool, uid string) (Assignment, error) {
	order := cands
	var free int64
	for _, c := range order {
		free += max(c.Allocatable, 0)
	}
	if free < delta {
		return nil, &InsufficientError{Needed: delta, Available: free}
	}
	if aggregated {
		// Clusters already in use first, then most free; equal ones keep the
		// candidates' ranked order (the index makes the sort stable).
		idx := make([]int, len(cands))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int {
			return cmp.Or(cmp.Compare(used(cands[b]), used(cands[a])), cmp.Compare(cands[b].Allocatable, cands[a].Allocatable), cmp.Compare(a, b))
		})
		order = make([]Candidate, len(cands))
		for i, j := range idx {
			order[i] = cands[j]
		}
		var sum int64
		for i, c := range order {
			sum += max(c.Allocatable, 0)
			if sum >= delta {
				order = order[:i+1]
				break
			}
		}
	}
	parties := make([]Party, 0, len(order))
	for _, c := range order {
		if c.Allocatable > 0 {
			parties = append(parties, Party{Name: c.Name, Votes: c.Allocatable})
		}
	}
	// Webster's result is sorted by name; so is the previous decision once
	// sorted, and the two merge in one pass.
	added := apportion(delta, parties, uid)
	prev := make([]Party, 0, len(cands))
	for _, c := range cands {
		if c.Previous > 0 {
			prev = append(prev, Party{Name: c.Name, Seats: c.Previous})
		}
	}
	slices.SortFunc(prev, byName)
	out := make([]Party, 0, len(added)+len(prev))
	i, j := 0, 0
	for i < len(added) || j < len(prev) {
		switch {
		case j == len(prev) || (i < len(added) && added[i].Name < prev[j].Name):
			out = append(out, added[i])
			i++
		case i == len(added) || prev[j].Name < added[i].Name:
			out = append(out, prev[j])
			j++
		default:
			out = append(out, Party{Name: added[i].Name, Seats: added[i].Seats + prev[j].Seats})
			i, j = i+1, j+1
		}
	}
	return compact(out), nil
}

func scaleDown(replicas int64, cands []Candidate, aggregated bool, uid string) Assignment {
	cands, replicas, removed := removeUnready(replicas, cands)
	if removed != nil {
		return removed
	}
	order := make([]Candidate, 0, len(cands))
	for _, c := range cands {
		if c.Previous > 0 {
			order = append(order, c)
		}
	}
	slices.SortStableFunc(order, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(b.Previous, a.Previous), cmp.Compare(a.PreviousPosition, b.PreviousPosition))
	})
	if aggregated {
		var sum int64
		for i, c := range order {
			sum += c.Previous
			if sum >= replicas {
				order = order[:i+1]
				break
			}
		}
	}
	parties := make([]Party, 0, len(order))
	for _, c := range order {
		parties = append(parties, Party{Name: c.Name, Votes: c.Previous})
	}
	return compact(apportion(replicas, parties, uid))
}

// removeUnready takes a scale-down out of the replicas that are not ready
// first, from the clusters with the largest share of them unready: a
// replica that does not serve goes before one that does. It returns the
// candidates with those removed and what is left to divide, or, when the
// unready replicas cover the whole scale-down, the assignment itself.
func removeUnready(replicas int64, cands []Candidate) ([]Candidate, int64, Assignment) {
	var assigned, unready int64
	for _, c := range cands {
		assigned += c.Previous
		unready += min(max(c.Unready, 0), c.Previous)
	}
	excess := assigned - replicas
	if unready == 0 || excess <= 0 {
		return cands, replicas, nil
	}
	order := make([]int, 0, len(cands))
	for i, c := range cands {
		if c.Unready > 0 && c.Previous > 0 {
			order = append(order, i)
		}
	}
	// Largest unready share first (cross-multiplied), then most unready,
	// then the previous decision's order.
	slices.SortStableFunc(order, func(a, b int) int {
		ca, cb := cands[a], cands[b]
		return cmp.Or(cmp.Compare(min(cb.Unready, cb.Previous)*ca.Previous, min(ca.Unready, ca.Previous)*cb.Previous),
			cmp.Compare(cb.Unready, ca.Unready), cmp.Compare(ca.PreviousPosition, cb.PreviousPosition))
	})
	out := slices.Clone(cands)
	for _, i := range order {
		take := min(out[i].Unready, out[i].Previous, excess)
		out[i].Previous -= take
		out[i].Unready -= take
		excess -= take
		if excess == 0 {
			break
		}
	}
	if excess > 0 {
		return out, replicas, nil
	}
	parties := make([]Party, 0, len(out))
	for _, c := range out {
		parties = append(parties, Party{Name: c.Name, Seats: c.Previous})
	}
	slices.SortFunc(parties, byName)
	return out, replicas, compact(parties)
}

func used(c Candidate) int {
	if c.Previous > 0 {
		return 1
	}
	return 0
}

// Fresh divides from scratch by free capacity plus what each cluster already
// runs (a requested rebalance); previous decisions only weigh in.
func Fresh(replicas int64, cands []Candidate, aggregated bool, uid string) (Assignment, error) {
	reset := make([]Candidate, len(cands))
	for i, c := range cands {
		reset[i] = Candidate{Name: c.Name, Allocatable: max(c.Allocatable, 0) + c.Previous}
	}
	return scaleUp(replicas, reset, aggregated, uid)
}

// Duplicated gives every cluster all replicas.
func Duplicated(replicas int64, names []string) Assignment {
	out := make([]Party, 0, len(names))
	for _, n := range names {
		out = append(out, Party{Name: n, Seats: replicas})
	}
	slices.SortFunc(out, byName)
	return compact(out)
}
