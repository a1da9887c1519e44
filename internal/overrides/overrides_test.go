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

package overrides

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// TestOverridersTogether covers rules that combine overriders: the order
// they run in and the container path of a Pod.
func TestOverridersTogether(t *testing.T) {
	tests := []overriderCase{
		{
			name: "pod containers",
			obj:  "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: app}]}}",
			rule: `{imageOverrider: [{component: Tag, operator: replace, value: v2}], argsOverrider: [{containerName: c, operator: add, value: [--x]}]}`,
			want: map[string]interface{}{"/spec/containers/0/image": "app:v2", "/spec/containers/0/args": []interface{}{"--x"}},
		},
		{
			name: "order: image before plaintext",
			obj:  deploymentYAML,
			rule: `{plaintext: [{path: /spec/template/spec/containers/0/image, operator: replace, value: "x:1"}], imageOverrider: [{component: Tag, operator: replace, value: "2"}]}`,
			want: map[string]interface{}{"/spec/template/spec/containers/0/image": "x:1", "/spec/template/spec/containers/1/image": "envoy:2@sha256:abababababababababababababababababababababababababababababababab"},
		},
	}
	runOverriderCases(t, tests)
}

func TestPolicyOrdering(t *testing.T) {
	obj := mustObj(t, deploymentYAML)
	tagRule := func(tag string) *policyv1alpha1.OverrideSpec {
		return mustSpec(t, `{overrideRules: [{overriders: {imageOverrider: [{component: Tag, operator: replace, value: "`+tag+`"}]}}]}`)
	}
	withSel := func(s *policyv1alpha1.OverrideSpec, sel string) *policyv1alpha1.OverrideSpec {
		s.ResourceSelectors = mustSpec(t, `{resourceSelectors: [`+sel+`]}`).ResourceSelectors
		return s
	}
	byName := `{apiVersion: apps/v1, kind: Deployment, name: web}`
	byLabel := `{apiVersion: apps/v1, kind: Deployment, labelSelector: {matchLabels: {app: web}}}`
	byKind := `{apiVersion: apps/v1, kind: Deployment}`
	other := `{apiVersion: apps/v1, kind: Deployment, name: other}`

	policies := []Policy{
		{Name: "a-name", Namespace: "default", Spec: withSel(tagRule("ns-name"), byName)},
		{Name: "b-label", Namespace: "default", Spec: withSel(tagRule("ns-label"), byLabel)},
		{Name: "z-all", Namespace: "default", Spec: tagRule("ns-all")},
		{Name: "c-kind", Namespace: "default", Spec: withSel(tagRule("ns-kind"), byKind)},
		{Name: "other-ns", Namespace: "other", Spec: tagRule("other-ns")},
		{Name: "nomatch", Namespace: "default", Spec: withSel(tagRule("nomatch"), other)},
		{Name: "cluster-name", Spec: withSel(tagRule("cop-name"), byName)},
		{Name: "cluster-all", Spec: tagRule("cop-all")},
		{Name: "nil-spec"},
	}
	out, applied, err := Apply(obj, cluster("m1", nil), policies)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, a := range applied {
		order = append(order, a.Namespace+"/"+a.Policy)
	}
	want := []string{"/cluster-all", "/cluster-name", "default/c-kind", "default/z-all", "default/b-label", "default/a-name"}
	if !reflect.DeepEqual(order, want) {
		t.Fatalf("order = %v, want %v", order, want)
	}
	if got := field(t, out, "/spec/template/spec/containers/0/image"); got != "docker.io/library/nginx:ns-name" {
		t.Fatalf("image = %v; the name-matched namespaced policy should win", got)
	}

	// Without namespaced policies the name-matched cluster policy wins.
	out, _, err = Apply(obj, cluster("m1", nil), policies[6:])
	if err != nil {
		t.Fatal(err)
	}
	if got := field(t, out, "/spec/template/spec/containers/0/image"); got != "docker.io/library/nginx:cop-name" {
		t.Fatalf("image = %v", got)
	}

	// Namespaced policies never apply to a cluster-scoped object.
	ns := mustObj(t, `{apiVersion: v1, kind: Namespace, metadata: {name: default}}`)
	_, applied, err = Apply(ns, cluster("m1", nil), policies)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 1 || applied[0].Policy != "cluster-all" {
		t.Fatalf("applied = %+v", applied)
	}
}

func TestRulesAndTargetCluster(t *testing.T) {
	obj := mustObj(t, deploymentYAML)
	spec := mustSpec(t, `
overrideRules:
- targetCluster: {clusterNames: [a]}
  overriders: {labelsOverrider: [{operator: add, value: {r0: a}}]}
- overriders: {labelsOverrider: [{operator: add, value: {r1: all, r0: all}}]}
- targetCluster: {labelSelector: {matchLabels: {env: prod}}}
  overriders: {labelsOverrider: [{operator: add, value: {r2: prod}}]}
- targetCluster: {exclude: [a]}
  overriders: {labelsOverrider: [{operator: add, value: {r3: not-a}}]}
# Ignored because overrideRules is set.
targetCluster: {clusterNames: [a]}
overriders: {labelsOverrider: [{operator: add, value: {deprecated: x}}]}
`)
	tests := []struct {
		cluster *karmadaclusterv1alpha1.Cluster
		rules   []int
		labels  map[string]string
	}{
		{cluster("a", map[string]string{"env": "prod"}), []int{0, 1, 2}, map[string]string{"app": "web", "tier": "front", "r0": "all", "r1": "all", "r2": "prod"}},
		{cluster("b", nil), []int{1, 3}, map[string]string{"app": "web", "tier": "front", "r0": "all", "r1": "all", "r3": "not-a"}},
	}
	for _, tt := range tests {
		out, applied, err := Apply(obj, tt.cluster, []Policy{{Name: "p", Namespace: "default", Spec: spec}})
		if err != nil {
			t.Fatal(err)
		}
		var rules []int
		for _, a := range applied {
			rules = append(rules, a.Rule)
		}
		if !reflect.DeepEqual(rules, tt.rules) {
			t.Errorf("%s: rules = %v, want %v", tt.cluster.Name, rules, tt.rules)
		}
		if !reflect.DeepEqual(out.GetLabels(), tt.labels) {
			t.Errorf("%s: labels = %v, want %v", tt.cluster.Name, out.GetLabels(), tt.labels)
		}
	}

	// Deprecated fields are used when overrideRules is empty.
	dep := mustSpec(t, `{targetCluster: {clusterNames: [a]}, overriders: {labelsOverrider: [{operator: add, value: {deprecated: x}}]}}`)
	out, applied, err := Apply(obj, cluster("a", nil), []Policy{{Name: "p", Spec: dep}})
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 1 || applied[0].Rule != DeprecatedRule || out.GetLabels()["deprecated"] != "x" {
		t.Fatalf("applied = %+v, labels = %v", applied, out.GetLabels())
	}
	_, applied, err = Apply(obj, cluster("b", nil), []Policy{{Name: "p", Spec: dep}})
	if err != nil || len(applied) != 0 {
		t.Fatalf("applied = %+v, err = %v", applied, err)
	}
	_, _, err = Apply(obj, cluster("a", nil), []Policy{{Name: "p", Spec: mustSpec(t, `{overriders: {plaintext: [{path: /x/y, operator: remove}]}}`)}})
	if err == nil || !strings.Contains(err.Error(), `policy p: overriders: plaintext[0]: path "/x/y"`) {
		t.Fatalf("err = %v", err)
	}
}

// TestSeedCrossCloudOverride applies examples/seed/03-cross-cloud-override.yaml.
//
// The seed's Registry replace values include a path ("/company"). Replace
// sets the registry component to exactly the value, so company/app:1.0
// (registry none, repository company/app) becomes
// registry.cn-hangzhou.aliyuncs.com/company/company/app:1.0: the "company"
// path segment appears twice. An image without the repository prefix,
// app:1.0, becomes registry.cn-hangzhou.aliyuncs.com/company/app:1.0.
func TestSeedCrossCloudOverride(t *testing.T) {
	data, err := os.ReadFile("../../examples/seed/03-cross-cloud-override.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var op policyv1alpha1.OverridePolicy
	if err := yaml.UnmarshalStrict(data, &op); err != nil {
		t.Fatal(err)
	}
	policy := Policy{Name: op.Name, Namespace: "default", Spec: &op.Spec}
	deploy := func(image string) *unstructured.Unstructured {
		return mustObj(t, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: global-app, namespace: default}
spec:
  template:
    spec:
      containers:
      - name: app
        image: `+image+`
        command: [/app]
`)
	}
	tests := []struct {
		cluster, image, wantImage string
		wantCommand               []interface{}
		wantRules                 []int
	}{
		{"cluster-hangzhou", "company/app:1.0", "registry.cn-hangzhou.aliyuncs.com/company/company/app:1.0", []interface{}{"/app", "--region=asia-east"}, []int{0}},
		{"cluster-hangzhou", "app:1.0", "registry.cn-hangzhou.aliyuncs.com/company/app:1.0", []interface{}{"/app", "--region=asia-east"}, []int{0}},
		{"cluster-hangzhou", "docker.io/company/app:1.0", "registry.cn-hangzhou.aliyuncs.com/company/company/app:1.0", []interface{}{"/app", "--region=asia-east"}, []int{0}},
		{"cluster-frankfurt", "company/app:1.0", "registry.eu-central.example.com/company/company/app:1.0", []interface{}{"/app", "--region=eu-central", "--compliance=gdpr"}, []int{1}},
		{"cluster-shanghai", "company/app:1.0", "company/app:1.0", []interface{}{"/app"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.cluster+"/"+tt.image, func(t *testing.T) {
			obj := deploy(tt.image)
			out, applied, err := Apply(obj, cluster(tt.cluster, nil), []Policy{policy})
			if err != nil {
				t.Fatal(err)
			}
			var rules []int
			for _, a := range applied {
				rules = append(rules, a.Rule)
			}
			if !reflect.DeepEqual(rules, tt.wantRules) {
				t.Fatalf("rules = %v, want %v", rules, tt.wantRules)
			}
			if got := field(t, out, "/spec/template/spec/containers/0/image"); got != tt.wantImage {
				t.Errorf("image = %v, want %v", got, tt.wantImage)
			}
			if got := field(t, out, "/spec/template/spec/containers/0/command"); !reflect.DeepEqual(got, tt.wantCommand) {
				t.Errorf("command = %v, want %v", got, tt.wantCommand)
			}
			if tt.wantRules == nil && !reflect.DeepEqual(out, obj) {
				t.Errorf("unmatched cluster changed the object")
			}
		})
	}

	// The policy selects only the Deployment named global-app.
	other := deploy("company/app:1.0")
	other.SetName("other")
	_, applied, err := Apply(other, cluster("cluster-hangzhou", nil), []Policy{policy})
	if err != nil || len(applied) != 0 {
		t.Fatalf("applied = %v, err = %v", applied, err)
	}
}
