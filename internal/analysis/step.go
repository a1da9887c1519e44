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
	"context"
	"time"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
	"kurator.dev/kurator/internal/metricsprovider"
)

// StepResult is the outcome of one Step.
type StepResult struct {
	// Results has one entry per metric, in the template's order.
	Results []v1alpha1.MetricResult
	// Phase of the run, and Message when a metric decided a bad verdict.
	Phase   v1alpha1.AnalysisPhase
	Message string
	// RequeueAt is when Step has something to do next; zero once the
	// phase is a verdict.
	RequeueAt time.Time
}

// Step advances a run by one reconcile at now: every metric due is
// measured (once, in order), its result recorded and its phase assessed,
// and the run's phase computed. results are the run's results so far (the
// caller's status; not modified); startedAt is when the run started.
func (a *Analysis) Step(ctx context.Context, ms *Measurer, provider metricsprovider.Provider, results []v1alpha1.MetricResult, startedAt, now time.Time) StepResult {
	out := StepResult{Results: make([]v1alpha1.MetricResult, len(a.Metrics))}
	for i := range a.Metrics {
		if r := findResult(results, a.Metrics[i].Spec.Name); r != nil {
			r.DeepCopyInto(&out.Results[i])
		} else {
			out.Results[i] = v1alpha1.MetricResult{Name: a.Metrics[i].Spec.Name, Phase: v1alpha1.AnalysisPhasePending}
		}
		out.Results[i].DryRun = a.Metrics[i].DryRun
	}
	terminating := a.Terminating(out.Results)
	for i := range a.Metrics {
		m, r := &a.Metrics[i], &out.Results[i]
		if m.Next(r, startedAt, now, terminating).Action == ActionMeasure {
			m.Record(r, ms.Measure(ctx, provider, m, now))
		}
	}
	// A metric that ended Failed, Error or Inconclusive just now stops the
	// others at once, rather than at the next reconcile as in Argo.
	for _, stopping := range []bool{false, true} {
		if stopping && !a.Terminating(out.Results) {
			break
		}
		for i := range a.Metrics {
			if r := &out.Results[i]; !r.Phase.Completed() {
				r.Phase, r.Message = a.Metrics[i].Assess(r, stopping)
			}
		}
	}
	out.Phase, out.Message = a.RunPhase(out.Results)
	if out.Phase.Completed() {
		return out
	}
	for i := range a.Metrics {
		d := a.Metrics[i].Next(&out.Results[i], startedAt, now, false)
		switch d.Action {
		case ActionDone:
			continue
		case ActionMeasure:
			d.Until = now // due again at once: only after an unfinished measurement
		}
		if out.RequeueAt.IsZero() || d.Until.Before(out.RequeueAt) {
			out.RequeueAt = d.Until
		}
	}
	return out
}
