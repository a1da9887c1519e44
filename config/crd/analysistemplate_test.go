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

package crd_test

import (
	"strconv"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	argoprojv1alpha1 "kurator.dev/kurator/api/argoproj/v1alpha1"
)

// analysisTemplate is an AnalysisTemplate with one valid metric, to which
// a case appends fields of that metric.
const analysisTemplate = `
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: t, namespace: ns}
spec:
  metrics:
  - name: m
    provider:
      prometheus: {query: up}
`

// TestInvalidAnalysisTemplatesAreRejected checks the OpenAPI and CEL rules
// of the argoproj.io kinds.
func TestInvalidAnalysisTemplatesAreRejected(t *testing.T) {
	cases := []rejection{
		{
			name: "no metrics",
			yaml: "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: t, namespace: ns}\nspec: {metrics: []}\n",
			want: []string{"spec.metrics", "should have at least 1 items"},
		},
		{
			name: "duplicate metric names",
			yaml: analysisTemplate + "  - name: m\n    provider: {prometheus: {query: up}}\n",
			want: []string{"spec.metrics[1]", "Duplicate value"},
		},
		{
			name: "metric without provider",
			yaml: "apiVersion: argoproj.io/v1alpha1\nkind: ClusterAnalysisTemplate\nmetadata: {name: t}\nspec:\n  metrics: [{name: m}]\n",
			want: []string{"spec.metrics[0].provider", "Required value"},
		},
		{
			name: "prometheus without query",
			yaml: "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: t, namespace: ns}\nspec:\n  metrics: [{name: m, provider: {prometheus: {address: 'http://p:9090'}}}]\n",
			want: []string{"spec.metrics[0].provider.prometheus.query", "Required value"},
		},
		{
			name: "count above 1 without interval",
			yaml: analysisTemplate + "    count: 3\n",
			want: []string{"spec.metrics[0]", "interval is required when count is more than 1"},
		},
		{
			name: "failureLimit below -1",
			yaml: analysisTemplate + "    failureLimit: -2\n",
			want: []string{"spec.metrics[0]", "failureLimit must be -1 (off) or more"},
		},
		{
			name: "failures off without consecutiveSuccessLimit",
			yaml: analysisTemplate + "    failureLimit: -1\n",
			want: []string{"spec.metrics[0]", "consecutiveSuccessLimit must be more than 0"},
		},
		{
			name: "negative consecutiveErrorLimit",
			yaml: analysisTemplate + "    consecutiveErrorLimit: -1\n",
			want: []string{"spec.metrics[0]", "consecutiveErrorLimit must be 0 or more"},
		},
		{
			name: "interval that is not a duration",
			yaml: analysisTemplate + "    interval: five minutes\n",
			want: []string{"spec.metrics[0].interval", "should match"},
		},
		{
			name: "arg with value and valueFrom",
			yaml: analysisTemplate + "  args: [{name: a, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]\n",
			want: []string{"spec.args[0]", "value and valueFrom are exclusive"},
		},
		{
			name: "retention above the status bound",
			yaml: analysisTemplate + "  measurementRetention: [{metricName: m, limit: 51}]\n",
			want: []string{"spec.measurementRetention[0].limit", "less than or equal to 50"},
		},
	}
	expectRejected(t, cases)
}

// TestAnalysisTemplateKeepsArgoFields checks that what Kurator does not
// run is still admitted and kept, so that Argo templates apply unchanged:
// other providers with their own fields, unknown provider kinds, args from
// arg values in limits and durations, and Prometheus options.
func TestAnalysisTemplateKeepsArgoFields(t *testing.T) {
	admitters := newAdmitters(t)
	obj := toUnstructured(t, []byte(`
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: t, namespace: ns}
spec:
  args:
  - name: api-key
    valueFrom: {secretKeyRef: {name: dd, key: api-key}}
  - name: count
    value: "3"
  metrics:
  - name: web
    interval: "{{args.interval}}"
    count: "{{args.count}}"
    failureLimit: "1"
    provider:
      web:
        url: "http://svc/{{args.api-key}}"
        jsonPath: "{$.data.ok}"
        headers: [{key: X-Token, value: abc}]
  - name: job
    provider:
      job:
        spec:
          template:
            spec:
              containers: [{name: c, image: busybox}]
              restartPolicy: Never
  - name: future
    provider:
      someNewProvider: {endpoint: x}
  - name: prom
    provider:
      prometheus:
        query: up
        insecure: true
        headers: [{key: X-Scope-OrgID, value: tenant}]
        authentication: {sigv4: {region: us-east-1}}
        rangeQuery: {start: "now() - duration('5m')", end: "now()", step: 1m}
  templates: [{templateName: other}]
`))
	a := admitters[argoprojv1alpha1.Kind("AnalysisTemplate")]
	pruned, errs := a.Admit(obj.Object)
	if len(errs) > 0 {
		t.Fatalf("rejected: %v", errs.ToAggregate())
	}
	if len(pruned) > 0 {
		t.Errorf("pruned %v, want nothing", pruned)
	}
	metrics, _, _ := unstructured.NestedSlice(obj.Object, "spec", "metrics")
	for path, want := range map[string]any{
		"0.provider.web.jsonPath":                           "{$.data.ok}",
		"1.provider.job.spec.template.spec.restartPolicy":   "Never",
		"2.provider.someNewProvider.endpoint":               "x",
		"3.provider.prometheus.authentication.sigv4.region": "us-east-1",
		"0.count": "{{args.count}}",
	} {
		if got := nested(metrics, path); got != want {
			t.Errorf("metrics.%s = %v, want %v", path, got, want)
		}
	}
}

// nested reads a dotted path whose first element indexes a list of objects.
func nested(list []any, path string) any {
	parts := strings.Split(path, ".")
	i, err := strconv.Atoi(parts[0])
	if err != nil || i >= len(list) {
		return nil
	}
	v, _, _ := unstructured.NestedFieldNoCopy(list[i].(map[string]any), parts[1:]...)
	return v
}
