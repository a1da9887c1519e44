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

package v1alpha2

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// BindingName returns the name of the binding of the resource template
// with the given name and kind: "<name>-<kind>", lowercased, with ":"
// (found in RBAC object names) replaced by ".".
func BindingName(name, kind string) string {
	return strings.ToLower(strings.ReplaceAll(name, ":", ".") + "-" + kind)
}

// Labels identifying bindings.
const (
	// ResourceBindingPermanentIDLabel is set on a ResourceBinding and on the
	// Works rendered from it. Its value is a UUID that identifies the
	// binding for its whole life.
	ResourceBindingPermanentIDLabel = "resourcebinding.karmada.io/permanent-id"
	// ClusterResourceBindingPermanentIDLabel is the
	// ResourceBindingPermanentIDLabel of a ClusterResourceBinding.
	ClusterResourceBindingPermanentIDLabel = "clusterresourcebinding.karmada.io/permanent-id"
)

// Condition types of bindings.
const (
	// ConditionScheduled is True when the binding has a scheduling result
	// for its current placement and replicas.
	ConditionScheduled = "Scheduled"
	// ConditionFullyApplied is True when the resource was applied to every
	// cluster of the scheduling result.
	ConditionFullyApplied = "FullyApplied"
	// ConditionRendered is False, with reason OverrideFailed and the
	// failing clusters and errors in its message, when the manifest of some
	// target cluster cannot be rendered; those clusters keep their previous
	// copy.
	ConditionRendered = "Rendered"
)

// Reasons of the Scheduled condition.
const (
	// BindingReasonSuccess means scheduling succeeded.
	BindingReasonSuccess = "Success"
	// BindingReasonNoClusterFit means no cluster passed the filters; the
	// scheduling result is empty.
	BindingReasonNoClusterFit = "NoClusterFit"
	// BindingReasonUnschedulable means the clusters lack the capacity for
	// the replicas; the previous scheduling result is kept.
	BindingReasonUnschedulable = "Unschedulable"
	// BindingReasonSchedulerError means scheduling failed for another
	// reason; the previous scheduling result is kept.
	BindingReasonSchedulerError = "SchedulerError"
)

// Reasons of the Rendered and FullyApplied conditions.
const (
	// BindingReasonRenderSucceeded: every target cluster's manifest was
	// rendered.
	BindingReasonRenderSucceeded = "RenderSucceeded"
	// BindingReasonOverrideFailed: an override policy could not be applied
	// for at least one target cluster (a False Rendered condition).
	BindingReasonOverrideFailed = "OverrideFailed"
	// BindingReasonFullyAppliedSuccess: every target cluster applied the
	// resource.
	BindingReasonFullyAppliedSuccess = "FullyAppliedSuccess"
	// BindingReasonFullyAppliedFailed: some target cluster has not applied
	// the resource (yet).
	BindingReasonFullyAppliedFailed = "FullyAppliedFailed"
	// BindingReasonAwaitingSchedule: the binding has no target cluster yet;
	// the message gives the Scheduled condition's reason for that.
	BindingReasonAwaitingSchedule = "AwaitingSchedule"
)

// Reasons of graceful eviction tasks.
const (
	// EvictionReasonTaintUntolerated means the cluster has a NoExecute taint
	// the placement does not tolerate.
	EvictionReasonTaintUntolerated = "TaintUntolerated"
	// EvictionReasonApplicationFailure means the application stayed
	// unhealthy on the cluster.
	EvictionReasonApplicationFailure = "ApplicationFailure"
)

// ResourceHealth is the health of an object in a member cluster.
// +kubebuilder:validation:Enum=Healthy;Unhealthy;Unknown
type ResourceHealth string

const (
	// ResourceHealthy means the object is healthy.
	ResourceHealthy ResourceHealth = "Healthy"
	// ResourceUnhealthy means the object is not healthy.
	ResourceUnhealthy ResourceHealth = "Unhealthy"
	// ResourceUnknown means the object's health cannot be determined.
	ResourceUnknown ResourceHealth = "Unknown"
)

// ResourceBindingSpec is the desired state of a ResourceBinding or
// ClusterResourceBinding.
type ResourceBindingSpec struct {
	// resource is the resource template the binding is for.
	// +required
	Resource ObjectReference `json:"resource"`

	// propagateDeps also propagates the resources the template depends on.
	// Copied from the policy.
	// +optional
	PropagateDeps bool `json:"propagateDeps,omitempty"`

	// rolloutStrategy names the StagedUpdateStrategy new revisions roll out
	// by. Copied from the policy.
	// +optional
	RolloutStrategy *policyv1alpha1.RolloutStrategyReference `json:"rolloutStrategy,omitempty"`

	// replicaRequirements is what each replica of the workload needs, used
	// to estimate how many replicas a cluster has room for.
	// +optional
	ReplicaRequirements *ReplicaRequirements `json:"replicaRequirements,omitempty"`

	// replicas is the workload's number of replicas; 0 for resources that
	// are not workloads.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Replicas int32 `json:"replicas,omitempty"`

	// minReplicasPerCluster, above one, is the fewest replicas a cluster may
	// get if it gets any (Kurator extension): a gang that cannot run in
	// smaller pieces, such as a Volcano Job's minAvailable or a training
	// job that is never split. Set from the resource interpreter; a divided
	// placement gives a cluster none of the replicas or at least this many.
	// +optional
	// +kubebuilder:validation:Minimum=0
	MinReplicasPerCluster int32 `json:"minReplicasPerCluster,omitempty"`

	// clusters is the scheduling result: the target clusters and, for
	// workloads, the replicas each runs. Written by the scheduler.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	Clusters []TargetCluster `json:"clusters,omitempty"`

	// placement is a copy of the claiming policy's placement.
	// +optional
	Placement *policyv1alpha1.Placement `json:"placement,omitempty"`

	// gracefulEvictionTasks are evictions in progress: the resource is kept
	// on these clusters until it is healthy on its new clusters or the
	// grace period ends. The scheduler does not choose these clusters.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	GracefulEvictionTasks []GracefulEvictionTask `json:"gracefulEvictionTasks,omitempty"`

	// requiredBy lists the bindings that depend on this resource (through
	// propagateDeps); the resource goes to the union of their clusters.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	RequiredBy []BindingSnapshot `json:"requiredBy,omitempty"`

	// schedulerName is the scheduler that schedules the binding. Copied
	// from the policy.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	SchedulerName string `json:"schedulerName,omitempty"`

	// failover is the policy's failover behavior.
	// +optional
	Failover *policyv1alpha1.FailoverBehavior `json:"failover,omitempty"`

	// conflictResolution says what happens when a member cluster already
	// has an object that was not propagated: Abort or Overwrite. Defaults
	// to Abort.
	// +optional
	// +kubebuilder:default=Abort
	ConflictResolution policyv1alpha1.ConflictResolution `json:"conflictResolution,omitempty"`

	// rescheduleTriggeredAt asks for a fresh reschedule: when it is later
	// than status.lastScheduledTime, the replicas are divided again from
	// scratch.
	// +optional
	RescheduleTriggeredAt *metav1.Time `json:"rescheduleTriggeredAt,omitempty"`

	// suspension suspends the scheduling or the dispatching of the binding.
	// +optional
	Suspension *Suspension `json:"suspension,omitempty"`

	// preserveResourcesOnDeletion keeps the propagated objects in the member
	// clusters when the resource template is deleted.
	// +optional
	PreserveResourcesOnDeletion *bool `json:"preserveResourcesOnDeletion,omitempty"`
}

// ObjectReference identifies a resource template.
type ObjectReference struct {
	// apiVersion is the template's API version, such as apps/v1.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=317
	APIVersion string `json:"apiVersion"`

	// kind is the template's kind, such as Deployment.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Kind string `json:"kind"`

	// namespace is the template's namespace; empty for a cluster-scoped
	// template.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`

	// name is the template's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// uid is the template's metadata.uid.
	// +optional
	UID types.UID `json:"uid,omitempty"`

	// resourceVersion is the template's metadata.resourceVersion the
	// binding was last built from.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	ResourceVersion string `json:"resourceVersion,omitempty"`
}

// ReplicaRequirements is what each replica of a workload needs.
type ReplicaRequirements struct {
	// nodeClaim is the node constraints of the replicas' pods.
	// +optional
	NodeClaim *NodeClaim `json:"nodeClaim,omitempty"`

	// resourceRequest is the resources each replica requests.
	// +optional
	ResourceRequest corev1.ResourceList `json:"resourceRequest,omitempty"`

	// namespace is the namespace the replicas run in, for quota checks.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`

	// priorityClassName is the PriorityClass of the replicas' pods.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	PriorityClassName string `json:"priorityClassName,omitempty"`
}

// NodeClaim is the node constraints of a workload's pods.
type NodeClaim struct {
	// hardNodeAffinity is the pods' required node affinity.
	// +optional
	HardNodeAffinity *corev1.NodeSelector `json:"hardNodeAffinity,omitempty"`

	// nodeSelector is the pods' node selector.
	// +optional
	// +kubebuilder:validation:MaxProperties=64
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`

	// tolerations are the pods' tolerations.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
}

// TargetCluster is one cluster of a scheduling result.
type TargetCluster struct {
	// name is the cluster's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// replicas is the number of replicas the cluster runs.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Replicas int32 `json:"replicas,omitempty"`
}

// GracefulEvictionTask is the eviction of a resource from one cluster.
type GracefulEvictionTask struct {
	// fromCluster is the cluster the resource is evicted from.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	FromCluster string `json:"fromCluster"`

	// purgeMode says how the resource is removed from fromCluster:
	// Directly, Gracefully or Never.
	// +optional
	PurgeMode policyv1alpha1.PurgeMode `json:"purgeMode,omitempty"`

	// replicas is the number of replicas fromCluster ran.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Replicas *int32 `json:"replicas,omitempty"`

	// reason is why the resource is evicted: TaintUntolerated or
	// ApplicationFailure.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Reason string `json:"reason"`

	// message is a human-readable explanation of the eviction.
	// +optional
	// +kubebuilder:validation:MaxLength=32768
	Message string `json:"message,omitempty"`

	// producer is the controller that created the task.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Producer string `json:"producer"`

	// gracePeriodSeconds is how long the resource is kept on fromCluster,
	// at most, while it becomes healthy elsewhere. At most one of
	// gracePeriodSeconds and suppressDeletion is set.
	// +optional
	// +kubebuilder:validation:Minimum=0
	GracePeriodSeconds *int32 `json:"gracePeriodSeconds,omitempty"`

	// suppressDeletion, when true, keeps the resource on fromCluster until
	// it is set to false (by a user or a controller).
	// +optional
	SuppressDeletion *bool `json:"suppressDeletion,omitempty"`

	// preservedLabelState holds the labels computed from the failover
	// policy's statePreservation rules, to be put on the replacement.
	// +optional
	// +kubebuilder:validation:MaxProperties=64
	PreservedLabelState map[string]string `json:"preservedLabelState,omitempty"`

	// creationTimestamp is when the task was created.
	// +optional
	CreationTimestamp *metav1.Time `json:"creationTimestamp,omitempty"`

	// clustersBeforeFailover are the clusters of the scheduling result
	// before the eviction.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	// +kubebuilder:validation:items:MaxLength=253
	ClustersBeforeFailover []string `json:"clustersBeforeFailover,omitempty"`
}

// BindingSnapshot is the scheduling result of a binding that depends on
// this one.
type BindingSnapshot struct {
	// namespace is the dependent binding's namespace.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`

	// name is the dependent binding's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// clusters is the dependent binding's scheduling result.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	Clusters []TargetCluster `json:"clusters,omitempty"`
}

// Suspension suspends the scheduling or the dispatching of a binding.
type Suspension struct {
	policyv1alpha1.Suspension `json:",inline"`

	// scheduling, when true, stops scheduling the binding; its current
	// scheduling result is kept.
	// +optional
	Scheduling *bool `json:"scheduling,omitempty"`
}

// ResourceBindingStatus is the observed state of a ResourceBinding or
// ClusterResourceBinding.
type ResourceBindingStatus struct {
	// schedulerObservedGeneration is the metadata.generation the current
	// scheduling result was computed from.
	// +optional
	// +kubebuilder:validation:Minimum=0
	SchedulerObservedGeneration int64 `json:"schedulerObservedGeneration,omitempty"`

	// schedulerObservingAffinityName is the name of the clusterAffinities
	// term the current scheduling result was computed from.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	SchedulerObservedAffinityName string `json:"schedulerObservingAffinityName,omitempty"`

	// lastScheduledTime is when the binding was last scheduled
	// successfully.
	// +optional
	LastScheduledTime *metav1.Time `json:"lastScheduledTime,omitempty"`

	// conditions describe the binding's state: Scheduled and FullyApplied.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// aggregatedStatus reports the resource's state in each target cluster.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	AggregatedStatus []AggregatedStatusItem `json:"aggregatedStatus,omitempty"`

	// schedulingExplanation is a Kurator addition that explains the last
	// scheduling decision: why each cluster was or was not chosen, and how
	// the replicas were divided.
	// +optional
	SchedulingExplanation *SchedulingExplanation `json:"schedulingExplanation,omitempty"`
}

// AggregatedStatusItem is the state of the resource in one cluster.
type AggregatedStatusItem struct {
	// clusterName is the cluster's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	ClusterName string `json:"clusterName"`

	// status is the resource's status in the cluster, as reflected from it.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	Status *runtime.RawExtension `json:"status,omitempty"`

	// applied is true when the resource was applied to the cluster.
	// +optional
	Applied bool `json:"applied,omitempty"`

	// appliedMessage explains why applying failed.
	// +optional
	// +kubebuilder:validation:MaxLength=32768
	AppliedMessage string `json:"appliedMessage,omitempty"`

	// health is the resource's health in the cluster: Healthy, Unhealthy
	// or Unknown.
	// +optional
	Health ResourceHealth `json:"health,omitempty"`
}

// SchedulingExplanation explains a scheduling decision.
type SchedulingExplanation struct {
	// candidates are the clusters considered, with why each was or was not
	// chosen.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	Candidates []ClusterExplanation `json:"candidates,omitempty"`

	// division is a human-readable account of the arithmetic that divided
	// the replicas among the chosen clusters.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Division string `json:"division,omitempty"`

	// strategy names the replica assignment strategy used, such as
	// Duplicated, StaticWeight, DynamicWeight or Aggregated.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Strategy string `json:"strategy,omitempty"`

	// terms lists the clusterAffinities terms tried before the one in use
	// and why each did not fit.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=1024
	Terms []string `json:"terms,omitempty"`

	// karmadaDifference says how Karmada's scheduler would decide
	// differently, and why, when the decision uses a Kurator extension
	// (zone, provider or label groups, several group constraints at once,
	// a region constraint without a cluster constraint, groupSelection
	// Capacity, or groups chosen for room where Karmada's choice cannot
	// hold the replicas). Empty when Karmada would decide the same.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	KarmadaDifference string `json:"karmadaDifference,omitempty"`
}

// ClusterExplanation explains the decision about one cluster.
type ClusterExplanation struct {
	// name is the cluster's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// feasible is true when the cluster passed every filter.
	// +required
	Feasible bool `json:"feasible"`

	// reasons explain why the cluster was rejected: each is the name of the
	// filter plugin that rejected it, followed by its message.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=1024
	Reasons []string `json:"reasons,omitempty"`

	// score is the cluster's total score; higher is preferred.
	// +optional
	Score int64 `json:"score,omitempty"`

	// availableReplicas is the number of replicas the cluster has room for,
	// including those the binding already runs there.
	// +optional
	// +kubebuilder:validation:Minimum=0
	AvailableReplicas int32 `json:"availableReplicas,omitempty"`

	// assignedReplicas is the number of replicas assigned to the cluster.
	// +optional
	// +kubebuilder:validation:Minimum=0
	AssignedReplicas int32 `json:"assignedReplicas,omitempty"`

	// objective measures the cluster against an IntelligentScheduler's
	// objectives, when one governs the workload (a Kurator extension).
	// +optional
	Objective *ObjectiveEvaluation `json:"objective,omitempty"`
}

// ObjectiveEvaluation is one cluster measured against a workload's
// objectives at the time of the decision, per replica.
type ObjectiveEvaluation struct {
	// usdPerReplicaHour is what one replica's requests cost there; empty
	// when the cluster's prices are unknown or stale.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	USDPerReplicaHour string `json:"usdPerReplicaHour,omitempty"`

	// gramsPerReplicaHour is one replica's location-based emissions there,
	// in gCO2eq; empty when the grid intensity is unknown or stale.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	GramsPerReplicaHour string `json:"gramsPerReplicaHour,omitempty"`

	// successRate is the workload's windowed SLI there, in percent; empty
	// when it served nothing in the window.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	SuccessRate string `json:"successRate,omitempty"`

	// belowSLO says the SLI is below the scheduler's minPerformance.
	// +optional
	BelowSLO bool `json:"belowSLO,omitempty"`

	// score is the weighted mean of the objectives' scores (0-100).
	// +optional
	Score int64 `json:"score,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=resourcebindings,scope=Namespaced,shortName=rb,categories=kurator
// +kubebuilder:printcolumn:name="Scheduled",type="string",JSONPath=".status.conditions[?(@.type==\"Scheduled\")].status",description="Whether the binding is scheduled"
// +kubebuilder:printcolumn:name="FullyApplied",type="string",JSONPath=".status.conditions[?(@.type==\"FullyApplied\")].status",description="Whether the resource was applied to every target cluster"
// +kubebuilder:printcolumn:name="Replicas",type="integer",JSONPath=".spec.replicas",priority=1,description="Replicas of the workload"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"

// ResourceBinding ties a namespaced resource template to the placement of
// the policy that claimed it, and holds its scheduling result and the
// status aggregated from the member clusters. Its name is
// BindingName(template name, template kind).
type ResourceBinding struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the binding.
	// +required
	Spec ResourceBindingSpec `json:"spec"`

	// status is the observed state of the binding.
	// +optional
	Status ResourceBindingStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ResourceBindingList is a list of ResourceBindings.
type ResourceBindingList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items is the list of ResourceBindings.
	Items []ResourceBinding `json:"items"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=clusterresourcebindings,scope=Cluster,shortName=crb,categories=kurator
// +kubebuilder:printcolumn:name="Scheduled",type="string",JSONPath=".status.conditions[?(@.type==\"Scheduled\")].status",description="Whether the binding is scheduled"
// +kubebuilder:printcolumn:name="FullyApplied",type="string",JSONPath=".status.conditions[?(@.type==\"FullyApplied\")].status",description="Whether the resource was applied to every target cluster"
// +kubebuilder:printcolumn:name="Replicas",type="integer",JSONPath=".spec.replicas",priority=1,description="Replicas of the workload"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"

// ClusterResourceBinding ties a cluster-scoped resource template to the
// placement of the ClusterPropagationPolicy that claimed it, and holds its
// scheduling result and the status aggregated from the member clusters.
type ClusterResourceBinding struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the binding.
	// +required
	Spec ResourceBindingSpec `json:"spec"`

	// status is the observed state of the binding.
	// +optional
	Status ResourceBindingStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ClusterResourceBindingList is a list of ClusterResourceBindings.
type ClusterResourceBindingList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items is the list of ClusterResourceBindings.
	Items []ClusterResourceBinding `json:"items"`
}
