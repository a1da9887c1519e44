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
)

// assemble chooses clusters in the given groups of the first constraint:
// the best cluster of each group, then the best clusters of new groups
// until every other constraint reaches its minGroups, then the best of the
// rest up to the cluster constraint's maxGroups, never taking a cluster
// that would exceed a constraint's maxGroups. For a division bound by
// capacity, clusters added last give way to ones with more room until the
// replicas fit.
func (a *assembler) assemble(groups []*spreadGroup) ([]*Candidate, bool) {
	s := a.newSelection()
	var pool []*Candidate
	for _, g := range groups {
		i := slices.IndexFunc(g.clusters, s.fits)
		if i < 0 {
			return nil, false
		}
		s.add(g.clusters[i])
		pool = append(pool, g.clusters...)
	}
	pool = rank(pool)
	for i := 1; i < len(a.rules.groups); i++ {
		sc := a.rules.groups[i]
		for len(s.spans[i]) < minGroups(sc) {
			j := slices.IndexFunc(pool, func(c *Candidate) bool {
				return !s.in[c] && s.spans[i][groupKey(sc, c.info.Cluster)] == 0 && s.fits(c)
			})
			if j < 0 {
				return nil, false
			}
			s.add(pool[j])
		}
	}
	required := len(s.clusters)
	for _, c := range pool {
		if !s.in[c] && s.fits(c) {
			s.add(c)
		}
	}
	clusterMin := 1
	if a.rules.cluster != nil {
		clusterMin = minGroups(*a.rules.cluster)
	}
	if len(s.clusters) < clusterMin {
		return nil, false
	}
	if a.need.capacityBound && roomOf(s.clusters) < a.need.replicas {
		s.swapForRoom(pool, required)
		if roomOf(s.clusters) < a.need.replicas {
			return nil, false
		}
	}
	return s.clusters, true
}

// swapForRoom replaces clusters added after the required ones, from the
// last, by the unchosen cluster with the most room that keeps every
// constraint, while the selection cannot hold the replicas.
func (s *selection) swapForRoom(pool []*Candidate, required int) {
	for i := len(s.clusters) - 1; i >= required && roomOf(s.clusters) < s.a.need.replicas; i-- {
		out := s.clusters[i]
		s.remove(out)
		best := out
		for _, c := range pool {
			if !s.in[c] && c.capacity > best.capacity && s.fits(c) {
				best = c
			}
		}
		s.insert(i, best)
	}
}

// failure says why no set of groups works.
func (a *assembler) failure(primary policyv1alpha1.SpreadConstraint, search groupSearch) string {
	var others []string
	for _, sc := range a.rules.groups[1:] {
		others = append(others, fmt.Sprintf("%s %d-%s", constraintName(sc), minGroups(sc), maxText(sc)))
	}
	if a.rules.cluster != nil {
		others = append(others, fmt.Sprintf("cluster %d-%s", minGroups(*a.rules.cluster), maxText(*a.rules.cluster)))
	}
	msg := fmt.Sprintf("no %d to %d %s groups satisfy the spread constraints", search.min, search.max, constraintName(primary))
	if len(others) > 0 {
		msg += " (" + strings.Join(others, ", ") + " groups)"
	}
	if a.need.capacityBound {
		msg += fmt.Sprintf(" with room for %d replicas", a.need.replicas)
	}
	return msg
}

func maxText(sc policyv1alpha1.SpreadConstraint) string {
	if sc.MaxGroups == 0 {
		return "any"
	}
	return fmt.Sprint(sc.MaxGroups)
}

// secondaryNote says how many groups of each other constraint the chosen
// clusters span.
func (a *assembler) secondaryNote(sel []*Candidate) string {
	var parts []string
	for _, sc := range a.rules.groups[1:] {
		seen := map[string]bool{}
		for _, c := range sel {
			seen[groupKey(sc, c.info.Cluster)] = true
		}
		parts = append(parts, fmt.Sprintf("%d %s groups", len(seen), constraintName(sc)))
	}
	parts = append(parts, fmt.Sprintf("%d clusters", len(sel)))
	return ", spanning " + strings.Join(parts, ", ")
}
