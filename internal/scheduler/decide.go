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
	"strconv"
	"strings"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
)

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
	need := spreadNeed{
		replicas:   w.Replicas,
		divided:    typ == policyv1alpha1.ReplicaSchedulingTypeDivided && w.Replicas > 0,
		duplicated: typ == policyv1alpha1.ReplicaSchedulingTypeDuplicated,
	}
	need.capacityBound = need.divided && !static
	selected, err := selectClusters(w, ranked, need, p.SpreadConstraintsIgnored(), expl)
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
	case objectiveDivides(w, typ):
		var mv *Move
		var fits bool
		if out, mv, fits = divideByObjective(w, selected, expl); fits {
			expl.Move = mv
			break
		}
		expl.Division += "The objective's clusters have no room for every replica: divided by available replicas. "
		if out, err = divideDynamic(w, selected, chosenByName(byName), expl); err != nil {
			return nil, err
		}
	case static:
		out = divideStatic(w, selected, chosenByName(byName), expl)
	default:
		out, err = divideDynamic(w, selected, chosenByName(byName), expl)
		if err != nil {
			return nil, err
		}
	}
	if typ == policyv1alpha1.ReplicaSchedulingTypeDivided {
		out = keepGangs(w, out, expl)
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

func staticWeights(p *policyv1alpha1.Placement) bool {
	rs := p.ReplicaScheduling
	if rs == nil || rs.ReplicaDivisionPreference == policyv1alpha1.ReplicaDivisionPreferenceAggregated {
		return false
	}
	return rs.WeightPreference == nil || rs.WeightPreference.DynamicWeight == ""
}
