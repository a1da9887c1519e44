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
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
)

// spec decodes a template spec written in YAML, strictly.
func spec(t *testing.T, text string) v1alpha1.AnalysisTemplateSpec {
	t.Helper()
	var s v1alpha1.AnalysisTemplateSpec
	if err := yaml.UnmarshalStrict([]byte(text), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func prepare(t *testing.T, text string, args map[string]string) *Analysis {
	t.Helper()
	a, err := Prepare(spec(t, text), args, NewEvaluator())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestPrepareParsesAndDefaults(t *testing.T) {
	a := prepare(t, `
args:
- name: count
  value: "4"
metrics:
- name: once
  provider: {prometheus: {query: up}}
- name: forever
  interval: 30s
  provider: {prometheus: {query: up}}
- name: counted
  interval: 1m
  initialDelay: 2m
  count: "{{args.count}}"
  failureLimit: "-1"
  inconclusiveLimit: 1
  consecutiveErrorLimit: 2
  consecutiveSuccessLimit: 3
  provider: {prometheus: {query: up}}
dryRun: [{metricName: "^forever$"}]
measurementRetention: [{metricName: "count", limit: 3}]
`, nil)
	want := []Metric{
		{Count: 1, FailureLimit: 0, ConsecutiveErrorLimit: 4, Retention: 10},
		{Interval: 30 * time.Second, ConsecutiveErrorLimit: 4, DryRun: true, Retention: 10},
		{Interval: time.Minute, InitialDelay: 2 * time.Minute, Count: 4, FailureLimit: -1, InconclusiveLimit: 1,
			ConsecutiveErrorLimit: 2, ConsecutiveSuccessLimit: 3, Retention: 3},
	}
	if len(a.Metrics) != len(want) {
		t.Fatalf("got %d metrics, want %d", len(a.Metrics), len(want))
	}
	for i, w := range want {
		got := a.Metrics[i]
		got.Spec = v1alpha1.Metric{}
		if got != w {
			t.Errorf("metric %d = %+v, want %+v", i, got, w)
		}
	}
}

func TestPrepareSubstitutesArgsEverywhere(t *testing.T) {
	a := prepare(t, `
args:
- name: service
- name: address
  value: http://prometheus:9090
- name: min
  value: "0.95"
metrics:
- name: m
  successCondition: result[0] >= {{args.min}}
  provider:
    prometheus:
      address: "{{args.address}}"
      query: 'rate(x{svc="{{args.service}}"}[1m])'
`, map[string]string{"service": `a"b\c`})
	m := a.Metrics[0].Spec
	if got, want := m.Provider.Prometheus.Query, `rate(x{svc="a"b\c"}[1m])`; got != want {
		t.Errorf("query = %q, want %q (values land verbatim, whatever JSON needs escaped)", got, want)
	}
	if m.Provider.Prometheus.Address != "http://prometheus:9090" || m.SuccessCondition != "result[0] >= 0.95" {
		t.Errorf("address %q, successCondition %q: args not substituted", m.Provider.Prometheus.Address, m.SuccessCondition)
	}
}

// TestPrepareRefuses checks that what Kurator cannot run is refused with an
// error naming the metric and the reason.
func TestPrepareRefuses(t *testing.T) {
	const prom = "  provider: {prometheus: {query: up}}\n"
	cases := []struct {
		name, spec string
		args       map[string]string
		want       []string
	}{
		{"web provider", "metrics:\n- name: m\n  provider: {web: {url: 'http://x'}}\n", nil,
			[]string{`metric "m": provider web is not supported by Kurator; use prometheus`}},
		{"job provider", "metrics:\n- name: m\n  provider: {job: {spec: {}}}\n", nil,
			[]string{"provider job is not supported by Kurator; use prometheus"}},
		{"web provider with its own braces", "metrics:\n- name: m\n  provider: {web: {url: 'http://x/{{args.undeclared}}'}}\n", nil,
			[]string{"provider web is not supported by Kurator; use prometheus"}},
		{"datadog provider", "metrics:\n- name: m\n  provider: {datadog: {query: x}}\n", nil,
			[]string{"provider datadog is not supported by Kurator; use prometheus"}},
		{"no provider", "metrics:\n- name: m\n  provider: {}\n", nil, []string{`metric "m": no provider`}},
		{"two providers", "metrics:\n- name: m\n  provider: {prometheus: {query: up}, kayenta: {}}\n", nil,
			[]string{"more than one provider (prometheus and kayenta)"}},
		{"prometheus options", "metrics:\n- name: m\n  provider:\n    prometheus:\n      query: up\n      insecure: true\n      headers: [{key: a, value: b}]\n      authentication: {basicAuth: {username: u}}\n      rangeQuery: {step: 1m}\n", nil,
			[]string{"prometheus.insecure is not supported", "prometheus.headers is not supported", "prometheus.authentication is not supported", "prometheus.rangeQuery is not supported"}},
		{"bad address", "metrics:\n- name: m\n  provider: {prometheus: {query: up, address: 'prometheus:9090'}}\n", nil,
			[]string{`prometheus.address "prometheus:9090": want http[s]://host:port`}},
		{"nested templates", "metrics:\n- name: m\n" + prom + "templates: [{templateName: other}]\n", nil,
			[]string{"spec.templates (nested templates) is not supported by Kurator"}},
		{"condition that does not compile", "metrics:\n- name: rate\n  successCondition: 'result[0] >='\n" + prom, nil,
			[]string{`metric "rate": successCondition "result[0] >=" does not compile`}},
		{"failure condition that is not boolean", "metrics:\n- name: rate\n  failureCondition: 'result[0]'\n" + prom, nil,
			[]string{`metric "rate": failureCondition "result[0]" does not compile`, "expected bool"}},
		{"missing arg", "args: [{name: svc}]\nmetrics:\n- name: m\n" + prom, nil, []string{"args.svc has no value"}},
		{"unknown arg in query", "metrics:\n- name: m\n  provider: {prometheus: {query: 'up{a=\"{{args.nope}}\"}'}}\n", nil,
			[]string{`metric "m": cannot resolve {{args.nope}}: no such arg`}},
		{"count not an integer", "metrics:\n- name: m\n  count: '{{args.n}}'\n" + prom, map[string]string{"n": "three"},
			[]string{`metric "m": count "three" is not an integer`}},
		{"interval not a duration", "metrics:\n- name: m\n  interval: '{{args.i}}'\n" + prom, map[string]string{"i": "5 minutes"},
			[]string{`interval "5 minutes" is not a duration`}},
		{"interval too short", "metrics:\n- name: m\n  interval: 100ms\n" + prom, nil,
			[]string{"interval 100ms is shorter than 1s"}},
		{"count above 1 without interval", "metrics:\n- name: m\n  count: 3\n" + prom, nil,
			[]string{"interval is required when count is more than 1"}},
		{"count below the limits", "metrics:\n- name: m\n  interval: 1m\n  count: 2\n  failureLimit: 2\n  consecutiveSuccessLimit: 1\n" + prom, nil,
			[]string{"count (2) must be at least failureLimit + consecutiveSuccessLimit (2 + 1)"}},
		{"count below consecutiveSuccessLimit", "metrics:\n- name: m\n  interval: 1m\n  count: 2\n  failureLimit: -1\n  consecutiveSuccessLimit: 3\n" + prom, nil,
			[]string{"count (2) must be at least consecutiveSuccessLimit (3)"}},
		{"count below inconclusiveLimit", "metrics:\n- name: m\n  interval: 1m\n  count: 2\n  inconclusiveLimit: 3\n" + prom, nil,
			[]string{"count (2) must be at least inconclusiveLimit (3)"}},
		{"failures and successes both off", "metrics:\n- name: m\n  failureLimit: '{{args.f}}'\n" + prom, map[string]string{"f": "-1"},
			[]string{"failureLimit -1 turns failures off"}},
		{"failureLimit below -1", "metrics:\n- name: m\n  failureLimit: '-3'\n" + prom, nil,
			[]string{"failureLimit must be -1 (off) or more"}},
		{"dryRun matching nothing", "metrics:\n- name: m\n" + prom + "dryRun: [{metricName: latency}]\n", nil,
			[]string{`dryRun[0]: metricName "latency" matches no metric`}},
		{"retention with a bad expression", "metrics:\n- name: m\n" + prom + "measurementRetention: [{metricName: '(', limit: 2}]\n", nil,
			[]string{`measurementRetention[0]: metricName "("`}},
		{"duplicate names", "metrics:\n- name: m\n" + prom + "- name: m\n" + prom, nil, []string{`metric "m": duplicate name`}},
		{"no metrics", "metrics: []\n", nil, []string{"the template has no metrics"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Prepare(spec(t, tc.spec), tc.args, NewEvaluator())
			if err == nil {
				t.Fatalf("prepared, want an error containing %q", tc.want)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

// TestEmptyAuthenticationIsNotRefused: Argo writes an unset authentication
// as empty objects.
func TestEmptyAuthenticationIsNotRefused(t *testing.T) {
	prepare(t, "metrics:\n- name: m\n  provider:\n    prometheus:\n      query: up\n      authentication: {sigv4: {}, oauth2: {scopes: []}, basicAuth: {username: ''}}\n", nil)
}
