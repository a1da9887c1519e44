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
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CronFederatedHPASpec schedules changes to a target's replicas.
// +kubebuilder:validation:XValidation:rule="self.rules.all(r, self.rules.exists_one(s, s.name == r.name))",message="rule names must be unique"
// +kubebuilder:validation:XValidation:rule="self.scaleTargetRef.kind == 'FederatedHPA' ? self.rules.all(r, !has(r.targetReplicas) && (has(r.targetMinReplicas) || has(r.targetMaxReplicas))) : self.rules.all(r, has(r.targetReplicas) && !has(r.targetMinReplicas) && !has(r.targetMaxReplicas))",message="a rule for a FederatedHPA sets targetMinReplicas and/or targetMaxReplicas; a rule for a workload sets targetReplicas only"
type CronFederatedHPASpec struct {
	// scaleTargetRef is what the rules scale: a resource template with
	// replicas (its spec.replicas is set to targetReplicas), or a
	// FederatedHPA (its minReplicas and maxReplicas are set).
	// +required
	ScaleTargetRef autoscalingv2.CrossVersionObjectReference `json:"scaleTargetRef"`

	// rules say when and to what the target is scaled.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	// +listType=atomic
	Rules []CronFederatedHPARule `json:"rules"`
}

// CronFederatedHPARule is one schedule and what it applies.
// +kubebuilder:validation:XValidation:rule="!has(self.targetMinReplicas) || !has(self.targetMaxReplicas) || self.targetMinReplicas <= self.targetMaxReplicas",message="targetMinReplicas must not exceed targetMaxReplicas"
type CronFederatedHPARule struct {
	// name of the rule, unique in the object. Its execution history is kept
	// under it: renaming a rule starts a new history.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32
	Name string `json:"name"`

	// schedule is a five-field cron expression (minute hour day-of-month
	// month day-of-week) or a descriptor such as @daily or @every 1h, in
	// timeZone. A run missed while the controller was down is applied once
	// when it is back, if no later run was due since.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Schedule string `json:"schedule"`

	// targetReplicas is what the target workload's replicas are set to.
	// For a workload, not a FederatedHPA.
	// +optional
	// +kubebuilder:validation:Minimum=0
	TargetReplicas *int32 `json:"targetReplicas,omitempty"`

	// targetMinReplicas is what the target FederatedHPA's minReplicas is set
	// to; unset leaves it.
	// +optional
	// +kubebuilder:validation:Minimum=1
	TargetMinReplicas *int32 `json:"targetMinReplicas,omitempty"`

	// targetMaxReplicas is what the target FederatedHPA's maxReplicas is set
	// to; unset leaves it.
	// +optional
	// +kubebuilder:validation:Minimum=1
	TargetMaxReplicas *int32 `json:"targetMaxReplicas,omitempty"`

	// suspend stops the rule's runs until it is false again. Default false.
	// +optional
	// +kubebuilder:default=false
	Suspend *bool `json:"suspend,omitempty"`

	// timeZone is the IANA name of the zone the schedule is read in, such as
	// Asia/Shanghai. Default: UTC, whatever the controller-manager's host
	// zone, so a schedule means the same wherever it runs.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	TimeZone *string `json:"timeZone,omitempty"`

	// successfulHistoryLimit is how many successful runs are kept in
	// status. Default 3.
	// +optional
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=32
	SuccessfulHistoryLimit *int32 `json:"successfulHistoryLimit,omitempty"`

	// failedHistoryLimit is how many failed runs are kept in status.
	// Default 3.
	// +optional
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=32
	FailedHistoryLimit *int32 `json:"failedHistoryLimit,omitempty"`
}

// CronFederatedHPAStatus is what the rules did.
type CronFederatedHPAStatus struct {
	// executionHistories has one entry per rule.
	// +optional
	// +listType=map
	// +listMapKey=ruleName
	ExecutionHistories []ExecutionHistory `json:"executionHistories,omitempty"`

	// conditions: Ready is False, with the reason, when the target or a
	// rule cannot be acted on (a Kurator extension).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
}

// ExecutionHistory is one rule's runs.
type ExecutionHistory struct {
	// ruleName is the rule's name.
	// +required
	RuleName string `json:"ruleName"`

	// nextExecutionTime is when the rule runs next; unset while it is
	// suspended or its schedule is invalid.
	// +optional
	NextExecutionTime *metav1.Time `json:"nextExecutionTime,omitempty"`

	// successfulExecutions are the latest runs that applied, newest first.
	// +optional
	// +listType=atomic
	SuccessfulExecutions []SuccessfulExecution `json:"successfulExecutions,omitempty"`

	// failedExecutions are the latest runs that failed, newest first.
	// +optional
	// +listType=atomic
	FailedExecutions []FailedExecution `json:"failedExecutions,omitempty"`
}

// SuccessfulExecution is a run that applied.
type SuccessfulExecution struct {
	// scheduleTime is when the run was due.
	// +required
	ScheduleTime *metav1.Time `json:"scheduleTime"`
	// executionTime is when it was applied.
	// +required
	ExecutionTime *metav1.Time `json:"executionTime"`
	// appliedReplicas is the workload's replica count it set.
	// +optional
	AppliedReplicas *int32 `json:"appliedReplicas,omitempty"`
	// appliedMaxReplicas is the FederatedHPA's maxReplicas it set.
	// +optional
	AppliedMaxReplicas *int32 `json:"appliedMaxReplicas,omitempty"`
	// appliedMinReplicas is the FederatedHPA's minReplicas it set.
	// +optional
	AppliedMinReplicas *int32 `json:"appliedMinReplicas,omitempty"`
}

// FailedExecution is a run that could not apply.
type FailedExecution struct {
	// scheduleTime is when the run was due.
	// +required
	ScheduleTime *metav1.Time `json:"scheduleTime"`
	// executionTime is when it was tried.
	// +required
	ExecutionTime *metav1.Time `json:"executionTime"`
	// message says why it failed.
	// +required
	Message string `json:"message"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=cronfederatedhpas,scope=Namespaced,shortName=cronfhpa,categories={kurator,karmada-io}
// +kubebuilder:printcolumn:name="Reference-Kind",type="string",JSONPath=".spec.scaleTargetRef.kind"
// +kubebuilder:printcolumn:name="Reference-Name",type="string",JSONPath=".spec.scaleTargetRef.name"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"

// CronFederatedHPA scales a workload, or changes a FederatedHPA's bounds, on
// schedules.
type CronFederatedHPA struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec CronFederatedHPASpec `json:"spec"`
	// +optional
	Status CronFederatedHPAStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// CronFederatedHPAList is a list of CronFederatedHPAs.
type CronFederatedHPAList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []CronFederatedHPA `json:"items"`
}
