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

// AnalysisPhase is the state of a measurement, a metric or a whole analysis.
// +kubebuilder:validation:Enum=Pending;Running;Successful;Failed;Error;Inconclusive
type AnalysisPhase string

// The phases of an analysis, as Argo Rollouts names them.
const (
	// AnalysisPhasePending: nothing measured yet.
	AnalysisPhasePending AnalysisPhase = "Pending"
	// AnalysisPhaseRunning: measuring, no verdict yet.
	AnalysisPhaseRunning AnalysisPhase = "Running"
	// AnalysisPhaseSuccessful: the checks passed.
	AnalysisPhaseSuccessful AnalysisPhase = "Successful"
	// AnalysisPhaseFailed: the checks failed; a rollout rolls back.
	AnalysisPhaseFailed AnalysisPhase = "Failed"
	// AnalysisPhaseError: the checks could not be made (query errors, no
	// data); a rollout rolls back.
	AnalysisPhaseError AnalysisPhase = "Error"
	// AnalysisPhaseInconclusive: neither passed nor failed; a rollout
	// pauses for a person to decide.
	AnalysisPhaseInconclusive AnalysisPhase = "Inconclusive"
)

// Completed reports whether the phase is a verdict.
func (p AnalysisPhase) Completed() bool {
	switch p {
	case AnalysisPhaseSuccessful, AnalysisPhaseFailed, AnalysisPhaseError, AnalysisPhaseInconclusive:
		return true
	}
	return false
}

// Measurement is one run of a metric's query and its verdict.
type Measurement struct {
	// phase is the measurement's verdict.
	// +required
	Phase AnalysisPhase `json:"phase"`
	// message explains an error or the verdict.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Message string `json:"message,omitempty"`
	// startedAt is when the measurement started.
	// +optional
	StartedAt *metav1.Time `json:"startedAt,omitempty"`
	// finishedAt is when the measurement finished.
	// +optional
	FinishedAt *metav1.Time `json:"finishedAt,omitempty"`
	// value is the query's result as Argo prints it, e.g. [0.99] for a
	// one-sample vector.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Value string `json:"value,omitempty"`
	// resumeAt is when an unfinished measurement is to be resumed. Kurator
	// measures synchronously and leaves it empty.
	// +optional
	ResumeAt *metav1.Time `json:"resumeAt,omitempty"`
}

// MetricResult is a metric's measurements so far and its phase.
type MetricResult struct {
	// name of the metric.
	// +required
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
	// phase of the metric.
	// +required
	Phase AnalysisPhase `json:"phase"`
	// measurements are the latest measurements, oldest first (by default
	// the last 10; see measurementRetention).
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=50
	Measurements []Measurement `json:"measurements,omitempty"`
	// message explains the phase.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Message string `json:"message,omitempty"`
	// count is how many measurements had a verdict (errors excluded).
	// +optional
	Count int32 `json:"count,omitempty"`
	// successful is how many measurements succeeded.
	// +optional
	Successful int32 `json:"successful,omitempty"`
	// failed is how many measurements failed.
	// +optional
	Failed int32 `json:"failed,omitempty"`
	// inconclusive is how many measurements were inconclusive.
	// +optional
	Inconclusive int32 `json:"inconclusive,omitempty"`
	// error is how many measurements errored.
	// +optional
	Error int32 `json:"error,omitempty"`
	// consecutiveError is how many of the latest measurements errored in a row.
	// +optional
	ConsecutiveError int32 `json:"consecutiveError,omitempty"`
	// consecutiveSuccess is how many of the latest measurements succeeded in a row.
	// +optional
	ConsecutiveSuccess int32 `json:"consecutiveSuccess,omitempty"`
	// dryRun is true when the metric's verdict does not count.
	// +optional
	DryRun bool `json:"dryRun,omitempty"`
}
