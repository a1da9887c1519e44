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
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

const workloadCustomization = `apiVersion: config.karmada.io/v1alpha1
kind: ResourceInterpreterCustomization
metadata: {name: workload}
spec:
  target: {apiVersion: workload.example.io/v1alpha1, kind: Workload}
  customizations:
    replicaResource:
      luaScript: |
        local kube = require("kube")
        function GetReplicas(obj)
          return obj.spec.replicas, kube.accuratePodRequirements(obj.spec.template)
        end
    replicaRevision:
      luaScript: |
        function ReviseReplica(obj, desiredReplica)
          obj.spec.replicas = desiredReplica
          return obj
        end
    retention:
      luaScript: |
        function Retain(desiredObj, observedObj)
          desiredObj.spec.paused = observedObj.spec.paused
          return desiredObj
        end
    healthInterpretation:
      luaScript: |
        function InterpretHealth(observedObj)
          return observedObj.status.readyReplicas == observedObj.spec.replicas
        end
    statusAggregation:
      luaScript: |
        function AggregateStatus(desiredObj, statusItems)
          local ready = 0
          for i = 1, #statusItems do
            ready = ready + statusItems[i].status.readyReplicas
          end
          desiredObj.status = {readyReplicas = ready}
          return desiredObj
        end
    dependencyInterpretation:
      luaScript: |
        local kube = require("kube")
        function GetDependencies(desiredObj)
          return kube.getPodDependencies(desiredObj.spec.template, desiredObj.metadata.namespace)
        end
`

const workloadObject = `apiVersion: workload.example.io/v1alpha1
kind: Workload
metadata: {name: web, namespace: shop}
spec:
  replicas: 6
  paused: false
  template:
    spec:
      containers:
      - name: web
        image: nginx
        resources: {requests: {cpu: 250m}}
        envFrom: [{configMapRef: {name: settings}}]
status: {readyReplicas: 6}
`

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestInterpretRunsEachOperation(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"ric.yaml": workloadCustomization, "obj.yaml": workloadObject,
		"observed.yaml": strings.Replace(workloadObject, "paused: false", "paused: true", 1),
		"statuses.yaml": "- {clusterName: a, status: {readyReplicas: 4}}\n- {clusterName: b, status: {readyReplicas: 2}}\n",
	})
	f := func(name string) string { return filepath.Join(dir, name) }
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"check", []string{"--check"}, []string{"InterpretReplica: ok", "Retain: ok", "InterpretDependency: ok"}},
		{"replicas", []string{"--operation", "InterpretReplica", "--object", f("obj.yaml")}, []string{"replicas: 6", "cpu: 250m"}},
		{"karmadactl spelling", []string{"--operation", "interpretReplica", "--object", f("obj.yaml")}, []string{"replicas: 6"}},
		{"revise", []string{"--operation", "ReviseReplica", "--object", f("obj.yaml"), "--desired-replica", "2"}, []string{"replicas: 2"}},
		{"retain", []string{"--operation", "Retain", "--desired-file", f("obj.yaml"), "--observed-file", f("observed.yaml")}, []string{"paused: true"}},
		{"health", []string{"--operation", "InterpretHealth", "--object", f("obj.yaml")}, []string{"health: Healthy"}},
		{"dependencies", []string{"--operation", "InterpretDependency", "--object", f("obj.yaml")}, []string{"kind: ConfigMap", "name: settings", "namespace: shop"}},
		{"aggregate", []string{"--operation", "AggregateStatus", "--object", f("obj.yaml"), "--status-file", f("statuses.yaml")}, []string{"readyReplicas: 6"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out := run(t, append([]string{"interpret", "-f", f("ric.yaml")}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestInterpretBuiltinAndErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: x}\nspec:\n  replicas: 3\n  template: {spec: {containers: [{name: c, image: i}]}}\n",
		"broken.yaml": strings.Replace(workloadCustomization, "return obj.spec.replicas,", "return obj.spec.replicas end,", 1),
		"obj.yaml":    workloadObject,
	})
	f := func(name string) string { return filepath.Join(dir, name) }
	code, out := run(t, "interpret", "--operation", "InterpretReplica", "--object", f("deploy.yaml"))
	var got map[string]any
	if err := yaml.Unmarshal([]byte(out), &got); code != 0 || err != nil || got["replicas"] != float64(3) {
		t.Errorf("built-in Deployment: exit %d, %v: %s", code, err, out)
	}
	if code, out := run(t, "interpret", "-f", f("broken.yaml"), "--check"); code != 1 || !strings.Contains(out, "InterpretReplica: does not compile") {
		t.Errorf("broken --check: exit %d: %s", code, out)
	}
	if code, out := run(t, "interpret", "-f", f("broken.yaml"), "--operation", "InterpretReplica", "--object", f("obj.yaml")); code != 1 || !strings.Contains(out, "does not compile") {
		t.Errorf("broken run: exit %d: %s", code, out)
	}
	if code, out := run(t, "interpret", "--operation", "Frobnicate", "--object", f("obj.yaml")); code != 2 || !strings.Contains(out, "unknown --operation") {
		t.Errorf("unknown operation: exit %d: %s", code, out)
	}
	if code, out := run(t, "interpret", "-f", f("broken.yaml"), "--operation", "InterpretReplica", "--object", f("deploy.yaml")); code != 1 || !strings.Contains(out, "not apps/v1 Deployment") {
		t.Errorf("wrong kind: exit %d: %s", code, out)
	}
}

// TestScheduleInterpretsACRDWithTheScenariosCustomization: the what-if
// uses the scenario's customisation, so the CRD is divided and each Work
// carries its share.
func TestScheduleInterpretsACRDWithTheScenariosCustomization(t *testing.T) {
	clusters, err := os.ReadFile("../../examples/scenarios/seed-fleet-clusters.yaml")
	if err != nil {
		t.Fatal(err)
	}
	scenario := strings.Join([]string{string(clusters), workloadCustomization, workloadObject, `apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: web, namespace: shop}
spec:
  resourceSelectors: [{apiVersion: workload.example.io/v1alpha1, kind: Workload, name: web}]
  placement:
    clusterAffinity: {clusterNames: [cluster-hangzhou, cluster-shanghai]}
    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}`}, "\n---\n")
	dir := writeFiles(t, map[string]string{"scenario.yaml": scenario})
	code, out := run(t, "schedule", "-f", filepath.Join(dir, "scenario.yaml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	docs := decodeStream(t, out)
	if len(docs) != 3 {
		t.Fatalf("got %d documents, want the binding and two Works:\n%s", len(docs), out)
	}
	if replicas, _, _ := unstructured.NestedInt64(docs[0].Object, "spec", "replicas"); replicas != 6 {
		t.Errorf("binding replicas %d, want 6 (from the Lua GetReplicas)", replicas)
	}
	for _, w := range docs[1:] {
		manifests, _, _ := unstructured.NestedSlice(w.Object, "spec", "workload", "manifests")
		spec := manifests[0].(map[string]any)["spec"].(map[string]any)
		if spec["replicas"] != int64(3) {
			t.Errorf("%s: replicas %v, want 3 (ReviseReplica)", w.GetNamespace(), spec["replicas"])
		}
	}
}

// TestInterpretTheExample: the README's command on the example files, whose
// workload file also holds a ConfigMap and a policy.
func TestInterpretTheExample(t *testing.T) {
	code, out := run(t, "interpret", "-f", "../../examples/interpreter/customization.yaml", "--operation", "InterpretReplica",
		"--object", "../../examples/interpreter/workload.yaml")
	if code != 0 || !strings.Contains(out, "replicas: 6") || !strings.Contains(out, "cpu: 100m") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if code, out := run(t, "interpret", "-f", "../../examples/interpreter/customization.yaml", "--check"); code != 0 {
		t.Fatalf("--check: exit %d:\n%s", code, out)
	}
}
