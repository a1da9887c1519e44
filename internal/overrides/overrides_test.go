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

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

const deploymentYAML = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels:
    app: web
    tier: front
  annotations:
    note: keep
spec:
  replicas: 2
  template:
    spec:
      initContainers:
      - name: init
        image: busybox:1.36
      containers:
      - name: app
        image: docker.io/library/nginx:1.25
        command: ["nginx"]
        args: ["-g", "daemon off;", "-g"]
      - name: side
        image: envoy@` + "sha256:abababababababababababababababababababababababababababababababab" + `
`

const configMapYAML = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: default
data:
  config.json: '{"log":{"level":"info"},"list":[1,2]}'
  config.yaml: |
    log:
      level: info
    list:
    - 1
  number: "not json {"
`

func mustObj(t testing.TB, y string) *unstructured.Unstructured {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]interface{}
	if err := utiljson.Unmarshal(j, &m); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: m}
}

func mustSpec(t testing.TB, y string) *policyv1alpha1.OverrideSpec {
	t.Helper()
	var s policyv1alpha1.OverrideSpec
	if err := yaml.UnmarshalStrict([]byte(y), &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

func cluster(name string, labels map[string]string) *karmadaclusterv1alpha1.Cluster {
	return &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
}

func field(t testing.TB, obj *unstructured.Unstructured, path string) interface{} {
	t.Helper()
	v, err := get(obj.Object, path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// TestOverriders runs one rule (applied to every cluster) per case and checks
// fields of the result.
func TestOverriders(t *testing.T) {
	tests := []struct {
		name    string
		obj     string
		rule    string
		want    map[string]interface{} // JSON pointer -> value; nil value means absent
		wantErr string
	}{
		{
			name: "image registry replace all containers not init",
			obj:  deploymentYAML,
			rule: `{imageOverrider: [{component: Registry, operator: replace, value: mirror.io}]}`,
			want: map[string]interface{}{
				"/spec/template/spec/containers/0/image":     "mirror.io/library/nginx:1.25",
				"/spec/template/spec/containers/1/image":     "mirror.io/envoy@sha256:abababababababababababababababababababababababababababababababab",
				"/spec/template/spec/initContainers/0/image": "busybox:1.36",
			},
		},
		{
			name: "image tag add",
			obj:  deploymentYAML,
			rule: `{imageOverrider: [{component: Tag, operator: add, value: "-alpine"}]}`,
			want: map[string]interface{}{
				"/spec/template/spec/containers/0/image": "docker.io/library/nginx:1.25-alpine",
				"/spec/template/spec/containers/1/image": "envoy:-alpine@sha256:abababababababababababababababababababababababababababababababab",
			},
			wantErr: "",
		},
		{
			name: "image tag remove drops digest",
			obj:  deploymentYAML,
			rule: `{imageOverrider: [{component: Tag, operator: remove}]}`,
			want: map[string]interface{}{
				"/spec/template/spec/containers/0/image": "docker.io/library/nginx",
				"/spec/template/spec/containers/1/image": "envoy",
			},
		},
		{
			name: "image repository add and registry remove in order",
			obj:  deploymentYAML,
			rule: `{imageOverrider: [{component: Repository, operator: add, value: "-x"}, {component: Registry, operator: remove}]}`,
			want: map[string]interface{}{
				"/spec/template/spec/containers/0/image": "library/nginx-x:1.25",
			},
		},
		{
			name: "image predicate on init container",
			obj:  deploymentYAML,
			rule: `{imageOverrider: [{predicate: {path: /spec/template/spec/initContainers/0/image}, component: Registry, operator: add, value: r.io}]}`,
			want: map[string]interface{}{
				"/spec/template/spec/initContainers/0/image": "r.io/busybox:1.36",
				"/spec/template/spec/containers/0/image":     "docker.io/library/nginx:1.25",
			},
		},
		{
			name:    "image predicate missing path",
			obj:     deploymentYAML,
			rule:    `{imageOverrider: [{predicate: {path: /spec/template/spec/containers/5/image}, component: Tag, operator: replace, value: x}]}`,
			wantErr: "imageOverrider[0]",
		},
		{
			name:    "image predicate not a string",
			obj:     deploymentYAML,
			rule:    `{imageOverrider: [{predicate: {path: /spec/replicas}, component: Tag, operator: replace, value: x}]}`,
			wantErr: "not a string",
		},
		{
			name: "image on a ConfigMap is a no-op",
			obj:  configMapYAML,
			rule: `{imageOverrider: [{component: Tag, operator: replace, value: x}]}`,
			want: map[string]interface{}{"/data/number": "not json {"},
		},
		{
			name: "pod containers",
			obj:  "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: app}]}}",
			rule: `{imageOverrider: [{component: Tag, operator: replace, value: v2}], argsOverrider: [{containerName: c, operator: add, value: [--x]}]}`,
			want: map[string]interface{}{"/spec/containers/0/image": "app:v2", "/spec/containers/0/args": []interface{}{"--x"}},
		},
		{
			name: "command add appends",
			obj:  deploymentYAML,
			rule: `{commandOverrider: [{containerName: app, operator: add, value: [--a, --b]}]}`,
			want: map[string]interface{}{"/spec/template/spec/containers/0/command": []interface{}{"nginx", "--a", "--b"}},
		},
		{
			name: "command add creates list",
			obj:  deploymentYAML,
			rule: `{commandOverrider: [{containerName: side, operator: add, value: [envoy]}]}`,
			want: map[string]interface{}{"/spec/template/spec/containers/1/command": []interface{}{"envoy"}},
		},
		{
			name: "args remove every match",
			obj:  deploymentYAML,
			rule: `{argsOverrider: [{containerName: app, operator: remove, value: ["-g", "nope"]}]}`,
			want: map[string]interface{}{"/spec/template/spec/containers/0/args": []interface{}{"daemon off;"}},
		},
		{
			name: "args remove absent list and unknown container",
			obj:  deploymentYAML,
			rule: `{argsOverrider: [{containerName: side, operator: remove, value: [x]}, {containerName: ghost, operator: add, value: [x]}]}`,
			want: map[string]interface{}{"/spec/template/spec/containers/0/args": []interface{}{"-g", "daemon off;", "-g"}},
		},
		{
			name:    "command replace unsupported",
			obj:     deploymentYAML,
			rule:    `{commandOverrider: [{containerName: app, operator: replace, value: [x]}]}`,
			wantErr: `commandOverrider[0]: unsupported operator "replace"`,
		},
		{
			name: "labels add replace remove",
			obj:  deploymentYAML,
			rule: `{labelsOverrider: [{operator: add, value: {new: "1", app: web2}}, {operator: replace, value: {tier: back, missing: x}}, {operator: remove, value: {new: "", absent: ""}}]}`,
			want: map[string]interface{}{
				"/metadata/labels": map[string]interface{}{"app": "web2", "tier": "back"},
			},
		},
		{
			name: "annotations add creates map and escaped key",
			obj:  configMapYAML,
			rule: `{annotationsOverrider: [{operator: add, value: {"example.com/a": b}}]}`,
			want: map[string]interface{}{"/metadata/annotations/example.com~1a": "b"},
		},
		{
			name: "annotations replace and remove on absent map",
			obj:  configMapYAML,
			rule: `{annotationsOverrider: [{operator: replace, value: {a: b}}, {operator: remove, value: {a: b}}]}`,
			want: map[string]interface{}{"/metadata/name": "cfg"},
		},
		{
			name: "field json",
			obj:  configMapYAML,
			rule: `{fieldOverrider: [{fieldPath: /data/config.json, json: [{subPath: /log/level, operator: replace, value: debug}, {subPath: /extra, operator: add, value: {a: 1}}, {subPath: /list/0, operator: remove}]}]}`,
			want: map[string]interface{}{"/data/config.json": `{"log":{"level":"debug"},"list":[2],"extra":{"a":1}}`},
		},
		{
			name: "field yaml",
			obj:  configMapYAML,
			rule: `{fieldOverrider: [{fieldPath: /data/config.yaml, yaml: [{subPath: /log/level, operator: replace, value: debug}, {subPath: /list/-, operator: add, value: 2}]}]}`,
			want: map[string]interface{}{"/data/config.yaml": "list:\n- 1\n- 2\nlog:\n  level: debug\n"},
		},
		{
			name:    "field not a document",
			obj:     configMapYAML,
			rule:    `{fieldOverrider: [{fieldPath: /data/number, json: [{subPath: /a, operator: add, value: 1}]}]}`,
			wantErr: `fieldOverrider[0]: fieldPath "/data/number" does not hold a JSON document`,
		},
		{
			name:    "field missing",
			obj:     configMapYAML,
			rule:    `{fieldOverrider: [{fieldPath: /data/nope, json: [{subPath: /a, operator: add, value: 1}]}]}`,
			wantErr: `path "/data/nope" does not exist`,
		},
		{
			name:    "field subPath missing for replace",
			obj:     configMapYAML,
			rule:    `{fieldOverrider: [{fieldPath: /data/config.json, json: [{subPath: /nope, operator: replace, value: 1}]}]}`,
			wantErr: `json[0]: subPath "/nope"`,
		},
		{
			name:    "field add without value",
			obj:     configMapYAML,
			rule:    `{fieldOverrider: [{fieldPath: /data/config.yaml, yaml: [{subPath: /a, operator: add}]}]}`,
			wantErr: "value is required",
		},
		{
			name: "plaintext add replace remove",
			obj:  deploymentYAML,
			rule: `{plaintext: [{path: /spec/replicas, operator: replace, value: 5}, {path: /metadata/labels/x, operator: add, value: "y"}, {path: /metadata/annotations, operator: remove}]}`,
			want: map[string]interface{}{"/spec/replicas": int64(5), "/metadata/labels/x": "y", "/metadata/annotations": nil},
		},
		{
			name:    "plaintext remove missing",
			obj:     deploymentYAML,
			rule:    `{plaintext: [{path: /spec/replicas, operator: replace, value: 5}, {path: /spec/nope, operator: remove}]}`,
			wantErr: `plaintext[1]: path "/spec/nope"`,
		},
		{
			name:    "plaintext add under missing parent",
			obj:     deploymentYAML,
			rule:    `{plaintext: [{path: /spec/a/b, operator: add, value: 1}]}`,
			wantErr: `plaintext[0]: path "/spec/a/b"`,
		},
		{
			name:    "plaintext bad pointer",
			obj:     deploymentYAML,
			rule:    `{plaintext: [{path: spec, operator: add, value: 1}]}`,
			wantErr: "must start with /",
		},
		{
			name: "order: image before plaintext",
			obj:  deploymentYAML,
			rule: `{plaintext: [{path: /spec/template/spec/containers/0/image, operator: replace, value: "x:1"}], imageOverrider: [{component: Tag, operator: replace, value: "2"}]}`,
			want: map[string]interface{}{"/spec/template/spec/containers/0/image": "x:1", "/spec/template/spec/containers/1/image": "envoy:2@sha256:abababababababababababababababababababababababababababababababab"},
		},
		{
			name:    "wrong type: labels not a map",
			obj:     "{apiVersion: v1, kind: ConfigMap, metadata: {name: c, labels: [a]}}",
			rule:    `{labelsOverrider: [{operator: add, value: {a: b}}]}`,
			wantErr: "metadata.labels is []interface {}, not an object",
		},
		{
			name:    "wrong type: command not a list",
			obj:     "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, command: x}]}}",
			rule:    `{commandOverrider: [{containerName: c, operator: add, value: [y]}]}`,
			wantErr: "command is string, not a list",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := mustObj(t, tt.obj)
			orig := obj.DeepCopy()
			spec := &policyv1alpha1.OverrideSpec{OverrideRules: []policyv1alpha1.RuleWithCluster{{}}}
			if err := yaml.UnmarshalStrict([]byte(tt.rule), &spec.OverrideRules[0].Overriders); err != nil {
				t.Fatal(err)
			}
			out, applied, err := Apply(obj, cluster("c1", nil), []Policy{{Name: "p", Namespace: obj.GetNamespace(), Spec: spec}})
			if !reflect.DeepEqual(obj, orig) {
				t.Fatalf("input mutated")
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				if out != nil || applied != nil {
					t.Fatalf("object returned with error")
				}
				if !strings.Contains(err.Error(), "policy ") || !strings.Contains(err.Error(), "overrideRules[0]") {
					t.Fatalf("error %q does not name policy and rule", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) != 1 || applied[0].Policy != "p" || applied[0].Rule != 0 {
				t.Fatalf("applied = %+v", applied)
			}
			for p, want := range tt.want {
				if want == nil {
					if _, err := get(out.Object, p); err == nil {
						t.Errorf("%s present, want absent", p)
					}
					continue
				}
				if got := field(t, out, p); !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", p, got, want)
				}
			}
		})
	}
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
