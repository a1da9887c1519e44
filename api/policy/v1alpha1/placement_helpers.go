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

package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
)

// ReplicaSchedulingType returns how replicas are scheduled. A placement
// without replicaScheduling duplicates them; a replicaScheduling block
// without replicaSchedulingType (only possible before schema defaulting)
// divides them.
func (p *Placement) ReplicaSchedulingType() ReplicaSchedulingType {
	if p == nil || p.ReplicaScheduling == nil {
		return ReplicaSchedulingTypeDuplicated
	}
	if p.ReplicaScheduling.ReplicaSchedulingType == "" {
		return ReplicaSchedulingTypeDivided
	}
	return p.ReplicaScheduling.ReplicaSchedulingType
}

// EffectiveClusterTolerations returns clusterTolerations followed by the
// tolerations given through the tolerations alias. The result must not be
// modified.
func (p *Placement) EffectiveClusterTolerations() []corev1.Toleration {
	if p == nil {
		return nil
	}
	if len(p.Tolerations) == 0 {
		return p.ClusterTolerations
	}
	if len(p.ClusterTolerations) == 0 {
		return p.Tolerations
	}
	all := make([]corev1.Toleration, 0, len(p.ClusterTolerations)+len(p.Tolerations))
	all = append(all, p.ClusterTolerations...)
	return append(all, p.Tolerations...)
}

// SpreadConstraintsIgnored says whether the replica scheduling makes the
// spread constraints irrelevant to the choice of clusters, as in Karmada:
// replicas divided by static weights, given as a list or by having no
// weightPreference at all (equal weights). An empty weightPreference, dynamic
// weights and Aggregated honour them.
func (p *Placement) SpreadConstraintsIgnored() bool {
	if p == nil || p.ReplicaSchedulingType() != ReplicaSchedulingTypeDivided {
		return false
	}
	rs := p.ReplicaScheduling
	if rs.ReplicaDivisionPreference == ReplicaDivisionPreferenceAggregated {
		return false
	}
	wp := rs.WeightPreference
	return wp == nil || len(wp.StaticWeightList) > 0 && wp.DynamicWeight == ""
}

// CascadesTiers reports whether the clusterAffinities terms fill as tiers
// (affinityStrategy.mode Cascade): only for replicas divided by available
// replicas (dynamic weights or aggregated). Duplicated workloads and static
// weights use the first term that schedules, as with Exclusive.
func (p *Placement) CascadesTiers() bool {
	if p == nil || p.AffinityStrategy == nil || p.AffinityStrategy.Mode != AffinityModeCascade || len(p.ClusterAffinities) < 2 ||
		p.ReplicaSchedulingType() != ReplicaSchedulingTypeDivided {
		return false
	}
	rs := p.ReplicaScheduling
	return rs.ReplicaDivisionPreference == ReplicaDivisionPreferenceAggregated ||
		rs.WeightPreference != nil && rs.WeightPreference.DynamicWeight != ""
}

// FailbackAnnotation on a PropagationPolicy or ClusterPropagationPolicy
// turns failback on, one knob for every placement it covers: a workload
// divided by static weights that left a cluster (failover, drain) returns to
// the placement its weights give, and a workload with ordered
// clusterAffinities that moved to a later term returns to the earliest term
// that fits, and one in Cascade mode brings replicas back to earlier tiers
// that have room again, once the clusters it returns to have been Ready for the
// annotation's value, a duration such as "30s" or "5m". Replicas move
// without lowering the ready count: the clusters giving replicas back keep
// them until the returning clusters run their share healthy. Off when
// absent, as in Karmada (which never moves a workload back to an earlier
// term). The detector copies it onto the policy's bindings.
const FailbackAnnotation = "policy.kurator.dev/failback-after"

// CostWeightAnnotation on a PropagationPolicy or ClusterPropagationPolicy
// ("true") divides replicas by relative cost where the policy gives no
// weights of its own: a Divided placement without a staticWeightList (and
// without dynamicWeight) weighs each cluster by the inverse of what a
// replica costs there (cluster properties cost.kurator.dev/*), so a cluster
// half as dear gets twice the share; a cluster without a known price weighs
// as the dearest known one. A policy's own static weights are kept, so seed
// example 11 still splits 80/20. The detector copies it onto the policy's
// bindings.
const CostWeightAnnotation = "scheduling.karmada.io/cost-weight"
