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
	"k8s.io/apimachinery/pkg/util/intstr"
)

// StagedUpdateStrategySpec orders clusters into stages and gates each stage.
// +kubebuilder:validation:XValidation:rule="self.stages.all(s, self.stages.exists_one(t, t.name == s.name))",message="stage names must be unique"
type StagedUpdateStrategySpec struct {
	// stages are rolled out in order. Every cluster the workload is placed on
	// must fall in exactly one stage.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=31
	// +listType=atomic
	Stages []StageConfig `json:"stages"`

	// progressDeadline bounds how long one cluster may take to run the new
	// revision healthily once released; a cluster past it counts as a
	// failure. Default 10m.
	// +optional
	ProgressDeadline *metav1.Duration `json:"progressDeadline,omitempty"`

	// maxFailures is how many clusters (or what share of them) may fail
	// before the run is rolled back. Default 0: the first failure rolls back.
	// +optional
	// +kubebuilder:validation:XIntOrString
	// +kubebuilder:validation:MaxLength=4
	// +kubebuilder:validation:XValidation:rule="type(self) == int ? self >= 0 : self.matches('^(100|[1-9]?[0-9])%$')",message="an integer of at least 0, or a percentage"
	MaxFailures *intstr.IntOrString `json:"maxFailures,omitempty"`
}

// StageConfig is one stage: which clusters, how many at a time, and the
// tasks around it.
// +kubebuilder:validation:XValidation:rule="!has(self.beforeStageTasks) || self.beforeStageTasks.all(t, self.beforeStageTasks.exists_one(u, u.type == t.type))",message="at most one task of each type before a stage"
// +kubebuilder:validation:XValidation:rule="!has(self.afterStageTasks) || self.afterStageTasks.all(t, self.afterStageTasks.exists_one(u, u.type == t.type))",message="at most one task of each type after a stage"
type StageConfig struct {
	// name of the stage, e.g. canary.
	// +required
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`

	// labelSelector selects the stage's clusters by their labels. Empty
	// selects every cluster not taken by an earlier stage.
	// +optional
	LabelSelector *metav1.LabelSelector `json:"labelSelector,omitempty"`

	// sortingLabelKey orders the stage's clusters by the integer value of
	// this label (ascending, then by name); without it, by name.
	// +optional
	// +kubebuilder:validation:MaxLength=317
	SortingLabelKey *string `json:"sortingLabelKey,omitempty"`

	// maxConcurrency is how many of the stage's clusters update at once: a
	// number, or a percentage of the stage's clusters rounded down (at least
	// 1). Default 1.
	// +optional
	// +kubebuilder:validation:XIntOrString
	// +kubebuilder:validation:MaxLength=4
	// +kubebuilder:validation:XValidation:rule="type(self) == int ? self >= 1 : self.matches('^(100|[1-9][0-9]?)%$')",message="an integer of at least 1, or a percentage from 1% to 100%"
	MaxConcurrency *intstr.IntOrString `json:"maxConcurrency,omitempty"`

	// beforeStageTasks must complete before the stage's first cluster is
	// updated: Approval or Analysis.
	// +optional
	// +kubebuilder:validation:MaxItems=2
	// +kubebuilder:validation:XValidation:rule="self.all(t, t.type != 'TimedWait')",message="a TimedWait belongs after a stage"
	// +listType=atomic
	BeforeStageTasks []StageTask `json:"beforeStageTasks,omitempty"`

	// afterStageTasks must complete before the next stage starts:
	// TimedWait, Approval or Analysis (run per cluster of the stage and
	// fleet-wide).
	// +optional
	// +kubebuilder:validation:MaxItems=3
	// +listType=atomic
	AfterStageTasks []StageTask `json:"afterStageTasks,omitempty"`

	// canary ramps the stage's clusters' share of the host's traffic up in
	// steps, through the workload's TrafficPolicy, while the stage soaks.
	// +optional
	Canary *StageCanary `json:"canary,omitempty"`
}

// StageTaskType is the kind of a stage task.
// +kubebuilder:validation:Enum=TimedWait;Approval;Analysis
type StageTaskType string

const (
	// StageTaskTimedWait waits for waitTime.
	StageTaskTimedWait StageTaskType = "TimedWait"
	// StageTaskApproval waits for an ApprovalRequest to be approved.
	StageTaskApproval StageTaskType = "Approval"
	// StageTaskAnalysis runs Argo-compatible AnalysisTemplates.
	StageTaskAnalysis StageTaskType = "Analysis"
)

// StageTask is a gate before or after a stage.
// +kubebuilder:validation:XValidation:rule="self.type == 'TimedWait' ? has(self.waitTime) : !has(self.waitTime)",message="waitTime is set for, and only for, a TimedWait"
// +kubebuilder:validation:XValidation:rule="self.type == 'Analysis' ? has(self.analysis) : !has(self.analysis)",message="analysis is set for, and only for, an Analysis task"
type StageTask struct {
	// type of the task.
	// +required
	Type StageTaskType `json:"type"`
	// waitTime of a TimedWait, e.g. 5m.
	// +optional
	WaitTime *metav1.Duration `json:"waitTime,omitempty"`
	// analysis of an Analysis task.
	// +optional
	Analysis *AnalysisTask `json:"analysis,omitempty"`
}

// AnalysisScope says where an analysis runs.
// +kubebuilder:validation:Enum=Cluster;Fleet;ClusterAndFleet
type AnalysisScope string

const (
	// AnalysisScopeCluster runs once per cluster of the stage, with the
	// cluster's name as the argument "cluster".
	AnalysisScopeCluster AnalysisScope = "Cluster"
	// AnalysisScopeFleet runs once for the stage, with "cluster" empty.
	AnalysisScopeFleet AnalysisScope = "Fleet"
	// AnalysisScopeClusterAndFleet runs both.
	AnalysisScopeClusterAndFleet AnalysisScope = "ClusterAndFleet"
)

// AnalysisTask references Argo-compatible AnalysisTemplates.
type AnalysisTask struct {
	// templates to run; every metric of each must pass.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=8
	// +listType=atomic
	Templates []AnalysisTemplateRef `json:"templates"`
	// args given to the templates, besides cluster, namespace and workload,
	// which Kurator always passes.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +listType=atomic
	Args []AnalysisArg `json:"args,omitempty"`
	// scope: Cluster, Fleet or ClusterAndFleet (default).
	// +optional
	Scope AnalysisScope `json:"scope,omitempty"`
}

// AnalysisTemplateRef names an AnalysisTemplate in the policy's namespace, or
// a ClusterAnalysisTemplate.
type AnalysisTemplateRef struct {
	// templateName is the template's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	TemplateName string `json:"templateName"`
	// clusterScope selects a ClusterAnalysisTemplate.
	// +optional
	ClusterScope bool `json:"clusterScope,omitempty"`
}

// AnalysisArg is a value for a template argument.
type AnalysisArg struct {
	// name of the argument.
	// +required
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
	// value of the argument.
	// +required
	Value string `json:"value"`
}

// StageCanary shifts traffic to the stage's updated clusters in steps.
type StageCanary struct {
	// trafficPolicy is the TrafficPolicy (in the workload's namespace) whose
	// weights the canary drives.
	// +required
	// +kubebuilder:validation:MinLength=1
	TrafficPolicy string `json:"trafficPolicy"`
	// steps are the shares of their usual traffic, in percent, the stage's
	// clusters get in turn, e.g. [10, 50, 100]: the first is set before they
	// are released, and each soaks for stepDuration before the next; the
	// stage's after-tasks run once the last has soaked. The rest of the
	// traffic goes to the other clusters.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:Minimum=0
	// +kubebuilder:validation:items:Maximum=100
	// +listType=atomic
	Steps []int32 `json:"steps"`
	// stepDuration is how long each step soaks. Default 1m.
	// +optional
	StepDuration *metav1.Duration `json:"stepDuration,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=sus,categories=kurator
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// StagedUpdateStrategy orders a workload's clusters into gated stages.
type StagedUpdateStrategy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec are the stages and the run's limits.
	// +required
	Spec StagedUpdateStrategySpec `json:"spec"`
}

// +kubebuilder:object:root=true

// StagedUpdateStrategyList is a list of StagedUpdateStrategies.
type StagedUpdateStrategyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []StagedUpdateStrategy `json:"items"`
}
