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

// Placement describes which clusters workloads go to and how they are
// spread. Field names follow Karmada's PropagationPolicy placement, with a
// weighted preferred affinity and maxSkew added.
type Placement struct {
	// clusterAffinity restricts and ranks the candidate clusters.
	// When omitted, every member cluster is a candidate.
	// +optional
	ClusterAffinity *ClusterAffinity `json:"clusterAffinity,omitempty"`

	// clusterTolerations lets workloads go to clusters with matching taints.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	ClusterTolerations []corev1.Toleration `json:"clusterTolerations,omitempty"`

	// spreadConstraints spread workloads over groups of clusters: clusters
	// themselves, regions, zones, providers, or the values of a label.
	// Each spreadByField may appear at most once.
	// +optional
	// +kubebuilder:validation:MaxItems=8
	// +kubebuilder:validation:XValidation:rule="self.all(a, !has(a.spreadByField) || self.exists_one(b, has(b.spreadByField) && b.spreadByField == a.spreadByField))",message="each spreadByField may appear in at most one spread constraint"
	SpreadConstraints []SpreadConstraint `json:"spreadConstraints,omitempty"`
}

// ClusterAffinity selects candidate clusters and expresses preferences
// among them. labelSelector, fieldSelector and clusterNames are ANDed; an
// empty part matches every cluster. Clusters listed in exclude are never
// candidates.
type ClusterAffinity struct {
	// labelSelector selects clusters by their labels, including the labels
	// given to them by the fleet.
	// +optional
	LabelSelector *metav1.LabelSelector `json:"labelSelector,omitempty"`

	// fieldSelector selects clusters by provider, region and zone.
	// +optional
	FieldSelector *FieldSelector `json:"fieldSelector,omitempty"`

	// clusterNames lists the clusters that may be selected.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +kubebuilder:validation:items:MaxLength=253
	ClusterNames []string `json:"clusterNames,omitempty"`

	// exclude lists clusters that are never selected.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +kubebuilder:validation:items:MaxLength=253
	ExcludeClusters []string `json:"exclude,omitempty"`

	// preferredDuringSchedulingIgnoredDuringExecution ranks the candidate
	// clusters: for each cluster, the weights of the terms it matches are
	// summed, and clusters with a higher sum are preferred. Preferences never
	// exclude a cluster.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	Preferred []PreferredClusterTerm `json:"preferredDuringSchedulingIgnoredDuringExecution,omitempty"`
}

// FieldSelector selects clusters by fields.
type FieldSelector struct {
	// matchExpressions is a list of requirements on cluster fields, ANDed.
	// Keys are provider, region and zone; operators are In and NotIn.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:XValidation:rule="self.all(r, r.key in ['provider', 'region', 'zone'])",message="key must be one of provider, region, zone"
	// +kubebuilder:validation:XValidation:rule="self.all(r, r.operator in ['In', 'NotIn'])",message="operator must be In or NotIn"
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
	// matchExpressions is a list of requirements on cluster labels, including
	// the labels given to the cluster by the fleet.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	MatchExpressions []corev1.NodeSelectorRequirement `json:"matchExpressions,omitempty"`

	// matchFields is a list of requirements on cluster fields. Keys are
	// provider, region and zone; operators are In and NotIn.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:XValidation:rule="self.all(r, r.key in ['provider', 'region', 'zone'])",message="key must be one of provider, region, zone"
	// +kubebuilder:validation:XValidation:rule="self.all(r, r.operator in ['In', 'NotIn'])",message="operator must be In or NotIn"
	MatchFields []corev1.NodeSelectorRequirement `json:"matchFields,omitempty"`
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

// SpreadConstraint spreads workloads over groups of clusters. Groups are
// formed by spreadByField or by spreadByLabel; when neither is set, each
// cluster is its own group.
// +kubebuilder:validation:XValidation:rule="!(has(self.spreadByField) && has(self.spreadByLabel))",message="spreadByField and spreadByLabel are mutually exclusive"
// +kubebuilder:validation:XValidation:rule="!has(self.maxGroups) || !has(self.minGroups) || self.maxGroups == 0 || self.maxGroups >= self.minGroups",message="maxGroups must be greater than or equal to minGroups"
type SpreadConstraint struct {
	// spreadByField groups clusters by a field: cluster, region, zone or
	// provider. Mutually exclusive with spreadByLabel.
	// +optional
	SpreadByField SpreadByField `json:"spreadByField,omitempty"`

	// spreadByLabel groups clusters by the value of this label key.
	// Mutually exclusive with spreadByField.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=317
	SpreadByLabel string `json:"spreadByLabel,omitempty"`

	// maxGroups is the largest number of groups to select. 0 means no limit.
	// +optional
	// +kubebuilder:validation:Minimum=0
	MaxGroups int32 `json:"maxGroups,omitempty"`

	// minGroups is the smallest number of groups to select; scheduling fails
	// when fewer groups are available.
	// +optional
	// +kubebuilder:validation:Minimum=0
	MinGroups int32 `json:"minGroups,omitempty"`

	// maxSkew is the largest allowed difference between the number of
	// replicas in any two selected groups. 0 means no limit.
	// +optional
	// +kubebuilder:validation:Minimum=0
	MaxSkew int32 `json:"maxSkew,omitempty"`
}
