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

// selectByGroups chooses groups for the first group constraint (region,
// else zone, provider, label), then clusters in them. With a region and a
// cluster constraint this is Karmada's choice; other combinations are a
// Kurator extension that honours every constraint at once.
func selectByGroups(ranked []*Candidate, r spreadRules, need spreadNeed, expl *Explanation) ([]*Candidate, error) {
	primary := r.groups[0]
	groups := groupBy(primary, ranked)
	if len(groups) < minGroups(primary) {
		return nil, &UnschedulableError{Message: fmt.Sprintf("spread constraint by %s needs at least %d groups, clusters that fit span %d", constraintName(primary), minGroups(primary), len(groups))}
	}
	// Karmada scores with the cluster constraint's minGroups, 0 without one.
	clusterMin, karmadaClusterMin := 1, 0
	if r.cluster != nil {
		clusterMin, karmadaClusterMin = minGroups(*r.cluster), minGroups(*r.cluster)
	}
	for _, g := range groups {
		g.score = scoreGroup(g, need, minGroups(primary), karmadaClusterMin)
	}
	maxGroups := int(primary.MaxGroups)
	var notes []string
	if maxGroups == 0 {
		maxGroups = len(groups)
		notes = append(notes, fmt.Sprintf("the %s constraint has no maxGroups, so Karmada's scheduler would find no %s and fail", constraintName(primary), constraintName(primary)))
	}
	search := groupSearch{groups: groups, min: minGroups(primary), max: maxGroups, clusterMin: clusterMin, budget: searchBudget}
	if r.karmadaSelects() {
		return selectLikeKarmada(ranked, r, need, search, notes, expl)
	}
	a := assembler{rules: r, need: need, ranked: ranked}
	search.assemble = a.assemble
	search.byRoom = primary.GroupSelection == policyv1alpha1.GroupSelectionCapacity
	path := search.run()
	if path == nil {
		return nil, &UnschedulableError{Message: a.failure(primary, search)}
	}
	expl.Division += fmt.Sprintf("Spread by %s: chose %s%s. ", constraintName(primary), groupKeys(path.groups), a.secondaryNote(path.selected))
	if d := extensionDifference(r, notes); d != "" {
		expl.differsFromKarmada(d)
	}
	return path.selected, nil
}

// selectLikeKarmada is Karmada's region selection. When its regions cannot
// hold a divided workload, Karmada fails; Kurator then chooses the fewest
// regions that can.
func selectLikeKarmada(ranked []*Candidate, r spreadRules, need spreadNeed, search groupSearch, notes []string, expl *Explanation) ([]*Candidate, error) {
	clusterMax := int(r.cluster.MaxGroups)
	path := search.run()
	if path == nil {
		return nil, &UnschedulableError{Message: fmt.Sprintf("no %d to %d regions hold the %d clusters the cluster spread constraint needs", search.min, search.max, search.clusterMin)}
	}
	path.selected = karmadaClusters(path.groups, clusterMax, ranked)
	path.room = roomOf(path.selected)
	why := fmt.Sprintf("the fewest regions (at least %d) with at least %d clusters, by region score", search.min, search.clusterMin)
	if clusterMax == 0 {
		notes = append(notes, "the cluster constraint has no maxGroups, so, as in Karmada, one cluster is taken per region")
	}
	if need.capacityBound && path.room < need.replicas {
		karmadaChoice, room := path.groups, path.room
		search.assemble = func(groups []*spreadGroup) ([]*Candidate, bool) {
			sel := karmadaClusters(groups, clusterMax, ranked)
			return sel, roomOf(sel) >= need.replicas
		}
		search.cut = false
		if path = search.run(); path == nil {
			return nil, &UnschedulableError{Message: fmt.Sprintf("not enough capacity: the regions chosen (%s) have room for %d of %d replicas, and no %d to %d regions have enough", groupKeys(karmadaChoice), room, need.replicas, search.min, search.max)}
		}
		why = "the fewest regions whose clusters hold every replica, by region score"
		notes = append(notes, fmt.Sprintf("Karmada would choose %s, whose clusters have room for %d of %d replicas, and fail", groupKeys(karmadaChoice), room, need.replicas))
	}
	if search.cut {
		notes = append(notes, fmt.Sprintf("the search stopped after %d combinations of regions; Karmada searches them all", searchBudget))
	}
	expl.Division += fmt.Sprintf("Spread by region: chose %s (%s). ", groupKeys(path.groups), why)
	if len(notes) > 0 {
		expl.differsFromKarmada(capitalise(strings.Join(notes, "; ")) + ".")
	}
	return path.selected, nil
}

// karmadaClusters is Karmada's choice of clusters in the chosen regions:
// the best of each region, then the best of the rest up to the cluster
// constraint's maxGroups (none when it is 0, as in Karmada). ranked holds
// every candidate in rank order.
func karmadaClusters(groups []*spreadGroup, clusterMax int, ranked []*Candidate) []*Candidate {
	sel := make([]*Candidate, 0, len(groups))
	first := make(map[*Candidate]bool, len(groups))
	total := 0
	for _, g := range groups {
		sel = append(sel, g.clusters[0])
		first[g.clusters[0]] = true
		total += len(g.clusters)
	}
	more := min(total, clusterMax) - len(sel)
	if more <= 0 {
		return sel
	}
	chosen := make(map[string]bool, len(groups))
	for _, g := range groups {
		chosen[g.key] = true
	}
	for _, c := range ranked {
		if more == 0 {
			break
		}
		if !first[c] && chosen[c.info.Cluster.Spec.Region] {
			sel = append(sel, c)
			more--
		}
	}
	return sel
}

func extensionDifference(r spreadRules, notes []string) string {
	var parts []string
	var kinds []string
	for _, g := range r.groups {
		if !slices.Contains(kinds, constraintName(g)) {
			kinds = append(kinds, constraintName(g))
		}
	}
	switch {
	case r.groups[0].SpreadByField != policyv1alpha1.SpreadByFieldRegion && r.cluster == nil:
		parts = append(parts, "Karmada's scheduler selects only by region or cluster: it would fail on "+strings.Join(kinds, " and ")+" groups")
	case r.groups[0].SpreadByField != policyv1alpha1.SpreadByFieldRegion:
		parts = append(parts, "Karmada's scheduler selects only by region or cluster: it would ignore "+strings.Join(kinds, " and ")+" and take clusters by the cluster constraint alone")
	case len(kinds) > 1:
		parts = append(parts, "Karmada would select by region and cluster only, ignoring "+strings.Join(kinds[1:], ", "))
	case r.groups[0].GroupSelection == policyv1alpha1.GroupSelectionCapacity:
		parts = append(parts, "Karmada chooses regions by score alone (groupSelection Capacity is a Kurator extension)")
	}
	parts = append(parts, notes...)
	if len(parts) == 0 {
		// A region constraint without a cluster constraint: said above.
		return ""
	}
	return capitalise(strings.Join(parts, "; ")) + "."
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// assembler chooses clusters within a set of groups so that every other
// group constraint and the cluster constraint hold, and, for a division
// bound by capacity, so that they hold every replica.
type assembler struct {
	rules  spreadRules
	need   spreadNeed
	ranked []*Candidate
}

// selection is a set of clusters being built, with the groups each
// secondary constraint spans.
type selection struct {
	a        *assembler
	clusters []*Candidate
	in       map[*Candidate]bool
	spans    []map[string]int
}

func (a *assembler) newSelection() *selection {
	s := &selection{a: a, in: map[*Candidate]bool{}, spans: make([]map[string]int, len(a.rules.groups))}
	for i := range s.spans {
		s.spans[i] = map[string]int{}
	}
	return s
}

// fits says whether adding c keeps every constraint within its maxGroups.
func (s *selection) fits(c *Candidate) bool {
	if cm := s.a.clusterMax(); cm > 0 && len(s.clusters) >= cm {
		return false
	}
	for i, sc := range s.a.rules.groups {
		if sc.MaxGroups > 0 && s.spans[i][groupKey(sc, c.info.Cluster)] == 0 && len(s.spans[i]) >= int(sc.MaxGroups) {
			return false
		}
	}
	return true
}

func (s *selection) add(c *Candidate) { s.insert(len(s.clusters), c) }

// insert adds c at position i of the selection.
func (s *selection) insert(i int, c *Candidate) {
	s.clusters = slices.Insert(s.clusters, i, c)
	s.in[c] = true
	for i, sc := range s.a.rules.groups {
		s.spans[i][groupKey(sc, c.info.Cluster)]++
	}
}

func (s *selection) remove(c *Candidate) {
	s.clusters = slices.DeleteFunc(s.clusters, func(x *Candidate) bool { return x == c })
	delete(s.in, c)
	for i, sc := range s.a.rules.groups {
		k := groupKey(sc, c.info.Cluster)
		if s.spans[i][k]--; s.spans[i][k] == 0 {
			delete(s.spans[i], k)
		}
	}
}

func (a *assembler) clusterMax() int {
	if a.rules.cluster == nil {
		return 0
	}
	return int(a.rules.cluster.MaxGroups)
}
