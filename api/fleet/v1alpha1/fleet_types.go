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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// FleetClusterKind is the kind of object a fleet member refers to.
// +kubebuilder:validation:Enum=AttachedCluster;Cluster
type FleetClusterKind string

const (
	// FleetClusterKindAttachedCluster refers to a cluster.kurator.dev/v1alpha1
	// AttachedCluster in the fleet's namespace. It is the default.
	FleetClusterKindAttachedCluster FleetClusterKind = "AttachedCluster"

	// FleetClusterKindCluster refers to a cluster-scoped
	// cluster.karmada.io/v1alpha1 Cluster.
	FleetClusterKindCluster FleetClusterKind = "Cluster"
)

// FleetPhase is a one-word summary of a fleet's state.
// +kubebuilder:validation:Enum=Pending;Ready;NotReady
type FleetPhase string

const (
	// FleetPhasePending means the fleet has not been reconciled yet, or has no members.
	FleetPhasePending FleetPhase = "Pending"
	// FleetPhaseReady means every member cluster is ready.
	FleetPhaseReady FleetPhase = "Ready"
	// FleetPhaseNotReady means at least one member cluster is missing or not ready.
	FleetPhaseNotReady FleetPhase = "NotReady"
)

// Condition types of a Fleet.
const (
	// ConditionReady summarizes the fleet: True when every member cluster
	// exists and is ready.
	ConditionReady = "Ready"
)

// Condition reasons of a Fleet.
const (
	// ReasonAllClustersReady means every member cluster is ready.
	ReasonAllClustersReady = "AllClustersReady"
	// ReasonClustersNotReady means at least one member cluster is not ready.
	ReasonClustersNotReady = "ClustersNotReady"
	// ReasonClusterNotFound means at least one member cluster does not exist.
	ReasonClusterNotFound = "ClusterNotFound"
	// ReasonNoClusters means the fleet has no member clusters.
	ReasonNoClusters = "NoClusters"
)

// Well-known labels.
const (
	// LabelFleetName is set on objects created or managed on behalf of a
	// fleet; its value is the fleet's name.
	LabelFleetName = "fleet.kurator.dev/name"
	// LabelFleetNamespace is set together with LabelFleetName; its value is
	// the fleet's namespace.
	LabelFleetNamespace = "fleet.kurator.dev/namespace"
)

// FleetSpec is the desired state of a Fleet.
type FleetSpec struct {
	// clusters lists the member clusters of the fleet. Names are unique.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=1000
	Clusters []FleetCluster `json:"clusters,omitempty"`

	// placement is the fleet's default placement: which member clusters
	// workloads propagated to the fleet go to, and how they are spread.
	// When omitted, every ready member cluster is a candidate.
	// +optional
	Placement *policyv1alpha1.Placement `json:"placement,omitempty"`

	// rolloutStrategy names the StagedUpdateStrategy (in the template's
	// namespace) that templates propagated within this fleet roll out by,
	// unless their policy names its own.
	// +optional
	RolloutStrategy *policyv1alpha1.RolloutStrategyReference `json:"rolloutStrategy,omitempty"`
}

// FleetCluster is one member of a fleet.
type FleetCluster struct {
	// name is the name of the member cluster object: an AttachedCluster in the
	// fleet's namespace, or a cluster-scoped Cluster, depending on kind.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`

	// kind is the kind of the member cluster object: AttachedCluster
	// (cluster.kurator.dev, in the fleet's namespace) or Cluster
	// (cluster.karmada.io, cluster-scoped). Empty means AttachedCluster.
	// +optional
	Kind FleetClusterKind `json:"kind,omitempty"`

	// apiVersion is accepted for compatibility with object references and
	// is ignored: the API group follows from kind.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	APIVersion string `json:"apiVersion,omitempty"`

	// namespace is accepted for compatibility with object references and is
	// ignored: an AttachedCluster must live in the fleet's namespace.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`

	// labels are labels the fleet gives to this cluster. They are added to
	// the cluster's own labels when the fleet's placement is evaluated, and
	// take precedence over them on conflict.
	// +optional
	// +kubebuilder:validation:MaxProperties=64
	Labels map[string]string `json:"labels,omitempty"`
}

// EffectiveKind returns the member's kind, applying the default
// (AttachedCluster) when kind is empty.
func (c FleetCluster) EffectiveKind() FleetClusterKind {
	if c.Kind == "" {
		return FleetClusterKindAttachedCluster
	}
	return c.Kind
}

// FleetStatus is the observed state of a Fleet.
type FleetStatus struct {
	// observedGeneration is the metadata.generation this status was computed from.
	// +optional
	// +kubebuilder:validation:Minimum=0
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// phase is a one-word summary of the fleet: Pending, Ready or NotReady.
	// +optional
	Phase FleetPhase `json:"phase,omitempty"`

	// totalClusters is the number of member clusters listed in spec.clusters.
	// +optional
	// +kubebuilder:validation:Minimum=0
	TotalClusters int32 `json:"totalClusters,omitempty"`

	// readyClusters is the number of member clusters that are ready.
	// +optional
	// +kubebuilder:validation:Minimum=0
	ReadyClusters int32 `json:"readyClusters,omitempty"`

	// notReadyClusters is the number of member clusters that are missing or not ready.
	// +optional
	// +kubebuilder:validation:Minimum=0
	NotReadyClusters int32 `json:"notReadyClusters,omitempty"`

	// clusters reports the state of each member cluster.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=1000
	Clusters []FleetClusterStatus `json:"clusters,omitempty"`

	// conditions describe the fleet's state. The Ready condition summarizes it.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// FleetClusterStatus is the observed state of one member cluster.
type FleetClusterStatus struct {
	// name is the member cluster's name, as in spec.clusters.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// kind is the member cluster's kind, with the default applied.
	// +optional
	Kind FleetClusterKind `json:"kind,omitempty"`

	// ready is True when the member cluster exists and is ready, False when it
	// is missing or not ready, and Unknown when its state cannot be determined.
	// +required
	// +kubebuilder:validation:Enum=True;False;Unknown
	Ready metav1.ConditionStatus `json:"ready"`

	// reason is a CamelCase word explaining ready.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Reason string `json:"reason,omitempty"`

	// message is a human-readable explanation of ready.
	// +optional
	// +kubebuilder:validation:MaxLength=32768
	Message string `json:"message,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=fleets,scope=Namespaced,shortName=fl,categories=kurator
// +kubebuilder:printcolumn:name="Ready",type="string",JSONPath=".status.conditions[?(@.type==\"Ready\")].status",description="Whether every member cluster is ready"
// +kubebuilder:printcolumn:name="Clusters",type="integer",JSONPath=".status.totalClusters",description="Number of member clusters"
// +kubebuilder:printcolumn:name="ReadyClusters",type="integer",JSONPath=".status.readyClusters",description="Number of ready member clusters"
// +kubebuilder:printcolumn:name="Phase",type="string",JSONPath=".status.phase",priority=1,description="Fleet phase"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"

// Fleet is a named group of member clusters with labels for each member and
// a default placement for workloads propagated to the fleet.
type Fleet struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the fleet.
	// +optional
	Spec FleetSpec `json:"spec,omitempty"`

	// status is the observed state of the fleet.
	// +optional
	Status FleetStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// FleetList is a list of Fleets.
type FleetList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items is the list of Fleets.
	Items []Fleet `json:"items"`
}
