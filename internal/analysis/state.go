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

package analysis

import (
	"fmt"
	"time"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
)

// Action is what a metric needs next.
type Action string

const (
	// ActionMeasure: take a measurement now.
	ActionMeasure Action = "Measure"
	// ActionWait: nothing to do until Decision.Until.
	ActionWait Action = "Wait"
	// ActionDone: the metric has its verdict, Decision.Phase.
	ActionDone Action = "Done"
)

// Decision is what a metric needs next and its phase now.
type Decision struct {
	Action Action
	// Until is when to measure next, for ActionWait.
	Until time.Time
	// Phase of the metric: Pending or Running until it is done, then its
	// verdict.
	Phase v1alpha1.AnalysisPhase
	// Message explains a verdict, e.g. "failed (4) > failureLimit (3)".
	Message string
}

// Next decides what a metric needs at now, given its result so far (nil
// before the first measurement) and when the run started (initialDelay
// counts from it). terminating is true once the run is stopping (see
// Terminating): no new measurement is started and an unfinished metric
// ends Successful, as in Argo.
func (m *Metric) Next(result *v1alpha1.MetricResult, startedAt, now time.Time, terminating bool) Decision {
	if result != nil && result.Phase.Completed() {
		return Decision{Action: ActionDone, Phase: result.Phase, Message: result.Message}
	}
	phase, message := m.Assess(result, terminating)
	if phase.Completed() {
		return Decision{Action: ActionDone, Phase: phase, Message: message}
	}
	if result == nil || len(result.Measurements) == 0 {
		if start := startedAt.Add(m.InitialDelay); now.Before(start) {
			return Decision{Action: ActionWait, Until: start, Phase: phase}
		}
		return Decision{Action: ActionMeasure, Phase: phase}
	}
	last := result.Measurements[len(result.Measurements)-1]
	if last.FinishedAt == nil {
		// An unfinished measurement (never written by Kurator): take it again.
		if last.ResumeAt != nil && now.Before(last.ResumeAt.Time) {
			return Decision{Action: ActionWait, Until: last.ResumeAt.Time, Phase: phase}
		}
		return Decision{Action: ActionMeasure, Phase: phase}
	}
	interval := m.Interval
	if last.Phase == v1alpha1.AnalysisPhaseError || interval == 0 {
		interval = ErrorRetryInterval
	}
	if next := last.FinishedAt.Add(interval); now.Before(next) {
		return Decision{Action: ActionWait, Until: next, Phase: phase}
	}
	return Decision{Action: ActionMeasure, Phase: phase}
}

// Assess is the metric's phase given its result so far. The limits are
// checked in Argo's order, a later one overriding an earlier one: Failed
// if failed > failureLimit (unless -1), Inconclusive if inconclusive >
// inconclusiveLimit, Error if consecutiveError > consecutiveErrorLimit.
// Then Successful once consecutiveSuccessLimit successes in a row are
// reached; once count is reached, Successful, or, with a
// consecutiveSuccessLimit not reached, Inconclusive (Failed when
// failureLimit is -1). Otherwise Pending before the first measurement and
// Running after; both become Successful when terminating.
func (m *Metric) Assess(result *v1alpha1.MetricResult, terminating bool) (v1alpha1.AnalysisPhase, string) {
	if result == nil || len(result.Measurements) == 0 {
		if terminating {
			return v1alpha1.AnalysisPhaseSuccessful, "run stopped before the metric was measured"
		}
		return v1alpha1.AnalysisPhasePending, ""
	}
	if n := len(result.Measurements); n > 0 && !result.Measurements[n-1].Phase.Completed() {
		return v1alpha1.AnalysisPhaseRunning, ""
	}
	var phase v1alpha1.AnalysisPhase
	var message string
	if m.FailureLimit >= 0 && result.Failed > m.FailureLimit {
		phase, message = v1alpha1.AnalysisPhaseFailed, fmt.Sprintf("failed (%d) > failureLimit (%d)", result.Failed, m.FailureLimit)
	}
	if result.Inconclusive > m.InconclusiveLimit {
		phase, message = v1alpha1.AnalysisPhaseInconclusive, fmt.Sprintf("inconclusive (%d) > inconclusiveLimit (%d)", result.Inconclusive, m.InconclusiveLimit)
	}
	if result.ConsecutiveError > m.ConsecutiveErrorLimit {
		phase, message = v1alpha1.AnalysisPhaseError, fmt.Sprintf("consecutiveError (%d) > consecutiveErrorLimit (%d)", result.ConsecutiveError, m.ConsecutiveErrorLimit)
		if last := result.Measurements[len(result.Measurements)-1]; last.Message != "" {
			message = truncate(message + ": " + last.Message)
		}
	}
	if phase != "" {
		return phase, message
	}
	if m.ConsecutiveSuccessLimit > 0 && result.ConsecutiveSuccess >= m.ConsecutiveSuccessLimit {
		return v1alpha1.AnalysisPhaseSuccessful, fmt.Sprintf("consecutiveSuccess (%d) reached consecutiveSuccessLimit (%d)", result.ConsecutiveSuccess, m.ConsecutiveSuccessLimit)
	}
	if m.Count > 0 && result.Count >= m.Count {
		switch {
		case m.ConsecutiveSuccessLimit > 0 && m.FailureLimit >= 0:
			return v1alpha1.AnalysisPhaseInconclusive, fmt.Sprintf("count (%d) reached without %d successes in a row, and failureLimit (%d) not exceeded", m.Count, m.ConsecutiveSuccessLimit, m.FailureLimit)
		case m.ConsecutiveSuccessLimit > 0:
			return v1alpha1.AnalysisPhaseFailed, fmt.Sprintf("count (%d) reached without %d successes in a row", m.Count, m.ConsecutiveSuccessLimit)
		}
		return v1alpha1.AnalysisPhaseSuccessful, fmt.Sprintf("count (%d) reached", m.Count)
	}
	if terminating {
		return v1alpha1.AnalysisPhaseSuccessful, "run stopped"
	}
	return v1alpha1.AnalysisPhaseRunning, ""
}

// Record adds a finished measurement to the result, updates its counters
// as Argo does (an error counts toward consecutiveError but not count) and
// keeps only the last Retention measurements.
func (m *Metric) Record(result *v1alpha1.MetricResult, measurement v1alpha1.Measurement) {
	switch measurement.Phase {
	case v1alpha1.AnalysisPhaseSuccessful:
		result.Successful++
		result.Count++
		result.ConsecutiveError = 0
		result.ConsecutiveSuccess++
	case v1alpha1.AnalysisPhaseFailed:
		result.Failed++
		result.Count++
		result.ConsecutiveError = 0
		result.ConsecutiveSuccess = 0
	case v1alpha1.AnalysisPhaseInconclusive:
		result.Inconclusive++
		result.Count++
		result.ConsecutiveError = 0
		result.ConsecutiveSuccess = 0
	case v1alpha1.AnalysisPhaseError:
		result.Error++
		result.ConsecutiveError++
		result.ConsecutiveSuccess = 0
	}
	result.Measurements = append(result.Measurements, measurement)
	keep := m.Retention
	if keep <= 0 {
		keep = DefaultMeasurementRetention
	}
	if extra := len(result.Measurements) - keep; extra > 0 {
		result.Measurements = append([]v1alpha1.Measurement(nil), result.Measurements[extra:]...)
	}
}

// phaseRank is Argo's order of phases from best to worst (IsWorse in its
// analysis utilities): Successful < Running < Pending < Inconclusive <
// Error < Failed.
var phaseRank = map[v1alpha1.AnalysisPhase]int{
	v1alpha1.AnalysisPhaseSuccessful:   0,
	v1alpha1.AnalysisPhaseRunning:      1,
	v1alpha1.AnalysisPhasePending:      2,
	v1alpha1.AnalysisPhaseInconclusive: 3,
	v1alpha1.AnalysisPhaseError:        4,
	v1alpha1.AnalysisPhaseFailed:       5,
}

// Worse reports whether candidate is a worse phase than current, in
// Argo's order: Failed > Error > Inconclusive > Pending > Running >
// Successful. An unknown phase ranks as Successful.
func Worse(current, candidate v1alpha1.AnalysisPhase) bool {
	return phaseRank[candidate] > phaseRank[current]
}

// Worst returns the worst of the phases (Successful for none).
func Worst(phases ...v1alpha1.AnalysisPhase) v1alpha1.AnalysisPhase {
	worst := v1alpha1.AnalysisPhaseSuccessful
	for _, p := range phases {
		if Worse(worst, p) {
			worst = p
		}
	}
	return worst
}

// Terminating reports whether the run is stopping because a metric that
// counts (not dry-run) ended Failed, Error or Inconclusive: Argo then stops
// measuring the other metrics.
func (a *Analysis) Terminating(results []v1alpha1.MetricResult) bool {
	for _, m := range a.Metrics {
		if m.DryRun {
			continue
		}
		if r := findResult(results, m.Spec.Name); r != nil {
			switch r.Phase {
			case v1alpha1.AnalysisPhaseFailed, v1alpha1.AnalysisPhaseError, v1alpha1.AnalysisPhaseInconclusive:
				return true
			}
		}
	}
	return false
}

// RunPhase is the phase of a run from its metrics' results, as Argo
// assesses it: while any metric is unfinished the run is Running, unless
// it is terminating; then (or once all are finished) it takes the worst
// phase of its finished metrics. Dry-run metrics count as Successful. The
// message names the metric that decided a bad verdict.
func (a *Analysis) RunPhase(results []v1alpha1.MetricResult) (v1alpha1.AnalysisPhase, string) {
	terminating := a.Terminating(results)
	var worst v1alpha1.AnalysisPhase
	var message string
	unfinished := false
	for _, m := range a.Metrics {
		r := findResult(results, m.Spec.Name)
		if r == nil || !r.Phase.Completed() {
			unfinished = true
			continue
		}
		phase := r.Phase
		if m.DryRun {
			phase = v1alpha1.AnalysisPhaseSuccessful
		}
		if worst == "" || Worse(worst, phase) {
			worst = phase
			message = ""
			if phase != v1alpha1.AnalysisPhaseSuccessful {
				message = fmt.Sprintf("metric %q assessed %s: %s", m.Spec.Name, phase, r.Message)
			}
		}
	}
	if worst == "" || unfinished && !terminating {
		return v1alpha1.AnalysisPhaseRunning, ""
	}
	return worst, message
}

func findResult(results []v1alpha1.MetricResult, name string) *v1alpha1.MetricResult {
	for i := range results {
		if results[i].Name == name {
			return &results[i]
		}
	}
	return nil
}
