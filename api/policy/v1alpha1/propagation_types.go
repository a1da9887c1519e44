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
)

// Labels and annotations with which a policy claims the resource templates
// it propagates, and that the scheduler sets on bindings.
const (
	// PropagationPolicyPermanentIDLabel is set on a PropagationPolicy and on
	// the resource templates and bindings it claims. Its value is a UUID
	// that identifies the policy for its whole life.
	PropagationPolicyPermanentIDLabel = "propagationpolicy.karmada.io/permanent-id"
	// PropagationPolicyNamespaceAnnotation is set on claimed resource
	// templates and bindings; its value is the claiming policy's namespace.
	PropagationPolicyNamespaceAnnotation = "propagationpolicy.karmada.io/namespace"
	// PropagationPolicyNameAnnotation is set on claimed resource templates
	// and bindings; its value is the claiming policy's name.
	PropagationPolicyNameAnnotation = "propagationpolicy.karmada.io/name"
	// ClusterPropagationPolicyPermanentIDLabel is the
	// PropagationPolicyPermanentIDLabel of a ClusterPropagationPolicy.
	ClusterPropagationPolicyPermanentIDLabel = "clusterpropagationpolicy.karmada.io/permanent-id"
	// ClusterPropagationPolicyNameAnnotation is set on claimed resource
	// templates and bindings; its value is the claiming
	// ClusterPropagationPolicy's name.
	ClusterPropagationPolicyNameAnnotation = "clusterpropagationpolicy.karmada.io/name"
	// AppliedPlacementAnnotation is set on a binding by the scheduler; its
	// value is the JSON of the placement the current scheduling result was
	// computed from.
	AppliedPlacementAnnotation = "policy.karmada.io/applied-placement"
)

// Condition types and reasons of PropagationPolicies and
// ClusterPropagationPolicies.
const (
	// ConditionReady is True when the policy is valid and its dependent
	// override policies exist.
	ConditionReady = "Ready"
)

// DefaultSchedulerName is the scheduler that schedules bindings whose
// policy does not name one.
const DefaultSchedulerName = "default-scheduler"

// PreemptionBehavior says whether a policy may take over resources claimed
// by other policies.
// +kubebuilder:validation:Enum=Always;Never
type PreemptionBehavior string

const (
	// PreemptAlways lets the policy take over resource templates claimed by
	// policies of lower priority.
	PreemptAlways PreemptionBehavior = "Always"
	// PreemptNever never takes over claimed resource templates.
	PreemptNever PreemptionBehavior = "Never"
)

// ConflictResolution says what happens when a member cluster already has
// an object that was not propagated.
// +kubebuilder:validation:Enum=Abort;Overwrite
type ConflictResolution string

const (
	// ConflictAbort leaves the existing object alone and reports the
	// conflict.
	ConflictAbort ConflictResolution = "Abort"
	// ConflictOverwrite takes over and overwrites the existing object.
	ConflictOverwrite ConflictResolution = "Overwrite"
)

// ActivationPreference says when policy changes reach the resources it
// already propagates.
// +kubebuilder:validation:Enum="";Lazy
type ActivationPreference string

const (
	// LazyActivation applies policy changes to a resource only when the
	// resource template itself next changes.
	LazyActivation ActivationPreference = "Lazy"
)

// PurgeMode says how a workload is removed from a cluster it is evicted
// from.
// +kubebuilder:validation:Enum=Directly;Gracefully;Never
type PurgeMode string

const (
	// PurgeModeDirectly removes the workload at once, before it runs
	// elsewhere.
	PurgeModeDirectly PurgeMode = "Directly"
	// PurgeModeGracefully removes the workload once it is healthy on its new
	// clusters, or after a grace period.
	PurgeModeGracefully PurgeMode = "Gracefully"
	// PurgeModeNever never removes the workload; a user must.
	PurgeModeNever PurgeMode = "Never"
)

// ClusterFailoverPurgeMode is the PurgeMode of cluster failover, which
// cannot be Never.
// +kubebuilder:validation:Enum=Directly;Gracefully
type ClusterFailoverPurgeMode string

const (
	// ClusterFailoverPurgeModeDirectly removes workloads from the failed
	// cluster at once.
	ClusterFailoverPurgeModeDirectly ClusterFailoverPurgeMode = "Directly"
	// ClusterFailoverPurgeModeGracefully removes workloads from the failed
	// cluster once they are healthy elsewhere, or after a grace period.
	ClusterFailoverPurgeModeGracefully ClusterFailoverPurgeMode = "Gracefully"
)

// PriorityClassSource is where a schedule priority comes from.
// +kubebuilder:validation:Enum=KubePriorityClass
type PriorityClassSource string

const (
	// KubePriorityClass takes the priority from a Kubernetes PriorityClass.
	KubePriorityClass PriorityClassSource = "KubePriorityClass"
)

// Default values applied by the schema.
const (
	// DefaultApplicationFailoverTolerationSeconds is the default of
	// failover.application.decisionConditions.tolerationSeconds.
	DefaultApplicationFailoverTolerationSeconds int32 = 300
	// DefaultGracePeriodSeconds is used when a Gracefully purge does not set
	// gracePeriodSeconds.
	DefaultGracePeriodSeconds int32 = 600
)

// PropagationSpec is the desired state of a PropagationPolicy or
// ClusterPropagationPolicy.
type PropagationSpec struct {
	// resourceSelectors select the resource templates the policy
	// propagates. A template matching any selector is selected.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=256
	ResourceSelectors []ResourceSelector `json:"resourceSelectors"`

	// association also propagates the resources the selected templates
	// depend on.
	// Deprecated: use propagateDeps.
	// +optional
	Association bool `json:"association,omitempty"`

	// propagateDeps also propagates the resources the selected templates
	// depend on (ConfigMaps, Secrets, ServiceAccounts, PersistentVolumeClaims
	// and so on), to the same clusters. Application failover requires it.
	// +optional
	PropagateDeps bool `json:"propagateDeps,omitempty"`

	// placement says which clusters the selected resources go to.
	// +optional
	Placement Placement `json:"placement,omitempty"`

	// rolloutStrategy names a StagedUpdateStrategy
	// (rollout.kurator.dev/v1alpha1) in the template's namespace: a new
	// revision of a selected template then reaches its clusters stage by
	// stage, gated and rolled back on failure, instead of everywhere at once.
	// Scaling and first placements are not held; cluster-scoped templates
	// are not staged. Kurator's extension.
	// +optional
	RolloutStrategy *RolloutStrategyReference `json:"rolloutStrategy,omitempty"`

	// priority decides between policies matching the same resource
	// template: the highest priority wins. Defaults to 0.
	// +optional
	// +kubebuilder:default=0
	Priority *int32 `json:"priority,omitempty"`

	// preemption says whether this policy takes over resource templates
	// already claimed by policies of lower priority: Always or Never.
	// Defaults to Never.
	// +optional
	// +kubebuilder:default=Never
	Preemption PreemptionBehavior `json:"preemption,omitempty"`

	// dependentOverrides names the OverridePolicies (ClusterOverridePolicies
	// for a ClusterPropagationPolicy) that must exist before the policy is
	// applied.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=253
	DependentOverrides []string `json:"dependentOverrides,omitempty"`

	// schedulerName is the scheduler that schedules the selected resources.
	// Defaults to default-scheduler.
	// +optional
	// +kubebuilder:default=default-scheduler
	// +kubebuilder:validation:MaxLength=253
	SchedulerName string `json:"schedulerName,omitempty"`

	// failover says how the selected resources move away from failed
	// clusters and failed applications. When omitted, application failover
	// is off and cluster failover follows the controller's settings.
	// +optional
	Failover *FailoverBehavior `json:"failover,omitempty"`

	// conflictResolution says what happens when a member cluster already
	// has an object of the same name that was not propagated: Abort leaves
	// it alone, Overwrite takes it over. Defaults to Abort.
	// +optional
	// +kubebuilder:default=Abort
	ConflictResolution ConflictResolution `json:"conflictResolution,omitempty"`

	// activationPreference says when changes to this policy reach the
	// resources it already propagates: empty means at once, Lazy means only
	// when each resource template next changes.
	// +optional
	ActivationPreference ActivationPreference `json:"activationPreference,omitempty"`

	// suspension suspends the propagation of the selected resources.
	// +optional
	Suspension *Suspension `json:"suspension,omitempty"`

	// preserveResourcesOnDeletion keeps the propagated objects in the member
	// clusters when the resource template is deleted. Defaults to false.
	// +optional
	PreserveResourcesOnDeletion *bool `json:"preserveResourcesOnDeletion,omitempty"`

	// schedulePriority orders the selected resources in the scheduler's
	// queue.
	// +optional
	SchedulePriority *SchedulePriority `json:"schedulePriority,omitempty"`
}

// ResourceSelector selects resource templates.
type ResourceSelector struct {
	// apiVersion is the API version of the selected templates, such as
	// apps/v1.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=317
	APIVersion string `json:"apiVersion"`

	// kind is the kind of the selected templates, such as Deployment.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Kind string `json:"kind"`

	// namespace is the namespace of the selected templates. For a
	// PropagationPolicy, empty means the policy's namespace; for a
	// ClusterPropagationPolicy, any namespace.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`

	// name is the name of the selected template. When set, labelSelector is
	// ignored.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name,omitempty"`

	// labelSelector selects templates by label. Ignored when name is set.
	// When both are empty, every template of the kind is selected.
	// +optional
	LabelSelector *metav1.LabelSelector `json:"labelSelector,omitempty"`
}

// FailoverBehavior says how resources move away from failures.
type FailoverBehavior struct {
	// application enables application failover: a workload that stays
	// unhealthy on a cluster is moved to other clusters.
	// +optional
	Application *ApplicationFailoverBehavior `json:"application,omitempty"`

	// cluster says how workloads are evicted from failed clusters.
	// +optional
	Cluster *ClusterFailoverBehavior `json:"cluster,omitempty"`
}

// ApplicationFailoverBehavior configures application failover.
// +kubebuilder:validation:XValidation:rule="!has(self.gracePeriodSeconds) || !has(self.purgeMode) || self.purgeMode == 'Gracefully'",message="gracePeriodSeconds may only be set when purgeMode is Gracefully"
type ApplicationFailoverBehavior struct {
	// decisionConditions say when a workload is considered failed on a
	// cluster.
	// +optional
	// +kubebuilder:default={}
	DecisionConditions DecisionConditions `json:"decisionConditions,omitempty"`

	// purgeMode says how the workload is removed from the cluster it failed
	// on: Directly (at once), Gracefully (once it is healthy elsewhere, or
	// after gracePeriodSeconds) or Never. Defaults to Gracefully.
	// +optional
	// +kubebuilder:default=Gracefully
	PurgeMode PurgeMode `json:"purgeMode,omitempty"`

	// gracePeriodSeconds is how long a Gracefully purge waits, at most, for
	// the workload to become healthy elsewhere. When omitted, 600 is used.
	// Only valid with purgeMode Gracefully.
	// +optional
	// +kubebuilder:validation:Minimum=1
	GracePeriodSeconds *int32 `json:"gracePeriodSeconds,omitempty"`

	// statePreservation carries state from the failed workload to its
	// replacement.
	// +optional
	StatePreservation *StatePreservation `json:"statePreservation,omitempty"`
}

// DecisionConditions say when a workload is considered failed.
type DecisionConditions struct {
	// tolerationSeconds is how long a workload may stay unhealthy before it
	// fails over. 0 means at once. Defaults to 300.
	// +optional
	// +kubebuilder:default=300
	// +kubebuilder:validation:Minimum=0
	TolerationSeconds *int32 `json:"tolerationSeconds,omitempty"`
}

// ClusterFailoverBehavior configures failover away from failed clusters.
type ClusterFailoverBehavior struct {
	// purgeMode says how workloads are removed from a failed cluster:
	// Directly or Gracefully. Defaults to Gracefully.
	// +optional
	// +kubebuilder:default=Gracefully
	PurgeMode ClusterFailoverPurgeMode `json:"purgeMode,omitempty"`

	// statePreservation carries state from the evicted workload to its
	// replacement.
	// +optional
	StatePreservation *StatePreservation `json:"statePreservation,omitempty"`
}

// StatePreservation carries state from a workload to its replacement on
// failover.
type StatePreservation struct {
	// rules say which values are copied and under which labels.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	Rules []StatePreservationRule `json:"rules"`
}

// StatePreservationRule copies one value of the failed workload's status
// into a label of its replacement.
type StatePreservationRule struct {
	// aliasLabelName is the label the value is stored under on the
	// replacement.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=317
	AliasLabelName string `json:"aliasLabelName"`

	// jsonPath is the JSONPath, relative to the workload's status, of the
	// value to copy.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	JSONPath string `json:"jsonPath"`
}

// Suspension suspends propagation. dispatching and dispatchingOnClusters
// are mutually exclusive.
// +kubebuilder:validation:XValidation:rule="!(has(self.dispatching) && self.dispatching && has(self.dispatchingOnClusters))",message="suspension: dispatching and dispatchingOnClusters are mutually exclusive: dispatching already suspends every cluster"
type Suspension struct {
	// dispatching, when true, stops dispatching the resources to every
	// member cluster.
	// +optional
	Dispatching *bool `json:"dispatching,omitempty"`

	// dispatchingOnClusters stops dispatching the resources to the listed
	// member clusters only.
	// +optional
	DispatchingOnClusters *SuspendClusters `json:"dispatchingOnClusters,omitempty"`
}

// SuspendClusters lists the clusters dispatching is suspended on.
type SuspendClusters struct {
	// clusterNames are the names of the clusters.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +kubebuilder:validation:items:MaxLength=253
	ClusterNames []string `json:"clusterNames,omitempty"`
}

// SchedulePriority orders resources in the scheduler's queue.
type SchedulePriority struct {
	// priorityClassSource is where the priority comes from. The only source
	// is KubePriorityClass.
	// +required
	PriorityClassSource PriorityClassSource `json:"priorityClassSource"`

	// priorityClassName is the name of the PriorityClass whose value is the
	// priority.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	PriorityClassName string `json:"priorityClassName"`
}

// PropagationPolicyStatus is the observed state of a PropagationPolicy or
// ClusterPropagationPolicy. It is a Kurator addition; Karmada's policies
// have no status.
type PropagationPolicyStatus struct {
	// observedGeneration is the metadata.generation this status was computed
	// from.
	// +optional
	// +kubebuilder:validation:Minimum=0
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// matchedResources is the number of resource templates the policy
	// currently claims.
	// +optional
	// +kubebuilder:validation:Minimum=0
	MatchedResources int32 `json:"matchedResources,omitempty"`

	// conditions describe the policy's state. Ready summarizes it.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=propagationpolicies,scope=Namespaced,shortName=pp,categories=kurator
// +kubebuilder:printcolumn:name="Priority",type="integer",JSONPath=".spec.priority",description="Priority among policies matching the same resource"
// +kubebuilder:printcolumn:name="Ready",type="string",JSONPath=".status.conditions[?(@.type==\"Ready\")].status",description="Whether the policy is ready"
// +kubebuilder:printcolumn:name="Matched",type="integer",JSONPath=".status.matchedResources",priority=1,description="Number of resource templates claimed"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"

// PropagationPolicy propagates resource templates of its namespace to
// member clusters.
type PropagationPolicy struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the policy.
	// +required
	Spec PropagationSpec `json:"spec"`

	// status is the observed state of the policy.
	// +optional
	Status PropagationPolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// PropagationPolicyList is a list of PropagationPolicies.
type PropagationPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items is the list of PropagationPolicies.
	Items []PropagationPolicy `json:"items"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=clusterpropagationpolicies,scope=Cluster,shortName=cpp,categories=kurator
// +kubebuilder:printcolumn:name="Priority",type="integer",JSONPath=".spec.priority",description="Priority among policies matching the same resource"
// +kubebuilder:printcolumn:name="Ready",type="string",JSONPath=".status.conditions[?(@.type==\"Ready\")].status",description="Whether the policy is ready"
// +kubebuilder:printcolumn:name="Matched",type="integer",JSONPath=".status.matchedResources",priority=1,description="Number of resource templates claimed"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"

// ClusterPropagationPolicy propagates cluster-scoped resource templates,
// and namespaced ones of any namespace, to member clusters. A
// PropagationPolicy matching a template always wins over a
// ClusterPropagationPolicy.
type ClusterPropagationPolicy struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the policy.
	// +required
	Spec PropagationSpec `json:"spec"`

	// status is the observed state of the policy.
	// +optional
	Status PropagationPolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ClusterPropagationPolicyList is a list of ClusterPropagationPolicies.
type ClusterPropagationPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items is the list of ClusterPropagationPolicies.
	Items []ClusterPropagationPolicy `json:"items"`
}

// RolloutStrategyReference names a StagedUpdateStrategy.
type RolloutStrategyReference struct {
	// name of the StagedUpdateStrategy, in the template's namespace.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}
