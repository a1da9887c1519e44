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
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
	"kurator.dev/kurator/internal/metricsprovider"
)

// fakeProvider answers queries with values given per call, and records the
// queries, their times and whether they had a deadline.
type fakeProvider struct {
	name string

	mu        sync.Mutex
	answers   [][]float64 // answer i is for call i; the last one repeats
	err       error
	queries   []string
	times     []time.Time
	deadlines []time.Duration // remaining time at each call; 0 when none
}

func (f *fakeProvider) Query(ctx context.Context, query string, at time.Time) ([]metricsprovider.Sample, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	call := len(f.queries)
	f.queries = append(f.queries, query)
	f.times = append(f.times, at)
	var left time.Duration
	if d, ok := ctx.Deadline(); ok {
		left = time.Until(d)
	}
	f.deadlines = append(f.deadlines, left)
	if f.err != nil {
		return nil, f.err
	}
	values := f.answers[min(call, len(f.answers)-1)]
	out := make([]metricsprovider.Sample, len(values))
	for i, v := range values {
		out[i] = metricsprovider.Sample{Labels: map[string]string{"cluster": "c"}, Value: v}
	}
	return out, nil
}

func (f *fakeProvider) String() string { return "fake " + f.name }

func TestMeasure(t *testing.T) {
	a := prepare(t, `
args: [{name: svc}]
metrics:
- name: rate
  successCondition: result[0] >= 0.95
  provider:
    prometheus: {query: 'rate(x{svc="{{args.svc}}"}[5m])', timeout: 2}
`, map[string]string{"svc": "reviews"})
	m := &a.Metrics[0]
	cases := []struct {
		name      string
		provider  *fakeProvider
		phase     v1alpha1.AnalysisPhase
		value     string
		inMessage string
	}{
		{"passes", &fakeProvider{answers: [][]float64{{0.99}}}, successful, "[0.99]", ""},
		{"fails", &fakeProvider{answers: [][]float64{{0.5}}}, failed, "[0.5]", ""},
		{"several samples", &fakeProvider{answers: [][]float64{{0.96, 0.25, 1}}}, successful, "[0.96,0.25,1]", ""},
		{"no data", &fakeProvider{answers: [][]float64{{}}}, errored, "[]", "no data"},
		{"query error", &fakeProvider{err: errors.New("prometheus at http://p:9090: connection refused")}, errored, "", "connection refused"},
	}
	ms := NewMeasurer()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ms.Measure(context.Background(), tc.provider, m, t0)
			if got.Phase != tc.phase || got.Value != tc.value || !strings.Contains(got.Message, tc.inMessage) {
				t.Errorf("Measure = %s value %q message %q; want %s value %q message containing %q",
					got.Phase, got.Value, got.Message, tc.phase, tc.value, tc.inMessage)
			}
			if got.StartedAt == nil || got.FinishedAt == nil || !got.StartedAt.Time.Equal(t0) || !got.FinishedAt.Time.Equal(t0) {
				t.Errorf("startedAt %v finishedAt %v, want both at now", got.StartedAt, got.FinishedAt)
			}
			if q := tc.provider.queries; len(q) != 1 || q[0] != `rate(x{svc="reviews"}[5m])` || !tc.provider.times[0].Equal(t0) {
				t.Errorf("queries %q at %v, want the substituted query once at now", q, tc.provider.times)
			}
			if left := tc.provider.deadlines[0]; left <= 0 || left > 2*time.Second {
				t.Errorf("query had %v left, want the metric's 2s timeout", left)
			}
		})
	}
}

func TestMeasureWithoutProvider(t *testing.T) {
	m := &prepare(t, "metrics:\n- name: m\n  provider: {prometheus: {query: up}}\n", nil).Metrics[0]
	got := NewMeasurer().Measure(context.Background(), nil, m, t0)
	if got.Phase != errored || !strings.Contains(got.Message, "no metrics provider is configured") {
		t.Errorf("Measure = %s %q, want Error saying no provider is configured", got.Phase, got.Message)
	}
}

// TestMeasureUsesTheMetricsAddress: a metric naming a Prometheus address
// is measured there, through one provider per address.
func TestMeasureUsesTheMetricsAddress(t *testing.T) {
	a := prepare(t, `
metrics:
- name: a
  provider: {prometheus: {address: 'http://prom-a:9090', query: up}}
- name: b
  provider: {prometheus: {address: 'http://prom-b:9090', query: up}}
- name: default
  provider: {prometheus: {query: up}}
`, nil)
	built := map[string]*fakeProvider{}
	ms := NewMeasurer()
	ms.NewProvider = func(address string) (metricsprovider.Provider, error) {
		if address == "http://prom-b:9090" {
			return nil, errors.New(`prometheus address "http://prom-b:9090": unreachable`)
		}
		p := &fakeProvider{name: address, answers: [][]float64{{1}}}
		built[address] = p
		return p, nil
	}
	fallback := &fakeProvider{name: "default", answers: [][]float64{{1}}}
	for range 3 {
		for i := range a.Metrics {
			ms.Measure(context.Background(), fallback, &a.Metrics[i], t0)
		}
	}
	if p := built["http://prom-a:9090"]; p == nil || len(p.queries) != 3 {
		t.Errorf("prom-a provider = %+v, want one provider measured 3 times", p)
	}
	if len(fallback.queries) != 3 {
		t.Errorf("default provider measured %d times, want 3 (only the metric without an address)", len(fallback.queries))
	}
	got := ms.Measure(context.Background(), fallback, &a.Metrics[1], t0)
	if got.Phase != errored || !strings.Contains(got.Message, "unreachable") {
		t.Errorf("measurement through a provider that cannot be built = %s %q, want Error saying why", got.Phase, got.Message)
	}
	if _, err := NewMeasurer().NewProvider("http://localhost:9090"); err != nil {
		t.Errorf("default NewProvider: %v", err)
	}
}

func TestMeasurementTextIsBounded(t *testing.T) {
	m := &prepare(t, "metrics:\n- name: m\n  provider: {prometheus: {query: up}}\n", nil).Metrics[0]
	long := &fakeProvider{err: errors.New(strings.Repeat("é", 2000))}
	got := NewMeasurer().Measure(context.Background(), long, m, t0)
	if len(got.Message) > maxStatusText || !strings.HasSuffix(got.Message, "...") || !utf8Valid(got.Message) {
		t.Errorf("message of %d bytes, want at most %d, cut on a character with ...", len(got.Message), maxStatusText)
	}
	values := make([]float64, 500)
	got = NewMeasurer().Measure(context.Background(), &fakeProvider{answers: [][]float64{values}}, m, t0)
	if len(got.Value) > maxStatusText {
		t.Errorf("value of %d bytes, want at most %d", len(got.Value), maxStatusText)
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "?") == s }

func TestZeroMeasurerWorks(t *testing.T) {
	m := &prepare(t, "metrics:\n- name: m\n  successCondition: result[0] > 0\n  provider: {prometheus: {query: up, address: 'http://127.0.0.1:1'}}\n", nil).Metrics[0]
	var ms Measurer
	got := ms.Measure(context.Background(), nil, m, t0)
	if got.Phase != errored || !strings.Contains(got.Message, "prometheus at http://127.0.0.1:1") {
		t.Errorf("Measure = %s %q, want an Error from the address's Prometheus", got.Phase, got.Message)
	}
}
