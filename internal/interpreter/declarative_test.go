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

package interpreter

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

const declarativeTrainer = `
apiVersion: ml.example.io/v1
kind: Trainer
metadata: {name: resnet, namespace: ml, generation: 4}
spec:
  size: 6
  paused: false
  template:
    spec:
      serviceAccountName: trainer
      containers:
      - name: main
        image: trainer:v1
        resources: {requests: {cpu: 500m, memory: 1Gi}}
        envFrom: [{configMapRef: {name: hyperparameters}}]
  evaluator:
    template:
      spec:
        containers: [{name: eval, image: eval:v1, env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: hub-token, key: t}}}]}]
status:
  phase: Running
  readyWorkers: 6
  loss: 0.25
  internal: {cache: big}
`

func decodeYAML(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	raw, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(raw); err != nil {
		t.Fatal(err)
	}
	return obj
}

func buildDeclarative(t *testing.T, d Declarative) Operations {
	t.Helper()
	ops, errs := d.Build()
	if len(errs) > 0 {
		t.Fatalf("build: %v", errs)
	}
	return ops
}

func TestDeclarativeReplicasAndRevision(t *testing.T) {
	ops := buildDeclarative(t, Declarative{ReplicasPath: ".spec.size", PodTemplatePath: "spec.template", RevisePath: "spec.size"})
	obj := decodeYAML(t, declarativeTrainer)
	r, err := ops.GetReplicas(obj)
	if err != nil {
		t.Fatal(err)
	}
	if r.Replicas != 6 || !r.Requirements.Requests.Cpu().Equal(resource.MustParse("500m")) || !r.Requirements.Requests.Memory().Equal(resource.MustParse("1Gi")) {
		t.Errorf("replicas %d requests %v; want 6 with 500m and 1Gi", r.Replicas, r.Requirements.Requests)
	}
	if err := ops.ReviseReplica(obj, Share{Replicas: 2}); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := unstructured.NestedInt64(obj.Object, "spec", "size"); n != 2 {
		t.Errorf("revised size %d; want 2", n)
	}
	unstructured.RemoveNestedField(obj.Object, "spec", "size")
	if r, _ := ops.GetReplicas(obj); r.Replicas != 1 {
		t.Errorf("missing size gave %d replicas; want 1", r.Replicas)
	}
	_ = unstructured.SetNestedField(obj.Object, "many", "spec", "size")
	if _, err := ops.GetReplicas(obj); err == nil {
		t.Error("a size of \"many\" gave no error")
	}
}

func TestDeclarativeHealth(t *testing.T) {
	ops := buildDeclarative(t, Declarative{HealthyWhen: "object.status.phase == 'Running' && object.status.readyWorkers >= object.spec.size"})
	obj := decodeYAML(t, declarativeTrainer)
	if h := ops.InterpretHealth(obj); h != workv1alpha1.ResourceHealthy {
		t.Errorf("running with every worker: %s", h)
	}
	_ = unstructured.SetNestedField(obj.Object, "Failed", "status", "phase")
	if h := ops.InterpretHealth(obj); h != workv1alpha1.ResourceUnhealthy {
		t.Errorf("failed: %s", h)
	}
	unstructured.RemoveNestedField(obj.Object, "status")
	if h := ops.InterpretHealth(obj); h != workv1alpha1.ResourceUnknown {
		t.Errorf("no status yet: %s; want Unknown", h)
	}
	for _, bad := range []string{"object.status.phase ==", "'not a bool'"} {
		if _, errs := (Declarative{HealthyWhen: bad}).Build(); len(errs) != 1 {
			t.Errorf("healthyWhen %q: errors %v; want one", bad, errs)
		}
	}
}

func TestDeclarativeStatusReflectionAndSum(t *testing.T) {
	ops := buildDeclarative(t, Declarative{StatusFields: []string{"phase", "readyWorkers", "loss"}, SumFields: []string{"readyWorkers", "loss"}})
	raw, err := ops.ReflectStatus(decodeYAML(t, declarativeTrainer))
	if err != nil {
		t.Fatal(err)
	}
	var reflected map[string]any
	if err := json.Unmarshal(raw.Raw, &reflected); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"phase": "Running", "readyWorkers": float64(6), "loss": 0.25, "generation": float64(4)}
	if !reflect.DeepEqual(reflected, want) {
		t.Errorf("reflected %v; want %v (internal fields left out)", reflected, want)
	}
	member := func(cluster, status string) MemberStatus {
		return MemberStatus{Cluster: cluster, Status: &runtime.RawExtension{Raw: []byte(status)}, Current: true}
	}
	tpl := decodeYAML(t, declarativeTrainer)
	status, err := ops.AggregateStatus(tpl, []MemberStatus{
		member("a", `{"readyWorkers": 4, "loss": 0.25}`), member("b", `{"readyWorkers": 2, "loss": 0.5}`), {Cluster: "c"},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if status["readyWorkers"] != int64(6) || status["loss"] != 0.75 {
		t.Errorf("aggregated %v; want readyWorkers 6 and loss 0.75", status)
	}
}

func TestDeclarativeRetainAndDependencies(t *testing.T) {
	ops := buildDeclarative(t, Declarative{RetainPaths: []string{"spec.paused"}, PodTemplatePaths: []string{"spec.template", "spec.evaluator.template"}})
	desired := decodeYAML(t, declarativeTrainer)
	observed := desired.DeepCopy()
	_ = unstructured.SetNestedField(observed.Object, true, "spec", "paused")
	retained, err := ops.Retain(desired, observed)
	if err != nil {
		t.Fatal(err)
	}
	if paused, _, _ := unstructured.NestedBool(retained.Object, "spec", "paused"); !paused {
		t.Error("the member's paused: true was not retained")
	}
	deps, err := ops.GetDependencies(decodeYAML(t, declarativeTrainer))
	if err != nil {
		t.Fatal(err)
	}
	want := []Dependency{
		{APIVersion: "v1", Kind: "ConfigMap", Namespace: "ml", Name: "hyperparameters"},
		{APIVersion: "v1", Kind: "Secret", Namespace: "ml", Name: "hub-token"},
		{APIVersion: "v1", Kind: "ServiceAccount", Namespace: "ml", Name: "trainer"},
	}
	if !reflect.DeepEqual(deps, want) {
		t.Errorf("dependencies %v; want %v", deps, want)
	}
}

func TestDeclarativeRefusesBadPaths(t *testing.T) {
	_, errs := Declarative{ReplicasPath: "spec..size", RevisePath: "spec.tasks[*].replicas", RetainPaths: []string{"spec["}}.Build()
	if len(errs) != 3 {
		t.Fatalf("errors %v; want three", errs)
	}
	var ops []Operation
	for _, err := range errs {
		var decl *DeclarativeError
		if !errors.As(err, &decl) {
			t.Fatalf("%v is not a DeclarativeError", err)
		}
		ops = append(ops, decl.Operation)
	}
	if !reflect.DeepEqual(ops, []Operation{OperationInterpretReplica, OperationReviseReplica, OperationRetain}) {
		t.Errorf("operations %v", ops)
	}
}

// BenchmarkGetReplicasDeclarative is the declarative rule's cost per object,
// beside luavm's BenchmarkGetReplicas (Lua) and BenchmarkGetReplicasBuiltin.
func BenchmarkGetReplicasDeclarative(b *testing.B) {
	ops, errs := Declarative{ReplicasPath: "spec.size", PodTemplatePath: "spec.template"}.Build()
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	raw, err := yaml.YAMLToJSON([]byte(declarativeTrainer))
	if err != nil {
		b.Fatal(err)
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(raw); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ops.GetReplicas(obj); err != nil {
			b.Fatal(err)
		}
	}
}
