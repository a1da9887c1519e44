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
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// step is a finished measurement at t0+at.
type step struct {
	phase v1alpha1.AnalysisPhase
	at    time.Duration
}

// every returns phases measured one interval apart, from t0.
func every(interval time.Duration, phases ...v1alpha1.AnalysisPhase) []step {
	out := make([]step, len(phases))
	for i, p := range phases {
		out[i] = step{p, time.Duration(i) * interval}
	}
	return out
}

// history records the steps into a fresh result through Record.
func history(m *Metric, steps []step) *v1alpha1.MetricResult {
	if steps == nil {
		return nil
	}
	r := &v1alpha1.MetricResult{Name: "m", Phase: running}
	for _, s := range steps {
		at := metav1.NewTime(t0.Add(s.at))
		m.Record(r, v1alpha1.Measurement{Phase: s.phase, StartedAt: &at, FinishedAt: &at})
	}
	return r
}

// TestMetricStateMachine is the golden table of Metric.Next: what a
// metric needs given its limits, its history and the time.
func TestMetricStateMachine(t *testing.T) {
	once := Metric{Count: 1, ConsecutiveErrorLimit: 4}
	every5m := Metric{Interval: 5 * time.Minute, FailureLimit: 3, ConsecutiveErrorLimit: 4}
	forever := Metric{Interval: time.Minute, ConsecutiveErrorLimit: 4}
	three := Metric{Interval: time.Minute, Count: 3, ConsecutiveErrorLimit: 4}
	S, F, I, E := successful, failed, inconclusive, errored
	cases := []struct {
		name        string
		metric      Metric
		steps       []step
		now         time.Duration
		terminating bool
		want        Decision
	}{
		{"first measurement at once", once, nil, 0, false, Decision{Action: ActionMeasure, Phase: pending}},
		{"initialDelay not over", Metric{InitialDelay: 2 * time.Minute, Count: 1}, nil, time.Minute, false,
			Decision{Action: ActionWait, Until: t0.Add(2 * time.Minute), Phase: pending}},
		{"initialDelay over", Metric{InitialDelay: 2 * time.Minute, Count: 1}, nil, 2 * time.Minute, false,
			Decision{Action: ActionMeasure, Phase: pending}},
		{"initialDelay counts from the run's start, not the first look", Metric{InitialDelay: time.Minute, Count: 1}, []step{}, 3 * time.Minute, false,
			Decision{Action: ActionMeasure, Phase: pending}},
		{"no count, no interval: one success is enough", once, every(0, S), 0, false,
			Decision{Action: ActionDone, Phase: S, Message: "count (1) reached"}},
		{"no count, no interval: one failure fails", once, every(0, F), 0, false,
			Decision{Action: ActionDone, Phase: F, Message: "failed (1) > failureLimit (0)"}},
		{"no count, no interval: one inconclusive", once, every(0, I), 0, false,
			Decision{Action: ActionDone, Phase: I, Message: "inconclusive (1) > inconclusiveLimit (0)"}},
		{"error is retried after 10s", once, every(0, E), time.Second, false,
			Decision{Action: ActionWait, Until: t0.Add(10 * time.Second), Phase: running}},
		{"error retry is due", once, every(0, E), 10 * time.Second, false, Decision{Action: ActionMeasure, Phase: running}},
		{"four errors in a row are tolerated", once, every(10*time.Second, E, E, E, E), 35 * time.Second, false,
			Decision{Action: ActionWait, Until: t0.Add(40 * time.Second), Phase: running}},
		{"the fifth error in a row errors the metric", once, every(10*time.Second, E, E, E, E, E), time.Minute, false,
			Decision{Action: ActionDone, Phase: E, Message: "consecutiveError (5) > consecutiveErrorLimit (4)"}},
		{"a verdict resets consecutive errors", forever, every(time.Minute, E, E, E, E, S, E, E, E, E), 8*time.Minute + 5*time.Second, false,
			Decision{Action: ActionWait, Until: t0.Add(8*time.Minute + 10*time.Second), Phase: running}},
		{"consecutiveErrorLimit 0", Metric{Count: 1}, every(0, E), 0, false,
			Decision{Action: ActionDone, Phase: E, Message: "consecutiveError (1) > consecutiveErrorLimit (0)"}},
		{"interval: next measurement one interval after the last", every5m, every(5*time.Minute, S, F), 6 * time.Minute, false,
			Decision{Action: ActionWait, Until: t0.Add(10 * time.Minute), Phase: running}},
		{"interval: due exactly at the interval", every5m, every(5*time.Minute, S, F), 10 * time.Minute, false,
			Decision{Action: ActionMeasure, Phase: running}},
		{"interval: an error is retried before the interval", every5m, every(5*time.Minute, S, E), 5*time.Minute + time.Second, false,
			Decision{Action: ActionWait, Until: t0.Add(5*time.Minute + 10*time.Second), Phase: running}},
		{"failureLimit 3: three failures tolerated", every5m, every(5*time.Minute, S, F, F, F), 15 * time.Minute, false,
			Decision{Action: ActionWait, Until: t0.Add(20 * time.Minute), Phase: running}},
		{"failureLimit 3: the fourth failure fails", every5m, every(5*time.Minute, S, F, F, F, S, F), 25 * time.Minute, false,
			Decision{Action: ActionDone, Phase: F, Message: "failed (4) > failureLimit (3)"}},
		{"interval only: runs until stopped", forever, every(time.Minute, S, S, S, S, S, S, S, S, S, S, S, S), 11 * time.Minute, false,
			Decision{Action: ActionWait, Until: t0.Add(12 * time.Minute), Phase: running}},
		{"interval only: successful when the run stops", forever, every(time.Minute, S, S), 2 * time.Minute, true,
			Decision{Action: ActionDone, Phase: S, Message: "run stopped"}},
		{"no measurement when the run stops", once, nil, 0, true,
			Decision{Action: ActionDone, Phase: S, Message: "run stopped before the metric was measured"}},
		{"count 3 reached", three, every(time.Minute, S, S, S), 2 * time.Minute, false,
			Decision{Action: ActionDone, Phase: S, Message: "count (3) reached"}},
		{"count 3: errors do not count", three, every(time.Minute, S, E, S), 2 * time.Minute, false,
			Decision{Action: ActionWait, Until: t0.Add(3 * time.Minute), Phase: running}},
		{"count 3: failure under the limit", Metric{Interval: time.Minute, Count: 3, FailureLimit: 1, ConsecutiveErrorLimit: 4},
			every(time.Minute, S, F, S), 2 * time.Minute, false, Decision{Action: ActionDone, Phase: S, Message: "count (3) reached"}},
		{"count 3: failure fails before the count", three, every(time.Minute, S, F), time.Minute, false,
			Decision{Action: ActionDone, Phase: F, Message: "failed (1) > failureLimit (0)"}},
		{"consecutiveSuccessLimit reached", Metric{Interval: time.Minute, Count: 5, FailureLimit: -1, ConsecutiveSuccessLimit: 2, ConsecutiveErrorLimit: 4},
			every(time.Minute, F, F, S, S), 3 * time.Minute, false,
			Decision{Action: ActionDone, Phase: S, Message: "consecutiveSuccess (2) reached consecutiveSuccessLimit (2)"}},
		{"consecutiveSuccessLimit not reached, failures off: Failed", Metric{Interval: time.Minute, Count: 3, FailureLimit: -1, ConsecutiveSuccessLimit: 2, ConsecutiveErrorLimit: 4},
			every(time.Minute, S, F, S), 2 * time.Minute, false,
			Decision{Action: ActionDone, Phase: F, Message: "count (3) reached without 2 successes in a row"}},
		{"consecutiveSuccessLimit not reached, failureLimit kept: Inconclusive", Metric{Interval: time.Minute, Count: 3, FailureLimit: 1, ConsecutiveSuccessLimit: 2, ConsecutiveErrorLimit: 4},
			every(time.Minute, S, F, S), 2 * time.Minute, false,
			Decision{Action: ActionDone, Phase: I, Message: "count (3) reached without 2 successes in a row, and failureLimit (1) not exceeded"}},
		{"consecutiveSuccessLimit with no count runs until reached", Metric{Interval: time.Minute, FailureLimit: -1, ConsecutiveSuccessLimit: 3, ConsecutiveErrorLimit: 4},
			every(time.Minute, S, S, F, S, S), 4 * time.Minute, false,
			Decision{Action: ActionWait, Until: t0.Add(5 * time.Minute), Phase: running}},
		{"later checks override: inconclusive over failed", Metric{Interval: time.Minute, ConsecutiveErrorLimit: 4},
			every(time.Minute, F, I), time.Minute, false,
			Decision{Action: ActionDone, Phase: I, Message: "inconclusive (1) > inconclusiveLimit (0)"}},
		{"later checks override: error over failed", Metric{Interval: time.Minute},
			every(time.Minute, F, E), time.Minute, false,
			Decision{Action: ActionDone, Phase: E, Message: "consecutiveError (1) > consecutiveErrorLimit (0)"}},
		{"inconclusiveLimit 1 tolerates one", Metric{Interval: time.Minute, Count: 3, InconclusiveLimit: 1, ConsecutiveErrorLimit: 4},
			every(time.Minute, I, S), time.Minute, false, Decision{Action: ActionWait, Until: t0.Add(2 * time.Minute), Phase: running}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.metric
			got := m.Next(history(&m, tc.steps), t0, t0.Add(tc.now), tc.terminating)
			if got != tc.want {
				t.Errorf("Next =\n  %+v\nwant\n  %+v", got, tc.want)
			}
		})
	}
}

func TestNextKeepsAVerdict(t *testing.T) {
	m := Metric{Interval: time.Minute}
	r := &v1alpha1.MetricResult{Phase: failed, Message: "failed (1) > failureLimit (0)"}
	if got := m.Next(r, t0, t0, false); got.Action != ActionDone || got.Phase != failed || got.Message != r.Message {
		t.Errorf("Next = %+v, want Done Failed with the result's message", got)
	}
}

func TestNextResumesAnUnfinishedMeasurement(t *testing.T) {
	m := Metric{Interval: time.Minute}
	resume := metav1.NewTime(t0.Add(time.Minute))
	r := &v1alpha1.MetricResult{Phase: running, Measurements: []v1alpha1.Measurement{{Phase: running, ResumeAt: &resume}}}
	if got := m.Next(r, t0, t0, false); got.Action != ActionWait || !got.Until.Equal(resume.Time) || got.Phase != running {
		t.Errorf("before resumeAt: Next = %+v, want Wait until resumeAt", got)
	}
	if got := m.Next(r, t0, resume.Time, false); got.Action != ActionMeasure {
		t.Errorf("at resumeAt: Next = %+v, want Measure", got)
	}
}

func TestRecordCounters(t *testing.T) {
	m := Metric{}
	r := history(&m, every(time.Minute, successful, successful, failed, errored, errored, inconclusive, successful, errored))
	want := v1alpha1.MetricResult{Count: 5, Successful: 3, Failed: 1, Inconclusive: 1, Error: 3, ConsecutiveError: 1, ConsecutiveSuccess: 0}
	got := v1alpha1.MetricResult{Count: r.Count, Successful: r.Successful, Failed: r.Failed, Inconclusive: r.Inconclusive,
		Error: r.Error, ConsecutiveError: r.ConsecutiveError, ConsecutiveSuccess: r.ConsecutiveSuccess}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("counters = %+v, want %+v", got, want)
	}
	r = history(&m, every(time.Minute, errored, successful, successful))
	if r.ConsecutiveSuccess != 2 || r.ConsecutiveError != 0 {
		t.Errorf("consecutiveSuccess %d, consecutiveError %d; want 2 and 0", r.ConsecutiveSuccess, r.ConsecutiveError)
	}
}

func TestRecordRetention(t *testing.T) {
	phases := make([]v1alpha1.AnalysisPhase, 14)
	for i := range phases {
		phases[i] = successful
	}
	for _, tc := range []struct{ retention, want int }{{0, DefaultMeasurementRetention}, {10, 10}, {3, 3}, {20, 14}} {
		m := Metric{Retention: tc.retention}
		r := history(&m, every(time.Minute, phases...))
		if len(r.Measurements) != tc.want {
			t.Errorf("retention %d: kept %d measurements, want %d", tc.retention, len(r.Measurements), tc.want)
			continue
		}
		if last := r.Measurements[len(r.Measurements)-1].FinishedAt.Time; !last.Equal(t0.Add(13 * time.Minute)) {
			t.Errorf("retention %d: last kept measurement finished at %v, want the latest", tc.retention, last)
		}
		if r.Count != 14 {
			t.Errorf("retention %d: count = %d, want 14: trimming keeps the counters", tc.retention, r.Count)
		}
	}
}

// TestPhaseOrder is Argo's order, best to worst: Successful, Running,
// Pending, Inconclusive, Error, Failed.
func TestPhaseOrder(t *testing.T) {
	order := []v1alpha1.AnalysisPhase{successful, running, pending, inconclusive, errored, failed}
	for i, better := range order {
		for _, worse := range order[i+1:] {
			if !Worse(better, worse) || Worse(worse, better) {
				t.Errorf("want %s worse than %s", worse, better)
			}
		}
		if Worse(better, better) {
			t.Errorf("%s is worse than itself", better)
		}
	}
	if got := Worst(successful, inconclusive, errored, running); got != errored {
		t.Errorf("Worst = %s, want Error", got)
	}
	if got := Worst(errored, failed); got != failed {
		t.Errorf("Worst(Error, Failed) = %s, want Failed", got)
	}
	if got := Worst(); got != successful {
		t.Errorf("Worst() = %s, want Successful", got)
	}
}

// TestRunPhase: the worst finished metric decides; unfinished metrics keep
// the run Running unless a metric that counts stopped it; dry-run metrics
// never decide.
func TestRunPhase(t *testing.T) {
	a := &Analysis{Metrics: []Metric{{Spec: v1alpha1.Metric{Name: "a"}}, {Spec: v1alpha1.Metric{Name: "b"}}, {Spec: v1alpha1.Metric{Name: "dry"}, DryRun: true}}}
	result := func(name string, phase v1alpha1.AnalysisPhase) v1alpha1.MetricResult {
		return v1alpha1.MetricResult{Name: name, Phase: phase, Message: "because"}
	}
	cases := []struct {
		name    string
		results []v1alpha1.MetricResult
		want    v1alpha1.AnalysisPhase
		message string
	}{
		{"all successful", []v1alpha1.MetricResult{result("a", successful), result("b", successful), result("dry", successful)}, successful, ""},
		{"one running", []v1alpha1.MetricResult{result("a", successful), result("b", running), result("dry", successful)}, running, ""},
		{"one not started", []v1alpha1.MetricResult{result("a", successful), result("dry", successful)}, running, ""},
		{"nothing yet", nil, running, ""},
		{"failed stops the run", []v1alpha1.MetricResult{result("a", failed), result("b", running)}, failed, `metric "a" assessed Failed: because`},
		{"inconclusive stops the run", []v1alpha1.MetricResult{result("a", running), result("b", inconclusive)}, inconclusive, `metric "b" assessed Inconclusive: because`},
		{"failed is worse than error", []v1alpha1.MetricResult{result("a", errored), result("b", failed), result("dry", successful)}, failed, `metric "b"`},
		{"error is worse than inconclusive", []v1alpha1.MetricResult{result("a", inconclusive), result("b", errored), result("dry", successful)}, errored, `metric "b"`},
		{"dry run failure does not decide", []v1alpha1.MetricResult{result("a", successful), result("b", successful), result("dry", failed)}, successful, ""},
		{"dry run failure does not stop the run", []v1alpha1.MetricResult{result("a", running), result("b", successful), result("dry", errored)}, running, ""},
		{"dry run must still finish", []v1alpha1.MetricResult{result("a", successful), result("b", successful), result("dry", running)}, running, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, message := a.RunPhase(tc.results)
			if got != tc.want || !strings.Contains(message, tc.message) || (tc.message == "") != (message == "") {
				t.Errorf("RunPhase = %s %q, want %s %q", got, message, tc.want, tc.message)
			}
		})
	}
}
