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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Cluster fields that field selectors, matchFields and spreadByField refer to.
const (
	// ClusterFieldProvider is a cluster's spec.provider.
	ClusterFieldProvider = "provider"
	// ClusterFieldRegion is a cluster's spec.region.
	ClusterFieldRegion = "region"
	// ClusterFieldZone is a cluster's spec.zones.
	ClusterFieldZone = "zone"
)

// Placement describes which member clusters a resource goes to and how its
// replicas are spread and divided among them.
// +kubebuilder:validation:XValidation:rule="!has(self.affinityStrategy) || !has(self.affinityStrategy.mode) || self.affinityStrategy.mode != 'Cascade' || (has(self.clusterAffinities) && size(self.clusterAffinities) > 1)",message="affinityStrategy: mode Cascade needs at least two clusterAffinities terms to cascade over"
// +kubebuilder:validation:XValidation:rule="!has(self.affinityStrategy) || !has(self.affinityStrategy.mode) || self.affinityStrategy.mode != 'Cascade' || !has(self.clusterAffinities) || self.clusterAffinities.all(t, !has(t.overflowAffinities) || size(t.overflowAffinities) == 0)",message="affinityStrategy: with mode Cascade the clusterAffinities terms are the tiers; overflowAffinities cannot be used as well"
// +kubebuilder:validation:XValidation:rule="!(has(self.clusterAffinity) && has(self.clusterAffinities) && size(self.clusterAffinities) > 0)",message="clusterAffinity and clusterAffinities are mutually exclusive: set at most one of them"
type Placement struct {
	// clusterAffinity selects the candidate clusters. When neither
	// clusterAffinity nor clusterAffinities is set, every member cluster is
	// a candidate. Mutually exclusive with clusterAffinities.
	// +optional
	ClusterAffinity *ClusterAffinity `json:"clusterAffinity,omitempty"`

	// clusterAffinities is an ordered list of alternative cluster
	// affinities. The scheduler uses the first term that schedules
	// successfully and records its name in the binding's
	// status.schedulerObservingAffinityName; later terms are tried only when
	// earlier ones fail. affinityName must be unique in the list.
	// Mutually exclusive with clusterAffinity.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:XValidation:rule="self.all(a, self.exists_one(b, b.affinityName == a.affinityName))",message="clusterAffinities: affinityName must be unique within the list"
	ClusterAffinities []ClusterAffinityTerm `json:"clusterAffinities,omitempty"`

	// affinityStrategy says how the clusterAffinities terms are used. A
	// Kurator extension following approach 2 of Karmada's cascading
	// scheduling proposal, which Karmada has not settled yet; without it
	// Kurator behaves as Karmada does (Exclusive).
	// +optional
	AffinityStrategy *AffinityStrategy `json:"affinityStrategy,omitempty"`

	// clusterTolerations lets the resource go to clusters whose taints they
	// tolerate. Clusters with a NoSchedule or NoExecute taint that is not
	// tolerated are not candidates.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	ClusterTolerations []corev1.Toleration `json:"clusterTolerations,omitempty"`

	// tolerations is a Kurator alias of clusterTolerations, accepted so that
	// manifests written with the Kubernetes Pod field name validate. It is
	// not a Karmada field: prefer clusterTolerations. When both are set, the
	// two lists are combined (see EffectiveClusterTolerations).
	// +optional
	// +kubebuilder:validation:MaxItems=64
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`

	// spreadConstraints spread the resource over groups of clusters:
	// clusters themselves, regions, zones or providers. Each spreadByField
	// may appear at most once.
	//
	// Unlike Karmada, a constraint on region, zone or provider does not
	// require an accompanying spreadByField: cluster constraint; when it is
	// missing, the scheduler behaves as if {spreadByField: cluster,
	// minGroups: 1} without maxGroups had been given.
	// +optional
	// +kubebuilder:validation:MaxItems=8
	// +kubebuilder:validation:XValidation:rule="self.all(a, has(a.spreadByLabel) || self.exists_one(b, !has(b.spreadByLabel) && (has(b.spreadByField) ? b.spreadByField : 'cluster') == (has(a.spreadByField) ? a.spreadByField : 'cluster')))",message="spreadConstraints: each spreadByField may appear in at most one spread constraint (one with neither spreadByField nor spreadByLabel is by cluster)"
	SpreadConstraints []SpreadConstraint `json:"spreadConstraints,omitempty"`

	// replicaScheduling says how the replicas of a workload are scheduled:
	// duplicated to every selected cluster, or divided among them. When
	// omitted, replicas are duplicated (see ReplicaSchedulingType).
	// +optional
	ReplicaScheduling *ReplicaSchedulingStrategy `json:"replicaScheduling,omitempty"`

	// workloadAffinity co-locates workloads of the same group on the same
	// clusters, or separates them. It is accepted for compatibility with
	// Karmada, where it is alpha and behind the WorkloadAffinity feature gate
	// (off by default).
	// +optional
	WorkloadAffinity *WorkloadAffinity `json:"workloadAffinity,omitempty"`
}

// ClusterAffinity selects clusters. labelSelector, fieldSelector and
// clusterNames are ANDed; an empty part matches every cluster. Clusters
// listed in exclude never match.
type ClusterAffinity struct {
	// labelSelector selects clusters by their labels.
	// +optional
	LabelSelector *metav1.LabelSelector `json:"labelSelector,omitempty"`

	// fieldSelector selects clusters by provider, region and zone.
	// +optional
	FieldSelector *FieldSelector `json:"fieldSelector,omitempty"`

	// clusterNames lists the clusters that match. Empty means any cluster.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +kubebuilder:validation:items:MaxLength=253
	ClusterNames []string `json:"clusterNames,omitempty"`

	// exclude lists clusters that never match, whatever the other fields
	// say.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +kubebuilder:validation:items:MaxLength=253
	ExcludeClusters []string `json:"exclude,omitempty"`

	// preferredDuringSchedulingIgnoredDuringExecution is a Kurator extension,
	// as in a Fleet's placement, that ranks the candidate clusters: for each
	// cluster, the weights of the terms it matches are summed, and clusters
	// with a higher sum are preferred. Preferences never exclude a cluster.
	// It is only used in a placement's clusterAffinity and clusterAffinities;
	// elsewhere (staticWeightList, override rules) it is ignored.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	Preferred []PreferredClusterTerm `json:"preferredDuringSchedulingIgnoredDuringExecution,omitempty"`
}

// FieldSelector selects clusters by fields.
type FieldSelector struct {
	// matchExpressions is a list of requirements on cluster fields, ANDed.
	// Keys are provider, region and zone; operators are In and NotIn. A zone
	// requirement looks at the cluster's spec.zones: In matches when any zone
	// is listed, NotIn when none is.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:XValidation:rule="self.all(r, r.key in ['provider', 'region', 'zone'])",message="fieldSelector.matchExpressions: key must be one of provider, region, zone"
	// +kubebuilder:validation:XValidation:rule="self.all(r, r.operator in ['In', 'NotIn'])",message="fieldSelector.matchExpressions: operator must be In or NotIn"
	MatchExpressions []corev1.NodeSelectorRequirement `json:"matchExpressions,omitempty"`
}

// PreferredClusterTerm is a weighted preference for clusters.
type PreferredClusterTerm struct {
	// weight is added to the score of every cluster matching preference.
	// +required
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	Weight int32 `json:"weight"`

	// preference selects the clusters the weight applies to.
	// +required
	Preference ClusterSelectorTerm `json:"preference"`
}

// ClusterSelectorTerm matches clusters. Its requirements are ANDed; an empty
// term matches every cluster.
type ClusterSelectorTerm struct {
	// matchExpressions is a list of requirements on cluster labels.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	MatchExpressions []corev1.NodeSelectorRequirement `json:"matchExpressions,omitempty"`

	// matchFields is a list of requirements on cluster fields. Keys are
	// provider, region and zone; operators are In and NotIn.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:XValidation:rule="self.all(r, r.key in ['provider', 'region', 'zone'])",message="matchFields: key must be one of provider, region, zone"
	// +kubebuilder:validation:XValidation:rule="self.all(r, r.operator in ['In', 'NotIn'])",message="matchFields: operator must be In or NotIn"
	MatchFields []corev1.NodeSelectorRequirement `json:"matchFields,omitempty"`
}

// ClusterAffinityTerm is one named, alternative cluster affinity of
// clusterAffinities.
// +kubebuilder:validation:XValidation:rule="!has(self.overflowAffinities) || size(self.overflowAffinities) == 0 || has(self.labelSelector) || has(self.fieldSelector) || has(self.clusterNames) || has(self.exclude)",message="overflowAffinities: the term must itself select clusters (labelSelector, fieldSelector, clusterNames or exclude) to have overflow tiers"
type ClusterAffinityTerm struct {
	// affinityName names the term. It is unique within clusterAffinities.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32
	AffinityName string `json:"affinityName"`

	ClusterAffinity `json:",inline"`

	// overflowAffinities are extra tiers of clusters for a divided workload.
	// When the clusters of the term itself lack capacity, the tiers are
	// filled in order; on scale-down they are emptied in reverse order.
	// affinityName must be unique in the list.
	// +optional
	// +kubebuilder:validation:MaxItems=8
	// +kubebuilder:validation:XValidation:rule="self.all(a, self.exists_one(b, b.affinityName == a.affinityName))",message="overflowAffinities: affinityName must be unique within the list"
	OverflowAffinities []OverflowAffinity `json:"overflowAffinities,omitempty"`
}

// OverflowAffinity is one overflow tier of a cluster affinity term.
type OverflowAffinity struct {
	// affinityName names the tier.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32
	AffinityName string `json:"affinityName"`

	ClusterAffinity `json:",inline"`
}

// SpreadByField is a cluster field to spread by.
// +kubebuilder:validation:Enum=cluster;region;zone;provider
type SpreadByField string

const (
	// SpreadByFieldCluster spreads over individual clusters.
	SpreadByFieldCluster SpreadByField = "cluster"
	// SpreadByFieldRegion spreads over regions.
	SpreadByFieldRegion SpreadByField = "region"
	// SpreadByFieldZone spreads over zones.
	SpreadByFieldZone SpreadByField = "zone"
	// SpreadByFieldProvider spreads over providers.
	SpreadByFieldProvider SpreadByField = "provider"
)

// SpreadConstraint spreads a resource over groups of clusters. Groups are
// formed by spreadByField or by spreadByLabel; when neither is set, the
// constraint applies to clusters (spreadByField: cluster).
// +kubebuilder:validation:XValidation:rule="!(has(self.spreadByField) && has(self.spreadByLabel))",message="spreadByField and spreadByLabel are mutually exclusive: set at most one of them"
// +kubebuilder:validation:XValidation:rule="!has(self.maxGroups) || !has(self.minGroups) || self.maxGroups == 0 || self.maxGroups >= self.minGroups",message="maxGroups must be greater than or equal to minGroups when maxGroups is set"
// +kubebuilder:validation:XValidation:rule="!has(self.groupSelection) || has(self.spreadByLabel) || (has(self.spreadByField) && self.spreadByField != 'cluster')",message="groupSelection applies to region, zone, provider and label constraints, not to the cluster constraint"
type SpreadConstraint struct {
	// spreadByField groups clusters by a field: cluster, region, zone or
	// provider. Mutually exclusive with spreadByLabel. When neither is set,
	// cluster is used.
	// +optional
	SpreadByField SpreadByField `json:"spreadByField,omitempty"`

	// spreadByLabel groups clusters by the value of this label key.
	// Mutually exclusive with spreadByField.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=317
	SpreadByLabel string `json:"spreadByLabel,omitempty"`

	// maxGroups is the largest number of groups to select. 0 or omitted
	// means no limit.
	// +optional
	// +kubebuilder:validation:Minimum=0
	MaxGroups int32 `json:"maxGroups,omitempty"`

	// minGroups is the smallest number of groups to select; scheduling fails
	// when fewer groups are available. 0 or omitted means 1.
	// +optional
	// +kubebuilder:validation:Minimum=0
	MinGroups int32 `json:"minGroups,omitempty"`

	// maxSkew is a Kurator extension: the largest allowed difference between
	// the number of replicas in any two selected groups. 0 or omitted means
	// no limit.
	// +optional
	// +kubebuilder:validation:Minimum=0
	MaxSkew int32 `json:"maxSkew,omitempty"`

	// groupSelection is a Kurator extension: how the groups of a region,
	// zone, provider or label constraint are chosen. Score, the default, is
	// Karmada's choice: the fewest groups that satisfy minGroups and the
	// cluster constraint's minGroups, preferring the highest total group
	// score, then more clusters, then the search order (fewer clusters,
	// then higher score, then name). It does not look at whether the
	// chosen groups can hold the replicas; when they cannot and more groups
	// within maxGroups could, Karmada fails and Kurator takes the
	// Capacity choice instead. Capacity: the fewest groups whose clusters
	// can hold every replica, preferring the highest total group score,
	// then the most room. Ignored on a cluster constraint.
	// +optional
	GroupSelection GroupSelection `json:"groupSelection,omitempty"`
}

// GroupSelection says how a spread constraint chooses its groups.
// +kubebuilder:validation:Enum=Score;Capacity
type GroupSelection string

const (
	// GroupSelectionScore is Karmada's choice of groups, by score.
	GroupSelectionScore GroupSelection = "Score"
	// GroupSelectionCapacity chooses groups that can hold the replicas,
	// preferring those with the most room.
	GroupSelectionCapacity GroupSelection = "Capacity"
)

// ReplicaSchedulingType says whether replicas are duplicated or divided.
// +kubebuilder:validation:Enum=Duplicated;Divided
type ReplicaSchedulingType string

const (
	// ReplicaSchedulingTypeDuplicated gives every selected cluster all the
	// replicas.
	ReplicaSchedulingTypeDuplicated ReplicaSchedulingType = "Duplicated"
	// ReplicaSchedulingTypeDivided divides the replicas among the selected
	// clusters.
	ReplicaSchedulingTypeDivided ReplicaSchedulingType = "Divided"
)

// ReplicaDivisionPreference says how divided replicas are shared out.
// +kubebuilder:validation:Enum=Aggregated;Weighted
type ReplicaDivisionPreference string

const (
	// ReplicaDivisionPreferenceAggregated packs the replicas into as few
	// clusters as their free capacity allows.
	ReplicaDivisionPreferenceAggregated ReplicaDivisionPreference = "Aggregated"
	// ReplicaDivisionPreferenceWeighted divides the replicas in proportion
	// to weightPreference.
	ReplicaDivisionPreferenceWeighted ReplicaDivisionPreference = "Weighted"
)

// DynamicWeightFactor is what dynamic weights are computed from.
// +kubebuilder:validation:Enum=AvailableReplicas
type DynamicWeightFactor string

const (
	// DynamicWeightByAvailableReplicas weights each cluster by the number of
	// replicas it has room for.
	DynamicWeightByAvailableReplicas DynamicWeightFactor = "AvailableReplicas"
)

// ReplicaSchedulingStrategy says how the replicas of a workload are
// scheduled.
type ReplicaSchedulingStrategy struct {
	// replicaSchedulingType is Duplicated (every selected cluster runs all
	// the replicas) or Divided (the replicas are divided among the selected
	// clusters). Defaults to Divided.
	// +optional
	// +kubebuilder:default=Divided
	ReplicaSchedulingType ReplicaSchedulingType `json:"replicaSchedulingType,omitempty"`

	// replicaDivisionPreference says how divided replicas are shared out:
	// Aggregated (as few clusters as capacity allows) or Weighted (in
	// proportion to weightPreference). Only used with Divided; when it is
	// omitted there, Weighted is used.
	// +optional
	ReplicaDivisionPreference ReplicaDivisionPreference `json:"replicaDivisionPreference,omitempty"`

	// weightPreference gives the weights used with Weighted. When omitted,
	// every candidate cluster has weight 1.
	// +optional
	WeightPreference *ClusterPreferences `json:"weightPreference,omitempty"`
}

// ClusterPreferences gives cluster weights, statically or dynamically.
type ClusterPreferences struct {
	// staticWeightList gives fixed weights. A cluster's weight is the
	// largest weight of the entries whose targetCluster matches it; clusters
	// matched by no entry get no replicas. Ignored when dynamicWeight is set.
	// +optional
	// +kubebuilder:validation:MaxItems=128
	StaticWeightList []StaticClusterWeight `json:"staticWeightList,omitempty"`

	// dynamicWeight computes the weights at scheduling time. The only
	// factor is AvailableReplicas: the number of replicas each cluster has
	// room for. Takes precedence over staticWeightList.
	// +optional
	DynamicWeight DynamicWeightFactor `json:"dynamicWeight,omitempty"`
}

// StaticClusterWeight is the weight of the clusters matching targetCluster.
type StaticClusterWeight struct {
	// targetCluster selects the clusters the weight applies to.
	// +required
	TargetCluster ClusterAffinity `json:"targetCluster"`

	// weight is the clusters' share, relative to the other weights. At
	// least 1.
	// +required
	// +kubebuilder:validation:Minimum=1
	Weight int64 `json:"weight"`
}

// WorkloadAffinity relates a workload to other workloads of its group.
type WorkloadAffinity struct {
	// affinity places the workload on the clusters already running
	// workloads of its group.
	// +optional
	Affinity *WorkloadAffinityTerm `json:"affinity,omitempty"`

	// antiAffinity keeps the workload away from the clusters already
	// running workloads of its group.
	// +optional
	AntiAffinity *WorkloadAffinityTerm `json:"antiAffinity,omitempty"`
}

// WorkloadAffinityTerm defines a group of workloads.
type WorkloadAffinityTerm struct {
	// groupByLabelKey is a label key: workloads in the same namespace with
	// the same value for it form a group.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=317
	GroupByLabelKey string `json:"groupByLabelKey"`
}

// AffinityMode is how ordered clusterAffinities terms are used.
// +kubebuilder:validation:Enum=Exclusive;Cascade
type AffinityMode string

const (
	// AffinityModeExclusive uses the first term that schedules, alone:
	// Karmada's behaviour.
	AffinityModeExclusive AffinityMode = "Exclusive"
	// AffinityModeCascade fills the terms in order, as tiers.
	AffinityModeCascade AffinityMode = "Cascade"
)

// AffinityStrategy says how ordered clusterAffinities terms are used.
type AffinityStrategy struct {
	// mode is Exclusive (the default, as in Karmada): the first term that
	// schedules is used alone, and later terms only when it cannot. Or
	// Cascade: a workload divided by available replicas (dynamic weights,
	// or aggregated) fills the first term's clusters up to their room (the
	// per-node estimate: no overcommit, no Pending Pods), then the next
	// term's, and so on, each tier divided as the policy says. Scaling up
	// fills earlier tiers first; scaling down empties the last tier first.
	// Replicas stay in a later tier when an earlier one has room again,
	// unless the policy opts into failback (annotation
	// policy.kurator.dev/failback-after). A cluster listed in several terms
	// belongs to the first. Duplicated workloads and static weights use the
	// first term that schedules, as with Exclusive.
	// +optional
	// +kubebuilder:default=Exclusive
	Mode AffinityMode `json:"mode,omitempty"`
}
