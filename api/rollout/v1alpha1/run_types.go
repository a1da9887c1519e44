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

	argoprojv1alpha1 "kurator.dev/kurator/api/argoproj/v1alpha1"
)

// RunState is what the user asks of a run.
// +kubebuilder:validation:Enum=Run;Abort
type RunState string

const (
	// RunStateRun lets the run proceed.
	RunStateRun RunState = "Run"
	// RunStateAbort rolls the run back ('kurator rollout abort').
	RunStateAbort RunState = "Abort"
)

// StagedUpdateRunSpec says which new revision of which workload rolls out by
// which strategy. The controller creates runs ('kurator rollout retry' too);
// a user may only set state.
// +kubebuilder:validation:XValidation:rule="self.bindingName == oldSelf.bindingName && self.revision == oldSelf.revision && self.snapshotName == oldSelf.snapshotName && self.strategyName == oldSelf.strategyName",message="only state may change"
type StagedUpdateRunSpec struct {
	// bindingName is the ResourceBinding of the workload, in this namespace.
	// +required
	// +kubebuilder:validation:MinLength=1
	BindingName string `json:"bindingName"`
	// strategyName is the StagedUpdateStrategy the run follows (frozen in
	// status at the start).
	// +required
	// +kubebuilder:validation:MinLength=1
	StrategyName string `json:"strategyName"`
	// revision identifies the template revision rolled out.
	// +required
	// +kubebuilder:validation:MinLength=1
	Revision string `json:"revision"`
	// snapshotName is the ControllerRevision holding every cluster's
	// previous and target manifests, frozen at the start.
	// +required
	// +kubebuilder:validation:MinLength=1
	SnapshotName string `json:"snapshotName"`
	// state: Run (default) or Abort.
	// +optional
	State RunState `json:"state,omitempty"`
}

// RunPhase is where a run is.
type RunPhase string

const (
	RunPhaseProgressing RunPhase = "Progressing"
	RunPhasePaused      RunPhase = "Paused"
	RunPhaseSucceeded   RunPhase = "Succeeded"
	RunPhaseRollingBack RunPhase = "RollingBack"
	RunPhaseRolledBack  RunPhase = "RolledBack"
	RunPhaseAbandoned   RunPhase = "Abandoned"
	RunPhaseSuperseded  RunPhase = "Superseded"
	RunPhaseFailed      RunPhase = "Failed"
)

// Terminal says whether a run in this phase is over.
func (p RunPhase) Terminal() bool {
	switch p {
	case RunPhaseSucceeded, RunPhaseRolledBack, RunPhaseAbandoned, RunPhaseSuperseded, RunPhaseFailed:
		return true
	}
	return false
}

// ClusterPhase is where one cluster is in a run.
type ClusterPhase string

const (
	// ClusterPending: still on the previous revision.
	ClusterPending ClusterPhase = "Pending"
	// ClusterUpdating: released; the new revision is being applied.
	ClusterUpdating ClusterPhase = "Updating"
	// ClusterUpdated: runs the new revision, healthy.
	ClusterUpdated ClusterPhase = "Updated"
	// ClusterFailed: did not become healthy in time, or failed its analysis.
	ClusterFailed ClusterPhase = "Failed"
	// ClusterRollingBack: being returned to the previous revision.
	ClusterRollingBack ClusterPhase = "RollingBack"
	// ClusterRolledBack: back on the previous revision.
	ClusterRolledBack ClusterPhase = "RolledBack"
)

// Released says whether the cluster's Work carries the new revision.
func (p ClusterPhase) Released() bool {
	return p == ClusterUpdating || p == ClusterUpdated || p == ClusterFailed
}

// Reverted says whether the cluster's Work goes back to the previous revision.
func (p ClusterPhase) Reverted() bool {
	return p == ClusterRollingBack || p == ClusterRolledBack
}

// ClusterRollout is one cluster's progress.
type ClusterRollout struct {
	// name of the cluster.
	Name string `json:"name"`
	// stage the cluster belongs to.
	Stage string `json:"stage"`
	// phase of the cluster.
	Phase ClusterPhase `json:"phase"`
	// releasedAt is when the new revision was released to it.
	// +optional
	ReleasedAt *metav1.Time `json:"releasedAt,omitempty"`
	// finishedAt is when it reached its last phase.
	// +optional
	FinishedAt *metav1.Time `json:"finishedAt,omitempty"`
	// message says why, for a failure.
	// +optional
	Message string `json:"message,omitempty"`
}

// StageStatus is one stage's progress.
type StageStatus struct {
	// name of the stage.
	Name string `json:"name"`
	// clusters of the stage, in update order.
	// +optional
	// +listType=atomic
	Clusters []string `json:"clusters,omitempty"`
	// startTime is when the stage began (its before-tasks included).
	// +optional
	StartTime *metav1.Time `json:"startTime,omitempty"`
	// updatedTime is when its last cluster was Updated.
	// +optional
	UpdatedTime *metav1.Time `json:"updatedTime,omitempty"`
	// endTime is when its after-tasks completed.
	// +optional
	EndTime *metav1.Time `json:"endTime,omitempty"`
	// beforeStageTasks report the gates before the stage.
	// +optional
	// +listType=atomic
	BeforeStageTasks []TaskStatus `json:"beforeStageTasks,omitempty"`
	// afterStageTasks report the gates after the stage.
	// +optional
	// +listType=atomic
	AfterStageTasks []TaskStatus `json:"afterStageTasks,omitempty"`
	// canaryStep is the index of the canary step in force.
	// +optional
	CanaryStep *int32 `json:"canaryStep,omitempty"`
	// canaryStepTime is when that step began.
	// +optional
	CanaryStepTime *metav1.Time `json:"canaryStepTime,omitempty"`
}

// TaskPhase is where a gate is.
type TaskPhase string

const (
	TaskPending      TaskPhase = "Pending"
	TaskRunning      TaskPhase = "Running"
	TaskSucceeded    TaskPhase = "Succeeded"
	TaskFailed       TaskPhase = "Failed"
	TaskError        TaskPhase = "Error"
	TaskInconclusive TaskPhase = "Inconclusive"
)

// TaskStatus is one gate's progress.
type TaskStatus struct {
	// type of the task.
	Type StageTaskType `json:"type"`
	// phase of the task.
	Phase TaskPhase `json:"phase"`
	// startTime is when it began.
	// +optional
	StartTime *metav1.Time `json:"startTime,omitempty"`
	// endTime is when it ended.
	// +optional
	EndTime *metav1.Time `json:"endTime,omitempty"`
	// approvalRequest names the ApprovalRequest of an Approval task (or of
	// an inconclusive analysis).
	// +optional
	ApprovalRequest string `json:"approvalRequest,omitempty"`
	// analyses are an Analysis task's runs: one per cluster and one for the
	// fleet, by scope.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=64
	Analyses []AnalysisRunStatus `json:"analyses,omitempty"`
	// message sums the task up: for a failure, the measured value against the condition.
	// +optional
	Message string `json:"message,omitempty"`
}

// StagedUpdateRunStatus is the run's progress; every decision that depends
// on time is derived from its timestamps, so a restart resumes the run.
type StagedUpdateRunStatus struct {
	// observedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// phase of the run.
	// +optional
	Phase RunPhase `json:"phase,omitempty"`
	// conditions: Progressing, Succeeded, RolledBack, Paused.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// strategy is the strategy as it was when the run started.
	// +optional
	Strategy *StagedUpdateStrategySpec `json:"strategy,omitempty"`
	// startTime is when the run began.
	// +optional
	StartTime *metav1.Time `json:"startTime,omitempty"`
	// endTime is when the run reached a terminal phase.
	// +optional
	EndTime *metav1.Time `json:"endTime,omitempty"`
	// stages in order.
	// +optional
	// +listType=atomic
	Stages []StageStatus `json:"stages,omitempty"`
	// clusters and their phases.
	// +optional
	// +listType=atomic
	Clusters []ClusterRollout `json:"clusters,omitempty"`
	// message says why the run ended or waits.
	// +optional
	Message string `json:"message,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=sur,categories=kurator
// +kubebuilder:printcolumn:name="Binding",type=string,JSONPath=`.spec.bindingName`
// +kubebuilder:printcolumn:name="Strategy",type=string,JSONPath=`.spec.strategyName`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// StagedUpdateRun rolls one revision of a workload out stage by stage.
type StagedUpdateRun struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec names the workload, revision and strategy.
	// +required
	Spec StagedUpdateRunSpec `json:"spec"`

	// status is the run's progress.
	// +optional
	Status StagedUpdateRunStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// StagedUpdateRunList is a list of StagedUpdateRuns.
type StagedUpdateRunList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []StagedUpdateRun `json:"items"`
}

// ApprovalRequestSpec says what waits for approval.
// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec is immutable"
type ApprovalRequestSpec struct {
	// runName is the StagedUpdateRun waiting.
	// +required
	RunName string `json:"runName"`
	// stageName is the stage it waits at.
	// +required
	StageName string `json:"stageName"`
	// reason: BeforeStage, AfterStage or Inconclusive (an analysis could not decide).
	// +required
	// +kubebuilder:validation:Enum=BeforeStage;AfterStage;Inconclusive
	Reason string `json:"reason"`
}

// ApprovalRequestStatus carries the decision: a user (or 'kurator rollout
// approve') sets the Approved condition to True.
type ApprovalRequestStatus struct {
	// conditions: Approved.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=areq,categories=kurator
// +kubebuilder:printcolumn:name="Run",type=string,JSONPath=`.spec.runName`
// +kubebuilder:printcolumn:name="Stage",type=string,JSONPath=`.spec.stageName`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.spec.reason`
// +kubebuilder:printcolumn:name="Approved",type=string,JSONPath=`.status.conditions[?(@.type=="Approved")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// ApprovalRequest holds a run at a stage until approved.
type ApprovalRequest struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says which run and stage wait.
	// +required
	Spec ApprovalRequestSpec `json:"spec"`

	// status carries the approval.
	// +optional
	Status ApprovalRequestStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ApprovalRequestList is a list of ApprovalRequests.
type ApprovalRequestList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ApprovalRequest `json:"items"`
}

// Names shared by the rollout and binding controllers.
const (
	// BindingLabel on a run and a snapshot names the binding.
	BindingLabel = "rollout.kurator.dev/binding"
	// RevisionLabel on a run and a snapshot names the template revision.
	RevisionLabel = "rollout.kurator.dev/revision"
	// ConditionApproved on an ApprovalRequest.
	ConditionApproved = "Approved"
	// CanaryWeightsAnnotation on a TrafficPolicy, written by the run of a
	// stage with canary steps, scales the base weight of the stage's
	// clusters, in percent, as JSON: {"cluster-shanghai": 10}. The traffic
	// controller applies it at once, without the cooldown and step guards.
	CanaryWeightsAnnotation = "rollout.kurator.dev/canary-weights"
	// PromoteAnnotation on a run names a stage whose remaining gates the
	// user skips ('kurator rollout promote').
	PromoteAnnotation = "rollout.kurator.dev/promote"
)

// AnalysisRunStatus is one run of an AnalysisTemplate: for one cluster of the
// stage (argument cluster), or fleet-wide (cluster empty).
type AnalysisRunStatus struct {
	// cluster the analysis measured; empty for the fleet-wide run.
	// +optional
	Cluster string `json:"cluster,omitempty"`
	// template is the (Cluster)AnalysisTemplate's name.
	Template string `json:"template"`
	// phase is the worst phase of its metrics.
	Phase argoprojv1alpha1.AnalysisPhase `json:"phase"`
	// metrics are Argo's per-metric results with their measurements.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	Metrics []argoprojv1alpha1.MetricResult `json:"metrics,omitempty"`
}
