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
	"strings"
	"testing"
	"time"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
	"kurator.dev/kurator/internal/metricsprovider"
)

// byQuery answers each query with the values of the first key it contains.
type byQuery map[string][]float64

func (b byQuery) Query(_ context.Context, query string, _ time.Time) ([]metricsprovider.Sample, error) {
	for key, values := range b {
		if strings.Contains(query, key) {
			out := make([]metricsprovider.Sample, len(values))
			for i, v := range values {
				out[i].Value = v
			}
			return out, nil
		}
	}
	return nil, nil
}

func (byQuery) String() string { return "by query" }

// reconcile calls Step as a controller would, at each RequeueAt, until a
// verdict or the deadline, and returns every StepResult.
func reconcile(t *testing.T, a *Analysis, p metricsprovider.Provider, deadline time.Duration) []StepResult {
	t.Helper()
	ms := NewMeasurer()
	var results []v1alpha1.MetricResult
	var out []StepResult
	for now := t0; !now.After(t0.Add(deadline)); {
		r := a.Step(context.Background(), ms, p, results, t0, now)
		out = append(out, r)
		if r.Phase.Completed() {
			if !r.RequeueAt.IsZero() {
				t.Errorf("verdict %s with a requeue at %v", r.Phase, r.RequeueAt)
			}
			return out
		}
		if !r.RequeueAt.After(now) {
			t.Fatalf("at %v: requeue at %v, want later", now, r.RequeueAt)
		}
		results, now = r.Results, r.RequeueAt
	}
	return out
}

func last(steps []StepResult) StepResult { return steps[len(steps)-1] }

// TestStepFailsAfterFailureLimit: interval 5m, failureLimit 3; one good
// measurement then failures: the fourth failure, at 20m, fails the run.
func TestStepFailsAfterFailureLimit(t *testing.T) {
	a := prepare(t, `
metrics:
- name: success-rate
  interval: 5m
  successCondition: result[0] >= 0.95
  failureLimit: 3
  provider: {prometheus: {query: rate}}
`, nil)
	p := &fakeProvider{answers: [][]float64{{0.99}, {0.5}}}
	steps := reconcile(t, a, p, time.Hour)
	end := last(steps)
	if end.Phase != failed || len(steps) != 5 || len(p.queries) != 5 {
		t.Fatalf("run %s after %d steps and %d queries, want Failed after 5 of each", end.Phase, len(steps), len(p.queries))
	}
	if !p.times[4].Equal(t0.Add(20 * time.Minute)) {
		t.Errorf("last measurement at %v, want t0+20m", p.times[4])
	}
	if want := `metric "success-rate" assessed Failed: failed (4) > failureLimit (3)`; end.Message != want {
		t.Errorf("message %q, want %q", end.Message, want)
	}
	r := end.Results[0]
	if r.Phase != failed || r.Count != 5 || r.Successful != 1 || r.Failed != 4 || len(r.Measurements) != 5 || r.Measurements[0].Value != "[0.99]" {
		t.Errorf("result = %+v", r)
	}
	for i, s := range steps[:4] {
		if s.Phase != running || !s.RequeueAt.Equal(t0.Add(time.Duration(i+1)*5*time.Minute)) {
			t.Errorf("step %d: %s, requeue at %v; want Running, requeue one interval later", i, s.Phase, s.RequeueAt)
		}
	}
}

// TestStepErrorsOnMissingData: no data is an error, retried every 10s; the
// fifth in a row errors the run.
func TestStepErrorsOnMissingData(t *testing.T) {
	a := prepare(t, "metrics:\n- name: m\n  interval: 1m\n  successCondition: result[0] > 0\n  provider: {prometheus: {query: q}}\n", nil)
	p := &fakeProvider{answers: [][]float64{{}}}
	end := last(reconcile(t, a, p, time.Hour))
	if end.Phase != errored || len(p.queries) != 5 || !p.times[4].Equal(t0.Add(40*time.Second)) {
		t.Fatalf("run %s after %d queries (last at %v), want Error after 5, the last at t0+40s", end.Phase, len(p.queries), p.times[len(p.times)-1])
	}
	if !strings.Contains(end.Message, "consecutiveError (5) > consecutiveErrorLimit (4): no data") {
		t.Errorf("message %q, want the limit and the last error", end.Message)
	}
}

// TestStepStopsOtherMetrics: when one metric fails, the run fails at once
// and the others stop measuring.
func TestStepStopsOtherMetrics(t *testing.T) {
	a := prepare(t, `
metrics:
- name: latency
  interval: 1m
  successCondition: result[0] < 500
  provider: {prometheus: {query: latency}}
- name: errors
  interval: 1m
  count: 10
  failureCondition: result[0] > 0.05
  failureLimit: 1
  provider: {prometheus: {query: errors}}
`, nil)
	steps := reconcile(t, a, byQuery{"latency": {900}, "errors": {0.01}}, time.Hour)
	end := last(steps)
	if len(steps) != 1 || end.Phase != failed {
		t.Fatalf("run %s after %d steps, want Failed at the first", end.Phase, len(steps))
	}
	if r := end.Results[1]; r.Phase != successful || r.Message != "run stopped" || r.Count != 1 {
		t.Errorf("the other metric: %+v; want Successful, stopped after its measurement", r)
	}
}

func TestStepInconclusive(t *testing.T) {
	a := prepare(t, "metrics:\n- name: m\n  successCondition: result[0] >= 0.99\n  failureCondition: result[0] < 0.9\n  provider: {prometheus: {query: q}}\n", nil)
	end := last(reconcile(t, a, byQuery{"q": {0.95}}, time.Hour))
	if end.Phase != inconclusive || !strings.Contains(end.Message, "inconclusive (1) > inconclusiveLimit (0)") {
		t.Errorf("run %s %q, want Inconclusive", end.Phase, end.Message)
	}
}

// TestStepDoesNotModifyItsInput: the caller's status is only replaced by
// what Step returns.
func TestStepDoesNotModifyItsInput(t *testing.T) {
	a := prepare(t, "metrics:\n- name: m\n  interval: 1m\n  provider: {prometheus: {query: q}}\n", nil)
	ms := NewMeasurer()
	first := a.Step(context.Background(), ms, byQuery{"q": {1}}, nil, t0, t0)
	before := first.Results[0].DeepCopy()
	second := a.Step(context.Background(), ms, byQuery{"q": {1}}, first.Results, t0, t0.Add(time.Minute))
	if first.Results[0].Count != before.Count || len(first.Results[0].Measurements) != 1 {
		t.Errorf("input result changed to %+v", first.Results[0])
	}
	if second.Results[0].Count != 2 {
		t.Errorf("second step count = %d, want 2", second.Results[0].Count)
	}
}
