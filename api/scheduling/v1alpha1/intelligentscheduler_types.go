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

// IntelligentScheduler adds objectives, a budget and a service-level
// constraint to the placement of the workloads it selects. Their
// PropagationPolicies still decide where they may run and how replicas are
// divided; within that, the scheduler prefers the clusters that serve the
// objectives best, never moves load to a cluster below the SLO, and stops
// scale-up while the estimated spend is over the budget.
//
// A workload is governed by at most one IntelligentScheduler: the first,
// by name, that selects it.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=isched,categories=kurator
// +kubebuilder:printcolumn:name="Objectives",type=string,JSONPath=`.spec.optimization.objective`
// +kubebuilder:printcolumn:name="Budget",type=string,JSONPath=`.spec.optimization.constraints.maxCost`
// +kubebuilder:printcolumn:name="Spend/day",type=string,JSONPath=`.status.spend.perDay`
// +kubebuilder:printcolumn:name="Workloads",type=integer,JSONPath=`.status.workloads`
// +kubebuilder:printcolumn:name="Over-Budget",type=string,JSONPath=`.status.conditions[?(@.type=="BudgetExceeded")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type IntelligentScheduler struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is what the scheduler should optimise.
	// +required
	Spec IntelligentSchedulerSpec `json:"spec"`

	// status is what it observed and estimated.
	// +optional
	Status IntelligentSchedulerStatus `json:"status,omitempty"`
}

// IntelligentSchedulerSpec selects workloads and states the objectives.
type IntelligentSchedulerSpec struct {
	// resourceSelectors choose the templates governed, as a
	// PropagationPolicy's do; an empty namespace means any namespace. With
	// none, every propagated workload of the fleet is governed (a Kurator
	// design: the seed's example has no selector and means the whole fleet).
	// +optional
	// +kubebuilder:validation:MaxItems=64
	ResourceSelectors []policyv1alpha1.ResourceSelector `json:"resourceSelectors,omitempty"`

	// prediction forecasts the governed workloads' spend from its history.
	// +optional
	Prediction *Prediction `json:"prediction,omitempty"`

	// optimization states the objectives, constraints and how placement
	// may move.
	// +required
	Optimization Optimization `json:"optimization"`
}

// Prediction forecasts spend from its recorded history.
type Prediction struct {
	// enabled turns the forecast on.
	// +optional
	Enabled bool `json:"enabled,omitempty"`

	// model names the forecasting model wanted. Kurator implements
	// "seasonal" (level-corrected seasonal naive, the default) and
	// "percentile" (time-of-day percentile); any other name is admitted and
	// served by "seasonal", which status.prediction says plainly.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Model string `json:"model,omitempty"`

	// lookbackWindow is how much history the forecast reads (default
	// 168h; at least 24h, at most 720h).
	// +optional
	LookbackWindow *metav1.Duration `json:"lookbackWindow,omitempty"`
}

// Objective is what placement optimises.
// +kubebuilder:validation:Enum=cost;performance;carbon-footprint
type Objective string

// The objectives.
const (
	ObjectiveCost        Objective = "cost"
	ObjectivePerformance Objective = "performance"
	ObjectiveCarbon      Objective = "carbon-footprint"
)

// Optimization states objectives, constraints and stability.
type Optimization struct {
	// objective lists what placement optimises, each a score plugin of the
	// scheduler. Their weights are equal unless weights says otherwise.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=3
	// +listType=set
	Objective []Objective `json:"objective"`

	// weights of the objectives (1-100, default 1 each); an objective not
	// listed in objective has no weight.
	// +optional
	Weights map[Objective]int32 `json:"weights,omitempty"`

	// constraints bound what placement may do.
	// +optional
	Constraints Constraints `json:"constraints,omitempty"`

	// stability bounds how often and how fast placement moves for a saving.
	// +optional
	Stability *Stability `json:"stability,omitempty"`
}

// Constraints bound placement.
type Constraints struct {
	// maxCost is the budget of the governed workloads together, as an
	// amount per period: "1000 USD/day" (periods hour, day, week, month of
	// 730 h). Over it, scale-up of governed workloads is blocked and the
	// BudgetExceeded condition is True.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^\\\\s*[0-9]+(\\\\.[0-9]+)?\\\\s*[A-Za-z]{3}\\\\s*/\\\\s*(hour|h|day|d|week|w|month)\\\\s*$')",message="maxCost must be an amount per period such as \"1000 USD/day\" (hour, day, week or month)"
	MaxCost string `json:"maxCost,omitempty"`

	// minPerformance is the success-rate objective of each cluster's
	// windowed SLI, "99.9% SLO": load never moves to a cluster measured
	// below it, and a cluster below it gets no more replicas.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^\\\\s*[0-9]+(\\\\.[0-9]+)?\\\\s*%(\\\\s*[A-Za-z]+)?\\\\s*$')",message="minPerformance must be a percentage such as \"99.9% SLO\""
	MinPerformance string `json:"minPerformance,omitempty"`

	// sliWindow is the window the SLI is measured over (default 5m).
	// +optional
	SLIWindow *metav1.Duration `json:"sliWindow,omitempty"`
}

// Stability bounds placement moves made for a saving alone.
type Stability struct {
	// minSavingPercent is the least saving of the weighted objective, in
	// percent of the current placement's, worth moving for (default 10).
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	MinSavingPercent *int32 `json:"minSavingPercent,omitempty"`

	// sustainFor is how long the saving must have lasted before a move
	// starts (default 1h).
	// +optional
	SustainFor *metav1.Duration `json:"sustainFor,omitempty"`

	// cooldown is the least time between the end of one move and the start
	// of the next (default 1h).
	// +optional
	Cooldown *metav1.Duration `json:"cooldown,omitempty"`

	// maxMovePercent is the most of a workload's replicas one step moves
	// (default 25, at least one replica).
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	MaxMovePercent *int32 `json:"maxMovePercent,omitempty"`

	// stepInterval is the time between the steps of one move (default 1m).
	// +optional
	StepInterval *metav1.Duration `json:"stepInterval,omitempty"`
}

// Condition types of an IntelligentScheduler.
const (
	// ConditionReady says whether the spec could be applied.
	ConditionReady = "Ready"
	// ConditionBudgetExceeded says whether the spend estimate is over
	// maxCost.
	ConditionBudgetExceeded = "BudgetExceeded"
)

// IntelligentSchedulerStatus is what the scheduler observed.
type IntelligentSchedulerStatus struct {
	// observedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready and BudgetExceeded.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// workloads is how many workloads it governs.
	// +optional
	Workloads int32 `json:"workloads,omitempty"`

	// spend is the estimated spend of the governed workloads at their
	// current placement: the requests of their replicas at each cluster's
	// prices.
	// +optional
	Spend *Spend `json:"spend,omitempty"`

	// carbon is their estimated emissions, location-based.
	// +optional
	Carbon *Carbon `json:"carbon,omitempty"`

	// clustersBelowSLO lists the clusters whose windowed SLI is below
	// minPerformance for some governed workload.
	// +optional
	ClustersBelowSLO []string `json:"clustersBelowSLO,omitempty"`

	// prediction reports the forecast and the algorithm that made it.
	// +optional
	Prediction *PredictionStatus `json:"prediction,omitempty"`

	// lastEstimateTime is when the estimates were made.
	// +optional
	LastEstimateTime *metav1.Time `json:"lastEstimateTime,omitempty"`
}

// Spend is money per period, as decimal strings in the budget's currency.
type Spend struct {
	// currency is the budget's (USD without a budget).
	Currency string `json:"currency"`
	// perHour is the spend rate now.
	PerHour string `json:"perHour"`
	// perDay is perHour over a day.
	PerDay string `json:"perDay"`
	// budgetPerDay is maxCost at a daily rate.
	// +optional
	BudgetPerDay string `json:"budgetPerDay,omitempty"`
	// budgetUsedPercent is perDay against budgetPerDay.
	// +optional
	BudgetUsedPercent *int32 `json:"budgetUsedPercent,omitempty"`
	// unpricedReplicas run on clusters without a known price: left out of
	// the estimate, which is then a lower bound.
	// +optional
	UnpricedReplicas int32 `json:"unpricedReplicas,omitempty"`
}

// Carbon is emissions per hour, in gCO2eq.
type Carbon struct {
	// gramsPerHour is the emission rate now.
	GramsPerHour string `json:"gramsPerHour"`
	// agnosticGramsPerHour is what the same replicas would emit placed
	// without the carbon objective (the decision Karmada's rules make).
	// +optional
	AgnosticGramsPerHour string `json:"agnosticGramsPerHour,omitempty"`
	// method states how emissions are counted.
	Method string `json:"method"`
}

// PredictionStatus reports the spend forecast.
type PredictionStatus struct {
	// requestedModel is spec.prediction.model.
	// +optional
	RequestedModel string `json:"requestedModel,omitempty"`
	// algorithm is the algorithm that served it.
	Algorithm string `json:"algorithm"`
	// message says how the forecast was made, or why none was.
	// +optional
	Message string `json:"message,omitempty"`
	// projectedPerDay is the forecast spend over the next day.
	// +optional
	ProjectedPerDay string `json:"projectedPerDay,omitempty"`
	// time is when the forecast was made; it is renewed every 5 minutes.
	// +optional
	Time *metav1.Time `json:"time,omitempty"`
}

// +kubebuilder:object:root=true

// IntelligentSchedulerList is a list of IntelligentSchedulers.
type IntelligentSchedulerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []IntelligentScheduler `json:"items"`
}
