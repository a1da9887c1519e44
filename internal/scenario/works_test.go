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
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/render"
	"kurator.dev/kurator/internal/scheduler"
)

// globalApp is the Deployment seed example 03 overrides.
const globalApp = `apiVersion: apps/v1
kind: Deployment
metadata: {name: global-app}
spec:
  replicas: 3
  selector: {matchLabels: {app: global-app}}
  template:
    metadata: {labels: {app: global-app}}
    spec:
      containers:
      - {name: app, image: "nginx:1.25"}
`

// globalAppEverywhere propagates global-app, duplicated, to the three
// clusters of the seed fleet.
const globalAppEverywhere = `apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: global-app}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: global-app}]
  placement:
    clusterAffinity: {clusterNames: [cluster-hangzhou, cluster-shanghai, cluster-frankfurt]}
`

// renderWorks parses and schedules docs, then renders the Works.
func renderWorks(t *testing.T, docs ...string) (*workv1alpha2.ResourceBinding, []*workv1alpha1.Work, error) {
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
	res, err := s.Schedule(context.Background(), snap, w)
	if err != nil {
		t.Fatal(err)
	}
	rb := sc.Render(w, res, nil)
	works, err := sc.Works(rb)
	return rb, works, err
}

func manifestOf(t *testing.T, w *workv1alpha1.Work) *unstructured.Unstructured {
	t.Helper()
	if len(w.Spec.Workload.Manifests) != 1 {
		t.Fatalf("Work %s/%s has %d manifests, want 1", w.Namespace, w.Name, len(w.Spec.Workload.Manifests))
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(w.Spec.Workload.Manifests[0].Raw); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSeed03CrossCloudOverride(t *testing.T) {
	rb, works, err := renderWorks(t, read(t, "examples/scenarios/seed-fleet-clusters.yaml"), globalApp, globalAppEverywhere,
		read(t, "examples/seed/03-cross-cloud-override.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	type rendered struct {
		Image   string
		Command []any
		Applied string
	}
	want := map[string]rendered{
		"karmada-es-cluster-hangzhou": {"registry.cn-hangzhou.aliyuncs.com/company/nginx:1.25", []any{"--region=asia-east"},
			`[{"policy":"default/cross-cloud-config","rules":[0]}]`},
		"karmada-es-cluster-frankfurt": {"registry.eu-central.example.com/company/nginx:1.25", []any{"--region=eu-central", "--compliance=gdpr"},
			`[{"policy":"default/cross-cloud-config","rules":[1]}]`},
		"karmada-es-cluster-shanghai": {"nginx:1.25", nil, ""},
	}
	got := map[string]rendered{}
	for _, w := range works {
		if w.Name != workv1alpha2.WorkName(rb) || w.Kind != "Work" || w.Labels[workv1alpha1.BindingNameLabel] != "global-app-deployment" ||
			w.Labels[workv1alpha1.BindingNamespaceLabel] != "default" {
			t.Fatalf("Work %s/%s (kind %q, labels %v) is not named and labelled as the binding controller does", w.Namespace, w.Name, w.Kind, w.Labels)
		}
		m := manifestOf(t, w)
		containers, _, _ := unstructured.NestedSlice(m.Object, "spec", "template", "spec", "containers")
		c := containers[0].(map[string]any)
		command, _ := c["command"].([]any)
		image, _ := c["image"].(string)
		got[w.Namespace] = rendered{image, command, m.GetAnnotations()[render.AppliedOverridesAnnotation]}
		if m.GetNamespace() != "default" || m.GetName() != "global-app" {
			t.Errorf("%s: manifest of %s/%s", w.Namespace, m.GetNamespace(), m.GetName())
		}
		if r, _, _ := unstructured.NestedInt64(m.Object, "spec", "replicas"); r != 3 {
			t.Errorf("%s: duplicated replicas %d, want 3", w.Namespace, r)
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("rendered manifests by execution namespace (-want +got):\n%s", d)
	}
	c := apimeta.FindStatusCondition(rb.Status.Conditions, workv1alpha2.ConditionRendered)
	if c == nil || c.Status != "True" || c.Message != "rendered for all 3 clusters" {
		t.Fatalf("Rendered condition %+v", c)
	}
}

func TestWorksFollowTheDivisionAndClusterOverrides(t *testing.T) {
	// A ClusterOverridePolicy by region runs before the OverridePolicy; the
	// OverridePolicy's plaintext pins shanghai's replicas after the
	// division.
	cop := `apiVersion: policy.karmada.io/v1alpha1
kind: ClusterOverridePolicy
metadata: {name: asia-labels}
spec:
  overrideRules:
  - targetCluster: {labelSelector: {matchLabels: {region: asia-east}}}
    overriders:
      labelsOverrider: [{operator: add, value: {zone: asia}}]
`
	op := `apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: pin-shanghai}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]
  overrideRules:
  - targetCluster: {clusterNames: [cluster-shanghai]}
    overriders:
      plaintext: [{path: /spec/replicas, operator: replace, value: 1}]
`
	rb, works, err := renderWorks(t, read(t, "examples/scenarios/nginx-weighted.yaml"), op, cop)
	if err != nil {
		t.Fatal(err)
	}
	if clusters(rb) != "cluster-hangzhou:6, cluster-shanghai:4" {
		t.Fatalf("decision %s", clusters(rb))
	}
	type rendered struct {
		Replicas int64
		Zone     string
		Applied  string
	}
	want := []rendered{
		{6, "asia", `[{"policy":"asia-labels","rules":[0]}]`},
		{1, "asia", `[{"policy":"asia-labels","rules":[0]},{"policy":"default/pin-shanghai","rules":[0]}]`},
	}
	var got []rendered
	for _, w := range works {
		m := manifestOf(t, w)
		r, _, _ := unstructured.NestedInt64(m.Object, "spec", "replicas")
		got = append(got, rendered{r, m.GetLabels()["zone"], m.GetAnnotations()[render.AppliedOverridesAnnotation]})
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("rendered hangzhou, shanghai (-want +got):\n%s", d)
	}
}

func TestWorksReportRenderFailuresPerCluster(t *testing.T) {
	op := `apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: broken, namespace: default}
spec:
  overrideRules:
  - targetCluster: {clusterNames: [cluster-shanghai]}
    overriders:
      plaintext: [{path: /spec/no/such/field, operator: replace, value: 1}]
`
	rb, works, err := renderWorks(t, read(t, "examples/scenarios/nginx-weighted.yaml"), op)
	var re *RenderError
	if !errors.As(err, &re) || len(re.Failures) != 1 || !strings.Contains(re.Failures["cluster-shanghai"], "policy default/broken: overrideRules[0]: plaintext[0]") {
		t.Fatalf("err %v, want a RenderError for cluster-shanghai", err)
	}
	if len(works) != 1 || works[0].Namespace != "karmada-es-cluster-hangzhou" {
		t.Fatalf("want only hangzhou's Work, got %d", len(works))
	}
	c := apimeta.FindStatusCondition(rb.Status.Conditions, workv1alpha2.ConditionRendered)
	if c == nil || c.Status != "False" || c.Reason != workv1alpha2.BindingReasonOverrideFailed || !strings.HasPrefix(c.Message, "cluster-shanghai: policy default/broken") {
		t.Fatalf("Rendered condition %+v", c)
	}
}

func TestOverridePolicyNamespaces(t *testing.T) {
	cluster := "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}"
	pp := "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: p, namespace: prod}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]"
	op := func(meta string) string {
		return "apiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: " + meta + "\nspec: {}"
	}
	cop := "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterOverridePolicy\nmetadata: {name: everywhere}\nspec: {}"
	sc, err := Parse(strings.NewReader(strings.Join([]string{cluster, deployment("d", "1"), pp, op("{name: here}"), op("{name: there, namespace: dev}"), cop}, "\n---\n")))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range sc.Overrides {
		got[p.Name] = p.Namespace
	}
	// An OverridePolicy without a namespace goes with the template (in the
	// PropagationPolicy's namespace); it never becomes cluster-wide.
	if d := cmp.Diff(map[string]string{"here": "prod", "there": "dev", "everywhere": ""}, got); d != "" {
		t.Fatalf("namespaces (-want +got):\n%s", d)
	}
}

func TestOverridePolicyParseErrors(t *testing.T) {
	cluster := "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: a}"
	pp := "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: p}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]"
	cases := map[string]struct {
		doc  string
		want string
	}{
		"unknown field":   {"apiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: {name: o}\nspec: {bogus: 1}", "unknown field"},
		"no name":         {"apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterOverridePolicy\nmetadata: {}\nspec: {}", "ClusterOverridePolicy has no name"},
		"add needs value": {"apiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: {name: o}\nspec:\n  overriders:\n    plaintext: [{path: /x, operator: add}]", "spec.overriders.plaintext[0].value"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(strings.Join([]string{cluster, deployment("d", "1"), pp, tc.doc}, "\n---\n")))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
