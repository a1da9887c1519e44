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
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The bounds of the settings, as the schema enforces them.
const (
	// MaxParallelism is the most bindings of one kind decided at once.
	MaxParallelism = 256
	// MaxCacheSyncTimeout bounds spec.scheduler.cacheSyncTimeout.
	MaxCacheSyncTimeout = 10 * time.Minute
	// MaxEstimatorTimeout bounds spec.estimator.timeout.
	MaxEstimatorTimeout = time.Minute
)

// KarmadaConfig tunes Kurator's running scheduler: how many bindings are
// decided at once, how many feasible clusters are scored, and how long
// member data may take to arrive. Changes apply without a restart. Only
// one KarmadaConfig is in force, the first by name among the valid ones;
// without any, the defaults documented on each field apply.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=karmadaconfigs,scope=Cluster,shortName=kc,categories={kurator,karmada-io}
// +kubebuilder:printcolumn:name="Parallelism",type=integer,JSONPath=`.spec.scheduler.parallelism`
// +kubebuilder:printcolumn:name="PercentOfNodesToScore",type=integer,JSONPath=`.spec.scheduler.percentOfNodesToScore`
// +kubebuilder:printcolumn:name="Applied",type=string,JSONPath=`.status.conditions[?(@.type=="Applied")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Applied")].reason`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type KarmadaConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec holds the settings; every one is optional.
	// +optional
	Spec KarmadaConfigSpec `json:"spec,omitempty"`

	// status says whether this KarmadaConfig is in force and the values
	// the scheduler uses.
	// +optional
	Status KarmadaConfigStatus `json:"status,omitempty"`
}

// KarmadaConfigSpec groups the settings by the part they tune.
type KarmadaConfigSpec struct {
	// scheduler tunes the decisions of the scheduling controller.
	// +optional
	Scheduler SchedulerSettings `json:"scheduler,omitempty"`

	// estimator tunes the estimate of each cluster's room for replicas.
	// +optional
	Estimator EstimatorSettings `json:"estimator,omitempty"`
}

// SchedulerSettings tune the scheduling controller.
type SchedulerSettings struct {
	// parallelism is how many bindings (ResourceBindings and
	// ClusterResourceBindings together) are decided at once. A change
	// applies to the decisions that start after it; decisions running
	// already finish. Unset: no limit beyond the scheduler's workers, 256
	// for each binding kind.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=256
	Parallelism *int32 `json:"parallelism,omitempty"`

	// cacheSyncTimeout is how long a member cluster's node and pod
	// informers may take to list before the cluster's status collection
	// fails (Ready=False, reason StatusCollectionFailed) for that probe.
	// It applies to the syncs that start after the change. Unset: the
	// controller-manager's --cluster-probe-timeout (3s by default). At
	// most 10m. Pull-mode members' agents keep their own timeout.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="duration(self) > duration('0s') && duration(self) <= duration('10m')",message="cacheSyncTimeout must be a duration above 0s and at most 10m"
	CacheSyncTimeout *metav1.Duration `json:"cacheSyncTimeout,omitempty"`

	// percentOfNodesToScore is the share of a decision's feasible
	// clusters that are scored, as kube-scheduler's percentageOfNodesToScore
	// limits the nodes it scores: with fewer than 100 feasible clusters all
	// are scored; otherwise this percentage of them, but at least 100. 0
	// takes kube-scheduler's adaptive percentage (50 minus one per 125
	// feasible clusters, at least 5). Which clusters are scored rotates
	// from one decision to the next. Unscored clusters stay feasible with
	// score 0: this never changes which clusters a workload may go to.
	// Unset: 100, every feasible cluster is scored (Karmada's behaviour).
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	PercentOfNodesToScore *int32 `json:"percentOfNodesToScore,omitempty"`
}

// EstimatorSettings tune the estimate of each cluster's room.
type EstimatorSettings struct {
	// timeout is how long the scheduler waits for a member's node and pod
	// informers to have listed when it builds its view of the fleet. A
	// cluster whose node data is not there in time is estimated from its
	// status.resourceSummary instead, as Karmada falls back when its
	// estimator times out, and is not waited for again until its
	// informers have listed. Unset: 3s (Karmada's
	// --scheduler-estimator-timeout). At most 1m: decisions wait for the
	// view.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="duration(self) > duration('0s') && duration(self) <= duration('1m')",message="timeout must be a duration above 0s and at most 1m"
	Timeout *metav1.Duration `json:"timeout,omitempty"`
}

// The Applied condition and its reasons.
const (
	// ConditionApplied is true on the KarmadaConfig in force.
	ConditionApplied = "Applied"
	// ReasonApplied: this KarmadaConfig is in force.
	ReasonApplied = "Applied"
	// ReasonSuperseded: another KarmadaConfig, first by name, is in force.
	ReasonSuperseded = "Superseded"
	// ReasonInvalid: a setting is out of range; this KarmadaConfig is
	// ignored.
	ReasonInvalid = "Invalid"
)

// KarmadaConfigStatus is whether the KarmadaConfig is in force.
type KarmadaConfigStatus struct {
	// conditions: Applied is True while this KarmadaConfig is in force;
	// False with reason Superseded when another one is (the message names
	// it), or Invalid when a setting is out of range.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// effective are the values the scheduler uses, defaults filled in; set
	// only while this KarmadaConfig is applied.
	// +optional
	Effective *EffectiveSettings `json:"effective,omitempty"`
}

// EffectiveSettings are the values in force.
type EffectiveSettings struct {
	// parallelism is how many bindings may be decided at once: 512 (256
	// workers for each binding kind) when spec.scheduler.parallelism is
	// unset.
	Parallelism int32 `json:"parallelism"`

	// percentOfNodesToScore is the share of feasible clusters scored (0:
	// kube-scheduler's adaptive share).
	PercentOfNodesToScore int32 `json:"percentOfNodesToScore"`

	// cacheSyncTimeout bounds the member informer syncs that start after
	// it was applied; syncs already waiting keep the timeout they started
	// with.
	// +kubebuilder:validation:Type=string
	CacheSyncTimeout metav1.Duration `json:"cacheSyncTimeout"`

	// estimatorTimeout bounds the wait for a member's node data when the
	// scheduler builds its view of the fleet.
	// +kubebuilder:validation:Type=string
	EstimatorTimeout metav1.Duration `json:"estimatorTimeout"`
}

// KarmadaConfigList is a list of KarmadaConfigs.
//
// +kubebuilder:object:root=true
type KarmadaConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []KarmadaConfig `json:"items"`
}
