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
package karmada

import (
	"fmt"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// honoursEverything checks a decision Kurator makes beyond Karmada: every
// replica assigned, no cluster past its room when the division depends on
// room, and every spread constraint within its bounds.
func honoursEverything(d kuratorDecision) error {
	p, w, res := d.workload.Placement, d.workload, d.result
	divided := p != nil && p.ReplicaSchedulingType() == policyv1alpha1.ReplicaSchedulingTypeDivided
	var total int64
	for _, c := range res.Clusters {
		total += c.Replicas
	}
	if divided && total != w.Replicas {
		return fmt.Errorf("%s assigns %d of %d replicas", render(d.outcome), total, w.Replicas)
	}
	byRoom := divided && p.ReplicaScheduling != nil && (p.ReplicaScheduling.ReplicaDivisionPreference == policyv1alpha1.ReplicaDivisionPreferenceAggregated ||
		p.ReplicaScheduling.WeightPreference != nil && p.ReplicaScheduling.WeightPreference.DynamicWeight != "")
	for _, c := range res.Explanation.Candidates {
		previous, _ := w.PreviousReplicas(c.Name)
		if byRoom && c.Available >= 0 && c.Assigned > c.Available+previous {
			return fmt.Errorf("%s gives %s %d replicas, room for %d", render(d.outcome), c.Name, c.Assigned, c.Available+previous)
		}
	}
	if p == nil || p.SpreadConstraintsIgnored() {
		return nil
	}
	clusters := map[string]*karmadaclusterv1alpha1.Cluster{}
	for _, c := range d.scenario.Clusters {
		clusters[c.Name] = c
	}
	for _, sc := range p.SpreadConstraints {
		groups := map[string]bool{}
		for _, t := range res.Clusters {
			if t.Replicas > 0 || !divided {
				groups[groupOf(sc, clusters[t.Name])] = true
			}
		}
		if sc.MaxGroups > 0 && len(groups) > int(sc.MaxGroups) {
			return fmt.Errorf("%s spans %d groups of %s, maxGroups %d", render(d.outcome), len(groups), describe(sc), sc.MaxGroups)
		}
		if !divided && len(groups) < int(sc.MinGroups) {
			return fmt.Errorf("%s spans %d groups of %s, minGroups %d", render(d.outcome), len(groups), describe(sc), sc.MinGroups)
		}
	}
	return nil
}

// groupOf is the cluster's group under a constraint, read from the
// cluster as a user would (the first zone of several).
func groupOf(sc policyv1alpha1.SpreadConstraint, c *karmadaclusterv1alpha1.Cluster) string {
	switch {
	case sc.SpreadByLabel != "":
		return c.Labels[sc.SpreadByLabel]
	case sc.SpreadByField == policyv1alpha1.SpreadByFieldRegion:
		return c.Spec.Region
	case sc.SpreadByField == policyv1alpha1.SpreadByFieldZone:
		if z := c.Spec.EffectiveZones(); len(z) > 0 {
			return z[0]
		}
		return ""
	case sc.SpreadByField == policyv1alpha1.SpreadByFieldProvider:
		return c.Spec.Provider
	}
	return c.Name
}

func describe(sc policyv1alpha1.SpreadConstraint) string {
	if sc.SpreadByLabel != "" {
		return "label " + sc.SpreadByLabel
	}
	if sc.SpreadByField == "" {
		return "cluster"
	}
	return string(sc.SpreadByField)
}
