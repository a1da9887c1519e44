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
package scenario

import (
	"context"
	"os"
	"strings"
	"testing"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheduler"
)

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile("../../" + path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func deployment(name string, replicas string) string {
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + "}\nspec:\n  replicas: " + replicas +
		"\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: app, image: nginx}]\n"
}

func run(t *testing.T, docs ...string) (*workv1alpha2.ResourceBinding, error) {
	t.Helper()
	sc, err := Parse(strings.NewReader(strings.Join(docs, "\n---\n")))
	if err != nil {
		t.Fatal(err)
	}
	snap, w, err := sc.Build()
	if err != nil {
		t.Fatal(err)
	}
	s, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	res, schedErr := s.Schedule(context.Background(), snap, w)
	return sc.Render(w, res, schedErr), schedErr
}

func clusters(rb *workv1alpha2.ResourceBinding) string {
	parts := make([]string, 0, len(rb.Spec.Clusters))
	for _, c := range rb.Spec.Clusters {
		parts = append(parts, c.Name+":"+itoa(c.Replicas))
	}
	return strings.Join(parts, ", ")
}

func itoa(n int32) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestSeedScenarios(t *testing.T) {
	fleet := read(t, "examples/scenarios/seed-fleet-clusters.yaml")
	seed06 := read(t, "examples/seed/06-nginx-weighted.yaml")
	cases := map[string]struct {
		docs []string
		want string
	}{
		"06 nginx 60:40":         {[]string{read(t, "examples/scenarios/nginx-weighted.yaml")}, "cluster-hangzhou:6, cluster-shanghai:4"},
		"06 scaled to 15":        {[]string{fleet, strings.Replace(seed06, "replicas: 10", "replicas: 15", 1)}, "cluster-hangzhou:9, cluster-shanghai:6"},
		"02 inference 70:30":     {[]string{fleet, deployment("ai-inference", "10"), read(t, "examples/seed/02-inference-weighted-policy.yaml")}, "cluster-hangzhou:7, cluster-shanghai:3"},
		"07 reviews-v2 shanghai": {[]string{fleet, deployment("reviews-v2", "2"), read(t, "examples/seed/07-reviews-canary.yaml")}, "cluster-shanghai:2"},
		"11 spot 80:20": {[]string{
			"apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: spot-cluster}",
			"apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: ondemand-cluster}",
			deployment("cost-sensitive-app", "10"), read(t, "examples/seed/11-cost-optimization.yaml"),
		}, "ondemand-cluster:2, spot-cluster:8"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rb, err := run(t, tc.docs...)
			if err != nil {
				t.Fatal(err)
			}
			if got := clusters(rb); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
			if rb.Status.Conditions[0].Reason != workv1alpha2.BindingReasonSuccess || rb.Status.SchedulingExplanation == nil {
				t.Fatalf("status not filled: %+v", rb.Status)
			}
		})
	}
}

func TestFailureKeepsThePreviousDecision(t *testing.T) {
	prev := "apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\nmetadata: {name: api-deployment, namespace: default}\n" +
		"spec:\n  resource: {apiVersion: apps/v1, kind: Deployment, name: api}\n  clusters: [{name: small, replicas: 1}]\n"
	rb, err := run(t, read(t, "examples/scenarios/dynamic-insufficient.yaml"), prev)
	if err == nil {
		t.Fatal("want an error")
	}
	c := rb.Status.Conditions[0]
	if c.Status != "False" || c.Reason != workv1alpha2.BindingReasonUnschedulable || !strings.Contains(c.Message, "room for") {
		t.Fatalf("condition %+v", c)
	}
	if clusters(rb) != "small:1" {
		t.Fatalf("previous decision not kept: %s", clusters(rb))
	}
}

func TestPerNodeCapacityFromTheAnnotation(t *testing.T) {
	rb, err := run(t, read(t, "examples/scenarios/dynamic-insufficient.yaml"))
	if err == nil {
		t.Fatal("want an error")
	}
	avail := map[string]int32{}
	for _, c := range rb.Status.SchedulingExplanation.Candidates {
		avail[c.Name] = c.AvailableReplicas
	}
	// busy: two 4-CPU nodes with 3 CPU requested each fit one 1-CPU replica
	// each; small: two 2-CPU nodes fit two each.
	if avail["busy"] != 2 || avail["small"] != 4 {
		t.Fatalf("available %v", avail)
	}
}

func TestParseErrors(t *testing.T) {
	cluster := "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}"
	policy := "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: p}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]"
	cases := map[string]struct {
		docs []string
		want string
	}{
		"no cluster":           {[]string{deployment("d", "1"), policy}, "no cluster.karmada.io/v1alpha1 Cluster"},
		"no template":          {[]string{cluster, policy}, "no workload template"},
		"no policy":            {[]string{cluster, deployment("d", "1")}, "no PropagationPolicy"},
		"two templates":        {[]string{cluster, deployment("d", "1"), deployment("e", "1"), policy}, "exactly one workload template"},
		"two policies":         {[]string{cluster, deployment("d", "1"), policy, policy}, "exactly one propagation policy"},
		"unknown policy field": {[]string{cluster, deployment("d", "1"), policy + "\n  bogus: 1"}, "unknown field"},
		"no kind":              {[]string{"metadata: {name: x}"}, "no apiVersion or kind"},
		"duplicate cluster":    {[]string{cluster, cluster, deployment("d", "1"), policy}, "listed twice"},
		"invalid VirtualService": {[]string{cluster, deployment("d", "1"), policy, "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\n" +
			"metadata: {name: r}\nspec: {hosts: [r], http: [{route: [{destination: {host: r}, weight: abc}]}]}"},
			"spec.http[0].route[0].weight in body must be of type integer"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(strings.Join(tc.docs, "\n---\n")))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestBuildErrors(t *testing.T) {
	base := "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: a"
	policy := "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: p}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: other}]"
	sc, err := Parse(strings.NewReader(strings.Join([]string{base + "}", deployment("d", "1"), policy}, "\n---\n")))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := sc.Build(); err == nil || !strings.Contains(err.Error(), "does not select") {
		t.Fatalf("got %v", err)
	}
	bad := base + ", annotations: {scheduler.kurator.dev/nodes: '[{\"count\": 1, \"cpu\": \"lots\"}]'}}"
	sc, err = Parse(strings.NewReader(strings.Join([]string{bad, deployment("d", "1"), strings.Replace(policy, ", name: other", "", 1)}, "\n---\n")))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := sc.Build(); err == nil || !strings.Contains(err.Error(), "cpu \"lots\"") {
		t.Fatalf("got %v", err)
	}
}
