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

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// groupKey is the value a cluster has for a spread constraint's topology.
// A cluster in several zones counts in its first.
func groupKey(sc policyv1alpha1.SpreadConstraint, c *karmadaclusterv1alpha1.Cluster) string {
	if sc.SpreadByLabel != "" {
		return c.Labels[sc.SpreadByLabel]
	}
	switch sc.SpreadByField {
	case policyv1alpha1.SpreadByFieldRegion:
		return c.Spec.Region
	case policyv1alpha1.SpreadByFieldZone:
		if z := c.Spec.EffectiveZones(); len(z) > 0 {
			return z[0]
		}
		return ""
	case policyv1alpha1.SpreadByFieldProvider:
		return c.Spec.Provider
	default:
		return c.Name
	}
}

func isClusterConstraint(sc policyv1alpha1.SpreadConstraint) bool {
	return sc.SpreadByLabel == "" && (sc.SpreadByField == "" || sc.SpreadByField == policyv1alpha1.SpreadByFieldCluster)
}

func constraintName(sc policyv1alpha1.SpreadConstraint) string {
	if sc.SpreadByLabel != "" {
		return "label " + sc.SpreadByLabel
	}
	if sc.SpreadByField == "" {
		return string(policyv1alpha1.SpreadByFieldCluster)
	}
	return string(sc.SpreadByField)
}

// minGroups is a constraint's minGroups as Karmada's webhook defaults it.
func minGroups(sc policyv1alpha1.SpreadConstraint) int {
	return max(int(sc.MinGroups), 1)
}

// spreadRules are a placement's spread constraints sorted out: the cluster
// constraint, and the group constraints in a fixed order (region, zone,
// provider, then labels by key), so a decision never depends on the order
// they are listed in.
type spreadRules struct {
	cluster *policyv1alpha1.SpreadConstraint
	groups  []policyv1alpha1.SpreadConstraint
	// open are group constraints without minGroups above 1 or maxGroups:
	// they choose nothing (maxSkew may still apply to them).
	open []policyv1alpha1.SpreadConstraint
}

func newSpreadRules(cs []policyv1alpha1.SpreadConstraint) spreadRules {
	var r spreadRules
	for i := range cs {
		if isClusterConstraint(cs[i]) {
			r.cluster = &cs[i]
			continue
		}
		if cs[i].MinGroups <= 1 && cs[i].MaxGroups == 0 {
			r.open = append(r.open, cs[i])
			continue
		}
		r.groups = append(r.groups, cs[i])
	}
	fieldOrder := func(sc policyv1alpha1.SpreadConstraint) int {
		switch {
		case sc.SpreadByLabel != "":
			return 3
		case sc.SpreadByField == policyv1alpha1.SpreadByFieldRegion:
			return 0
		case sc.SpreadByField == policyv1alpha1.SpreadByFieldZone:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(r.groups, func(a, b policyv1alpha1.SpreadConstraint) int {
		return cmp.Or(cmp.Compare(fieldOrder(a), fieldOrder(b)), strings.Compare(a.SpreadByLabel, b.SpreadByLabel))
	})
	return r
}

// karmadaSelects says whether Karmada's scheduler selects by these rules
// exactly: a cluster constraint, alone or with a region constraint choosing
// by score. Everything else is a Kurator extension.
func (r spreadRules) karmadaSelects() bool {
	if r.cluster == nil {
		return false
	}
	return len(r.groups) == 0 || len(r.groups) == 1 && r.groups[0].SpreadByField == policyv1alpha1.SpreadByFieldRegion &&
		r.groups[0].GroupSelection != policyv1alpha1.GroupSelectionCapacity
}

// spreadNeed is what the workload asks of the selected clusters' room.
type spreadNeed struct {
	replicas int64
	// divided: Karmada checks the cluster constraint's choice for room.
	divided bool
	// capacityBound: the division fails when the selection lacks room
	// (dynamic weights, aggregated).
	capacityBound bool
	// duplicated: groups are scored by how many clusters hold every replica.
	duplicated bool
}

// selectClusters applies the spread constraints to the ranked candidates,
// as Karmada's scheduler does wherever it supports them (see
// docs/scheduling.md for what is Karmada's behaviour and what is an
// extension).
func selectClusters(w *framework.Workload, ranked []*Candidate, need spreadNeed, ignoreSpread bool, expl *Explanation) ([]*Candidate, error) {
	var constraints []policyv1alpha1.SpreadConstraint
	if w.Placement != nil {
		constraints = w.Placement.SpreadConstraints
	}
	if len(constraints) == 0 {
		return ranked, nil
	}
	r := newSpreadRules(constraints)
	if r.cluster == nil && slices.ContainsFunc(constraints, func(sc policyv1alpha1.SpreadConstraint) bool { return sc.SpreadByField != "" }) {
		expl.differsFromKarmada("Karmada's webhook rejects spread constraints by region, zone or provider without a cluster constraint; Kurator reads them as if {spreadByField: cluster, minGroups: 1} were given.")
	}
	if ignoreSpread {
		expl.Division += "Spread constraints do not apply to static weights (as in Karmada). "
		return ranked, nil
	}
	if len(r.groups) > 0 {
		return selectByGroups(ranked, r, need, expl)
	}
	if len(r.open) > 0 {
		expl.differsFromKarmada(openDifference(r))
	}
	if r.cluster == nil {
		return ranked, nil
	}
	return selectByCluster(ranked, *r.cluster, need, expl)
}

// openDifference says what Karmada does with group constraints that set
// neither minGroups above 1 nor maxGroups, which Kurator does not select by.
func openDifference(r spreadRules) string {
	kinds := make([]string, len(r.open))
	for i, sc := range r.open {
		kinds[i] = constraintName(sc)
	}
	if r.cluster == nil {
		return "Karmada would not select by " + strings.Join(kinds, " and ") + "; with no minGroups above 1 and no maxGroups, neither does Kurator."
	}
	if r.open[0].SpreadByField == policyv1alpha1.SpreadByFieldRegion {
		return "The region spread constraint has no maxGroups: Karmada's scheduler would find no region and fail; Kurator does not limit regions."
	}
	return "Karmada does not select by " + strings.Join(kinds, " and ") + "; with no minGroups above 1 and no maxGroups, neither does Kurator."
}

// selectByCluster is Karmada's choice under a cluster constraint alone: the
// best-ranked maxGroups clusters, the lowest-ranked replaced by unchosen ones
// with more room while a divided workload does not fit.
func selectByCluster(ranked []*Candidate, sc policyv1alpha1.SpreadConstraint, need spreadNeed, expl *Explanation) ([]*Candidate, error) {
	if len(ranked) < minGroups(sc) {
		return nil, &UnschedulableError{Message: fmt.Sprintf("spread constraint by cluster needs at least %d clusters, %d fit", minGroups(sc), len(ranked))}
	}
	n := len(ranked)
	if sc.MaxGroups > 0 {
		n = min(n, int(sc.MaxGroups))
	} else {
		expl.differsFromKarmada("The cluster spread constraint has no maxGroups: Karmada's scheduler would select no cluster and fail; Kurator selects every cluster that fits.")
	}
	chosen := slices.Clone(ranked[:n])
	if !need.divided {
		return chosen, nil
	}
	chosen = swapForCapacity(need.replicas, chosen, slices.Clone(ranked[n:]))
	if room := roomOf(chosen); room < need.replicas {
		return nil, &UnschedulableError{Message: fmt.Sprintf("not enough capacity when selecting %d clusters: room for %d of %d replicas", n, room, need.replicas)}
	}
	return chosen, nil
}

// swapForCapacity replaces chosen clusters, from the lowest-ranked up, by
// the unchosen one with the most room (when it has more) while the chosen
// set cannot hold the replicas.
func swapForCapacity(replicas int64, chosen, rest []*Candidate) []*Candidate {
	for i := len(chosen) - 1; i >= 0 && roomOf(chosen) < replicas; i-- {
		best := -1
		for j, r := range rest {
			if r.capacity > chosen[i].capacity && (best < 0 || r.capacity > rest[best].capacity) {
				best = j
			}
		}
		if best >= 0 {
			chosen[i], rest[best] = rest[best], chosen[i]
		}
	}
	return chosen
}

func roomOf(cs []*Candidate) int64 {
	var n int64
	for _, c := range cs {
		n += c.capacity
	}
	return n
}
