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
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
)

const exampleFile = "../../examples/rollout/analysis-templates.yaml"

// readExample strictly decodes the example's two templates: an Argo user's
// AnalysisTemplate as Argo documents it, and Kurator's multi-cluster one.
func readExample(t *testing.T) (*v1alpha1.AnalysisTemplate, *v1alpha1.ClusterAnalysisTemplate) {
	t.Helper()
	data, err := os.ReadFile(exampleFile)
	if err != nil {
		t.Fatal(err)
	}
	docs := bytes.Split(data, []byte("\n---\n"))
	if len(docs) != 2 {
		t.Fatalf("%s has %d documents, want 2", exampleFile, len(docs))
	}
	argo := &v1alpha1.AnalysisTemplate{}
	if err := yaml.UnmarshalStrict(docs[0], argo); err != nil {
		t.Fatalf("strict decoding of the AnalysisTemplate: %v", err)
	}
	kurator := &v1alpha1.ClusterAnalysisTemplate{}
	if err := yaml.UnmarshalStrict(docs[1], kurator); err != nil {
		t.Fatalf("strict decoding of the ClusterAnalysisTemplate: %v", err)
	}
	return argo, kurator
}

func TestArgoTemplateDecodesAndRuns(t *testing.T) {
	argo, _ := readExample(t)
	if argo.Kind != "AnalysisTemplate" || argo.APIVersion != "argoproj.io/v1alpha1" {
		t.Errorf("decoded %s %s", argo.APIVersion, argo.Kind)
	}
	m := argo.Spec.Metrics[0]
	if m.Name != "success-rate" || m.Interval != "5m" || m.SuccessCondition != "result[0] >= 0.95" ||
		m.FailureLimit == nil || *m.FailureLimit != intstr.FromInt32(3) ||
		m.Provider.Prometheus == nil || !strings.Contains(m.Provider.Prometheus.Query, "{{args.service-name}}") {
		t.Errorf("metric = %+v", m)
	}
	if len(argo.Spec.Args) != 1 || argo.Spec.Args[0].Name != "service-name" {
		t.Errorf("args = %+v", argo.Spec.Args)
	}

	args := RunArgs("member-1", "default", "reviews")
	args["service-name"] = "reviews.default.svc.cluster.local"
	a, err := Prepare(argo.Spec, args, NewEvaluator())
	if err != nil {
		t.Fatal(err)
	}
	query := a.Metrics[0].Spec.Provider.Prometheus.Query
	if strings.Contains(query, "{{") || !strings.Contains(query, `destination_service=~"reviews.default.svc.cluster.local"`) {
		t.Errorf("query after args = %q", query)
	}
	if _, err := Prepare(argo.Spec, RunArgs("member-1", "default", "reviews"), NewEvaluator()); err == nil ||
		!strings.Contains(err.Error(), "args.service-name has no value") {
		t.Errorf("without service-name: %v, want an error naming it", err)
	}
}

// TestKuratorTemplateRunsPerClusterAndFleetWide: the same template
// measures one member and the whole fleet; its dry-run latency metric
// fails without failing the run.
func TestKuratorTemplateRunsPerClusterAndFleetWide(t *testing.T) {
	_, kurator := readExample(t)
	for _, cluster := range []string{"member-1", ""} {
		a, err := Prepare(kurator.Spec, RunArgs(cluster, "prod", "reviews"), NewEvaluator())
		if err != nil {
			t.Fatal(err)
		}
		wantSelector := `cluster=~"member-1"`
		if cluster == "" {
			wantSelector = `cluster=~".*"`
		}
		if q := a.Metrics[0].Spec.Provider.Prometheus.Query; !strings.Contains(q, wantSelector) || !strings.Contains(q, `destination_workload="reviews"`) {
			t.Errorf("cluster %q: query %q lacks %s", cluster, q, wantSelector)
		}
		if !a.Metrics[1].DryRun || a.Metrics[0].DryRun || a.Metrics[0].Retention != 5 || a.Metrics[1].Retention != 5 {
			t.Errorf("dry run %v/%v, retention %d/%d; want latency only in dry run, both keeping 5",
				a.Metrics[0].DryRun, a.Metrics[1].DryRun, a.Metrics[0].Retention, a.Metrics[1].Retention)
		}

		steps := reconcile(t, a, byQuery{"istio_requests_total": {0.995}, "histogram_quantile": {800}}, time.Hour)
		end := last(steps)
		if end.Phase != successful {
			t.Fatalf("cluster %q: run %s %q, want Successful", cluster, end.Phase, end.Message)
		}
		if !steps[0].RequeueAt.Equal(t0.Add(30 * time.Second)) {
			t.Errorf("first requeue at %v, want the success rate's initialDelay, t0+30s", steps[0].RequeueAt)
		}
		rate, latency := end.Results[0], end.Results[1]
		if rate.Count != 5 || len(rate.Measurements) != 5 || !rate.Measurements[0].StartedAt.Time.Equal(t0.Add(30*time.Second)) {
			t.Errorf("success rate: %+v; want 5 measurements from t0+30s", rate)
		}
		if latency.Phase != failed || !latency.DryRun || !strings.Contains(latency.Message, "without 3 successes in a row") {
			t.Errorf("latency: phase %s dryRun %v %q; want a dry-run failure", latency.Phase, latency.DryRun, latency.Message)
		}
	}
}
