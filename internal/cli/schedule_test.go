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

package cli

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"kurator.dev/kurator/internal/render"
)

// seed03Scenario is the seed fleet, a global-app Deployment propagated to
// all three clusters, and seed example 03 unchanged.
func seed03Scenario(t *testing.T, extra ...string) string {
	t.Helper()
	read := func(p string) string {
		data, err := os.ReadFile("../../" + p)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	docs := append([]string{
		read("examples/scenarios/seed-fleet-clusters.yaml"),
		`apiVersion: apps/v1
kind: Deployment
metadata: {name: global-app}
spec:
  replicas: 2
  selector: {matchLabels: {app: global-app}}
  template:
    metadata: {labels: {app: global-app}}
    spec:
      containers: [{name: app, image: "nginx:1.25"}]`,
		`apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: global-app}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: global-app}]
  placement:
    clusterAffinity: {clusterNames: [cluster-hangzhou, cluster-shanghai, cluster-frankfurt]}`,
		read("examples/seed/03-cross-cloud-override.yaml"),
	}, extra...)
	path := filepath.Join(t.TempDir(), "scenario.yaml")
	if err := os.WriteFile(path, []byte(strings.Join(docs, "\n---\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// decodeStream reads every document of a YAML or JSON stream.
func decodeStream(t *testing.T, out string) []*unstructured.Unstructured {
	t.Helper()
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(out), 4096)
	var docs []*unstructured.Unstructured
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return docs
			}
			t.Fatalf("output is not a valid stream: %v\n%s", err, out)
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(raw); err != nil {
			t.Fatalf("document %d: %v", len(docs)+1, err)
		}
		docs = append(docs, u)
	}
}

func TestScheduleRendersEachCluster(t *testing.T) {
	path := seed03Scenario(t)
	for _, format := range []string{"yaml", "json"} {
		t.Run(format, func(t *testing.T) {
			code, out := run(t, "schedule", "-f", path, "-o", format)
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, out)
			}
			docs := decodeStream(t, out)
			if len(docs) != 4 || docs[0].GetKind() != "ResourceBinding" {
				t.Fatalf("want the ResourceBinding and 3 Works, got %d documents:\n%s", len(docs), out)
			}
			type rendered struct{ Image, Command, Applied string }
			got := map[string]rendered{}
			for _, d := range docs[1:] {
				if d.GetKind() != "Work" || d.GetAPIVersion() != "work.karmada.io/v1alpha1" {
					t.Fatalf("document %s/%s is not a Work", d.GetKind(), d.GetName())
				}
				manifests, _, _ := unstructured.NestedSlice(d.Object, "spec", "workload", "manifests")
				m := &unstructured.Unstructured{Object: manifests[0].(map[string]any)}
				containers, _, _ := unstructured.NestedSlice(m.Object, "spec", "template", "spec", "containers")
				c := containers[0].(map[string]any)
				command, _ := c["command"].([]any)
				parts := make([]string, len(command))
				for i, a := range command {
					parts[i] = a.(string)
				}
				got[d.GetNamespace()] = rendered{c["image"].(string), strings.Join(parts, " "), m.GetAnnotations()[render.AppliedOverridesAnnotation]}
			}
			want := map[string]rendered{
				"karmada-es-cluster-hangzhou":  {"registry.cn-hangzhou.aliyuncs.com/company/nginx:1.25", "--region=asia-east", `[{"policy":"default/cross-cloud-config","rules":[0]}]`},
				"karmada-es-cluster-frankfurt": {"registry.eu-central.example.com/company/nginx:1.25", "--region=eu-central --compliance=gdpr", `[{"policy":"default/cross-cloud-config","rules":[1]}]`},
				"karmada-es-cluster-shanghai":  {"nginx:1.25", "", ""},
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("manifests by execution namespace (-want +got):\n%s", d)
			}
		})
	}
}

func TestScheduleWithAFailingOverrideExitsOne(t *testing.T) {
	broken := `apiVersion: policy.karmada.io/v1alpha1
kind: ClusterOverridePolicy
metadata: {name: broken}
spec:
  overrideRules:
  - targetCluster: {clusterNames: [cluster-frankfurt]}
    overriders:
      plaintext: [{path: /spec/no/such/field, operator: replace, value: 1}]`
	code, out := run(t, "schedule", "-f", seed03Scenario(t, broken))
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	errLine := out[strings.LastIndex(out, "error: "):]
	if !strings.Contains(errLine, "Deployment default/global-app: override failed for cluster-frankfurt: policy broken: overrideRules[0]: plaintext[0]") {
		t.Fatalf("error does not name the cluster, policy and rule:\n%s", errLine)
	}
	docs := decodeStream(t, strings.TrimSuffix(out, errLine))
	var namespaces []string
	for _, d := range docs[1:] {
		namespaces = append(namespaces, d.GetNamespace())
	}
	if d := cmp.Diff([]string{"karmada-es-cluster-hangzhou", "karmada-es-cluster-shanghai"}, namespaces); d != "" {
		t.Fatalf("Works (-want +got):\n%s", d)
	}
	conds, _, _ := unstructured.NestedSlice(docs[0].Object, "status", "conditions")
	var rendered map[string]any
	for _, c := range conds {
		if c.(map[string]any)["type"] == "Rendered" {
			rendered = c.(map[string]any)
		}
	}
	if rendered["status"] != "False" || rendered["reason"] != "OverrideFailed" || !strings.HasPrefix(rendered["message"].(string), "cluster-frankfurt: policy broken") {
		t.Fatalf("Rendered condition %v", rendered)
	}
}
