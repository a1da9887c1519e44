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

// overriderCase is one rule, applied to every cluster, with the fields it
// must produce or the error it must fail with.
type overriderCase struct {
	name    string
	obj     string
	rule    string
	want    map[string]interface{} // JSON pointer -> value; nil value means absent
	wantErr string
}

// runOverriderCases runs one rule (applied to every cluster) per case and
// checks fields of the result.
func runOverriderCases(t *testing.T, tests []overriderCase) {
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
