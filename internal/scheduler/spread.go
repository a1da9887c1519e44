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

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// groupKey is the value a cluster has for a spread constraint's topology.
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

// selectClusters applies the spread constraints to the ranked candidates.
// A static weight list ignores them, as in Karmada. Groups (regions, zones,
// providers or label values) are ranked by how much of the workload they can
// hold and by score; the best minGroups..maxGroups are taken, the best
// cluster of each first, then the rest up to the cluster constraint's
// maxGroups.
func selectClusters(w *framework.Workload, ranked []*Candidate, typ policyv1alpha1.ReplicaSchedulingType, ignoreSpread bool, expl *Explanation) ([]*Candidate, error) {
	var constraints []policyv1alpha1.SpreadConstraint
	if w.Placement != nil {
		constraints = w.Placement.SpreadConstraints
	}
	if len(constraints) == 0 || ignoreSpread {
		return ranked, nil
	}
	var clusterC *policyv1alpha1.SpreadConstraint
	var groupC *policyv1alpha1.SpreadConstraint
	for i := range constraints {
		sc := &constraints[i]
		if isClusterConstraint(*sc) {
			clusterC = sc
		} else if groupC == nil && (sc.MinGroups > 0 || sc.MaxGroups > 0) {
			groupC = sc
		}
	}
	divided := typ == policyv1alpha1.ReplicaSchedulingTypeDivided && w.Replicas > 0
	pool := ranked
	if groupC != nil {
		var err error
		if pool, err = selectGroups(w, ranked, *groupC, clusterC, divided, expl); err != nil {
			return nil, err
		}
	}
	if clusterC == nil {
		return pool, nil
	}
	if int32(len(pool)) < clusterC.MinGroups {
		return nil, &UnschedulableError{Message: fmt.Sprintf("spread constraint by cluster needs at least %d clusters, %d fit", clusterC.MinGroups, len(pool))}
	}
	need := len(pool)
	if clusterC.MaxGroups > 0 {
		need = min(need, int(clusterC.MaxGroups))
	}
	chosen := slices.Clone(pool[:need])
	rest := slices.Clone(pool[need:])
	if divided && groupC == nil {
		chosen = swapForCapacity(w, chosen, rest)
		var room int64
		for _, c := range chosen {
			room += c.capacity
		}
		if room < w.Replicas {
			return nil, &UnschedulableError{Message: fmt.Sprintf("not enough capacity when selecting %d clusters: room for %d of %d replicas", need, room, w.Replicas)}
		}
	}
	return chosen, nil
}

// swapForCapacity replaces the lowest-ranked chosen clusters by unchosen
// ones with more room while the chosen set cannot hold the replicas.
func swapForCapacity(w *framework.Workload, chosen, rest []*Candidate) []*Candidate {
	room := func() int64 {
		var n int64
		for _, c := range chosen {
			n += c.capacity
		}
		return n
	}
	for i := len(chosen) - 1; i >= 0 && room() < w.Replicas; i-- {
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

type group struct {
	key      string
	clusters []*Candidate
	value    int64
}

func selectGroups(w *framework.Workload, ranked []*Candidate, sc policyv1alpha1.SpreadConstraint, clusterC *policyv1alpha1.SpreadConstraint, divided bool, expl *Explanation) ([]*Candidate, error) {
	var groups []*group
	index := map[string]*group{}
	for _, c := range ranked {
		k := groupKey(sc, c.info.Cluster)
		g, ok := index[k]
		if !ok {
			g = &group{key: k}
			index[k] = g
			groups = append(groups, g)
		}
		g.clusters = append(g.clusters, c)
	}
	if int32(len(groups)) < sc.MinGroups {
		return nil, &UnschedulableError{Message: fmt.Sprintf("spread constraint by %s needs at least %d groups, clusters that fit span %d", constraintName(sc), sc.MinGroups, len(groups))}
	}
	minGroups := max(int64(sc.MinGroups), 1)
	for _, g := range groups {
		g.value = groupValue(w, g, divided, minGroups)
	}
	slices.SortStableFunc(groups, func(a, b *group) int {
		if a.value != b.value {
			return cmp64(b.value, a.value)
		}
		return strings.Compare(a.key, b.key)
	})
	n := len(groups)
	if sc.MaxGroups > 0 {
		n = min(n, int(sc.MaxGroups))
	}
	groups = groups[:n]
	keys := make([]string, n)
	// The best cluster of every chosen group first, then the others by rank
	// (appended to first, which has room for them).
	first := make([]*Candidate, 0, len(ranked))
	var others []*Candidate
	for i, g := range groups {
		keys[i] = g.key
		first = append(first, g.clusters[0])
		others = append(others, g.clusters[1:]...)
	}
	others = rank(others)
	expl.Division += fmt.Sprintf("Spread by %s: chose %s. ", constraintName(sc), strings.Join(keys, ", "))
	out := append(first, others...)
	if clusterC != nil && clusterC.MaxGroups > 0 && len(out) > int(clusterC.MaxGroups) {
		out = out[:clusterC.MaxGroups]
	}
	if divided {
		var room int64
		for _, c := range out {
			room += c.capacity
		}
		if room < w.Replicas {
			return nil, &UnschedulableError{Message: fmt.Sprintf("not enough capacity in the chosen %s groups: room for %d of %d replicas", constraintName(sc), room, w.Replicas)}
		}
	}
	return out, nil
}

// groupValue ranks a group: for divided workloads, how much of its share
// (replicas/minGroups) it can hold, then the average score; for duplicated
// ones, how many of its clusters can hold all replicas.
func groupValue(w *framework.Workload, g *group, divided bool, minGroups int64) int64 {
	const unit = 1000
	var scoreSum int64
	for _, c := range g.clusters {
		scoreSum += c.Score
	}
	avg := scoreSum / int64(len(g.clusters))
	if !divided {
		var fits int64
		for _, c := range g.clusters {
			if w.Replicas == 0 || c.capacity >= w.Replicas {
				fits++
			}
		}
		return fits*unit + avg
	}
	target := (w.Replicas + minGroups - 1) / minGroups
	var sum int64
	for _, c := range g.clusters {
		sum += c.capacity
		if sum >= target {
			return target*unit + avg
		}
	}
	return sum*unit + avg
}

// checkSkew enforces maxSkew: the replicas of the most and least loaded
// groups may differ by at most that much. Replicas move from the largest to
// the smallest group (to its cluster with the most room) until they do.
func checkSkew(w *framework.Workload, assigned []framework.TargetCluster, selected []*Candidate, expl *Explanation) ([]framework.TargetCluster, error) {
	if w.Placement == nil || w.Replicas == 0 || w.Placement.ReplicaSchedulingType() != policyv1alpha1.ReplicaSchedulingTypeDivided ||
		!slices.ContainsFunc(w.Placement.SpreadConstraints, func(sc policyv1alpha1.SpreadConstraint) bool { return sc.MaxSkew > 0 }) {
		return assigned, nil
	}
	byName := make(map[string]*karmadaclusterv1alpha1.Cluster, len(selected))
	for _, c := range selected {
		byName[c.Name] = c.info.Cluster
	}
	// Selected clusters that got nothing still make their group count.
	out := slices.Clone(assigned)
	have := make(map[string]bool, len(out))
	for _, t := range out {
		have[t.Name] = true
	}
	for _, c := range selected {
		if !have[c.Name] {
			out = append(out, framework.TargetCluster{Name: c.Name})
		}
	}
	for _, sc := range w.Placement.SpreadConstraints {
		if sc.MaxSkew <= 0 {
			continue
		}
		moved := 0
		for {
			sums := map[string]int64{}
			for _, t := range out {
				sums[groupKey(sc, byName[t.Name])] += t.Replicas
			}
			hi, lo := "", ""
			for k, v := range sums {
				if hi == "" || v > sums[hi] || (v == sums[hi] && k < hi) {
					hi = k
				}
				if lo == "" || v < sums[lo] || (v == sums[lo] && k < lo) {
					lo = k
				}
			}
			if sums[hi]-sums[lo] <= int64(sc.MaxSkew) {
				break
			}
			from, to := -1, -1
			for i, t := range out {
				k := groupKey(sc, byName[t.Name])
				if k == hi && t.Replicas > 0 && (from < 0 || t.Replicas > out[from].Replicas) {
					from = i
				}
				if k == lo && (to < 0 || t.Replicas < out[to].Replicas) {
					to = i
				}
			}
			if from < 0 || to < 0 || moved > int(w.Replicas) {
				return nil, &UnschedulableError{Message: fmt.Sprintf("cannot keep the replica skew between %s groups within %d", constraintName(sc), sc.MaxSkew)}
			}
			out[from].Replicas--
			out[to].Replicas++
			moved++
		}
		if moved > 0 {
			expl.Division += fmt.Sprintf("maxSkew %d by %s moved %d replicas. ", sc.MaxSkew, constraintName(sc), moved)
		}
	}
	out = slices.DeleteFunc(out, func(t framework.TargetCluster) bool { return t.Replicas == 0 })
	slices.SortFunc(out, func(a, b framework.TargetCluster) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
