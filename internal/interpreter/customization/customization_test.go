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

package customization

import (
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/yaml"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/interpreter/luavm"
)

func customisation(t *testing.T, doc string) *configv1alpha1.ResourceInterpreterCustomization {
	t.Helper()
	ric := &configv1alpha1.ResourceInterpreterCustomization{}
	if err := yaml.UnmarshalStrict([]byte(doc), ric); err != nil {
		t.Fatal(err)
	}
	return ric
}

func widget(size int64, phase string) *unstructured.Unstructured {
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "example.io/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "w", "namespace": "ns"},
		"spec":     map[string]any{"size": size},
	}}
	if phase != "" {
		obj.Object["status"] = map[string]any{"phase": phase}
	}
	return obj
}

const mixed = `
metadata: {name: widget}
spec:
  target: {apiVersion: example.io/v1, kind: Widget}
  customizations:
    replicaResource:
      luaScript: |
        function GetReplicas(obj)
          if obj.spec.size > 100 then error("too big: " .. obj.spec.size) end
          return obj.spec.size, nil
        end
    replicaRevision: {replicasPath: spec.size}
    healthInterpretation: {healthyWhen: "object.status.phase == 'Running'"}
`

// TestBuildMixesLuaAndDeclarativeAndReportsRuns: rule by rule, Lua or
// declarative; every run reported, a failure recorded with its object and
// cleared by a later success.
func TestBuildMixesLuaAndDeclarativeAndReportsRuns(t *testing.T) {
	clock := clocktesting.NewFakePassiveClock(time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
	var changed []string
	failures := &Failures{Clock: clock, Changed: func(name string) { changed = append(changed, name) }}
	b := Build(customisation(t, mixed), NewLuaScripts(luavm.Limits{}), failures)
	if len(b.Errors) > 0 {
		t.Fatal(b.Errors)
	}
	if got := b.Operations.Implemented(); len(got) != 3 {
		t.Fatalf("implemented %v; want InterpretReplica, ReviseReplica, InterpretHealth", got)
	}
	r, err := b.Operations.GetReplicas(widget(7, ""))
	if err != nil || r.Replicas != 7 {
		t.Fatalf("GetReplicas: %v, %v", r, err)
	}
	obj := widget(7, "")
	if err := b.Operations.ReviseReplica(obj, interpreter.Share{Replicas: 3}); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := unstructured.NestedInt64(obj.Object, "spec", "size"); n != 3 {
		t.Errorf("revised size %d", n)
	}
	if h := b.Operations.InterpretHealth(widget(1, "Running")); h != workv1alpha1.ResourceHealthy {
		t.Errorf("health %s", h)
	}

	_, err = b.Operations.GetReplicas(widget(500, ""))
	if err == nil || !strings.Contains(err.Error(), "too big: 500") {
		t.Fatalf("error %v", err)
	}
	_, _ = b.Operations.GetReplicas(widget(501, ""))
	got := failures.Of("widget")
	if len(got) != 1 || got[0].Operation != "InterpretReplica" || got[0].Count != 2 || got[0].Object != "example.io/v1 Widget ns/w" ||
		!strings.Contains(got[0].Message, "too big: 501") || got[0].Recovered || !got[0].LastFailureTime.Equal(&metav1.Time{Time: clock.Now()}) {
		t.Fatalf("failures %+v", got)
	}
	if _, err := b.Operations.GetReplicas(widget(2, "")); err != nil {
		t.Fatal(err)
	}
	if got := failures.Of("widget"); !got[0].Recovered {
		t.Errorf("a success did not mark the failure recovered: %+v", got)
	}
	// First failure, new message, recovery: shown; a repeat alone is not.
	if len(changed) != 3 {
		t.Errorf("Changed called %d times (%v); want 3", len(changed), changed)
	}
}

// TestRulesThatDoNotCompileAnswerWithTheirError: the kind does not fall
// back silently; health is Unknown.
func TestRulesThatDoNotCompileAnswerWithTheirError(t *testing.T) {
	failures := &Failures{}
	b := Build(customisation(t, `
metadata: {name: broken}
spec:
  target: {apiVersion: example.io/v1, kind: Widget}
  customizations:
    replicaResource: {luaScript: "function GetReplicas(obj) return obj.spec.size end end"}
    healthInterpretation: {luaScript: "function Healthy(obj) return true end"}
    replicaRevision: {replicasPath: "spec..size"}
`), NewLuaScripts(luavm.Limits{}), failures)
	if len(b.Errors) != 3 {
		t.Fatalf("errors %v; want three", b.Errors)
	}
	var ops []string
	for _, err := range b.Errors {
		ops = append(ops, string(OperationOf(err)))
	}
	if strings.Join(ops, ",") != "InterpretReplica,InterpretHealth,ReviseReplica" {
		t.Errorf("operations %v", ops)
	}
	if _, err := b.Operations.GetReplicas(widget(1, "")); err == nil || !strings.Contains(err.Error(), "does not compile") {
		t.Errorf("GetReplicas error %v", err)
	}
	if h := b.Operations.InterpretHealth(widget(1, "Running")); h != workv1alpha1.ResourceUnknown {
		t.Errorf("health %s; want Unknown", h)
	}
	if err := b.Operations.ReviseReplica(widget(1, ""), interpreter.Share{Replicas: 1}); err == nil {
		t.Error("ReviseReplica answered")
	}
}

// TestMergeFirstByNameWins: two customisations of one kind share it out
// by operation; the second one's duplicate is shadowed and says by whom.
func TestMergeFirstByNameWins(t *testing.T) {
	a := Build(customisation(t, `
metadata: {name: a-health}
spec:
  target: {apiVersion: example.io/v1, kind: Widget}
  customizations:
    healthInterpretation: {healthyWhen: "true"}
`), nil, nil)
	b := Build(customisation(t, `
metadata: {name: b-all}
spec:
  target: {apiVersion: example.io/v1, kind: Widget}
  customizations:
    healthInterpretation: {healthyWhen: "false"}
    replicaResource: {replicasPath: spec.size}
`), nil, nil)
	merged, shadowed := Merge([]Built{b, a})
	ops := merged[a.Target]
	if h := ops.InterpretHealth(widget(1, "")); h != workv1alpha1.ResourceHealthy {
		t.Errorf("health from %s; want a-health's", h)
	}
	if !ops.Has(interpreter.OperationInterpretReplica) {
		t.Error("b-all's InterpretReplica was lost")
	}
	if len(shadowed["b-all"]) != 1 || !strings.Contains(shadowed["b-all"][0].Error(), "a-health also customises InterpretHealth") || len(shadowed["a-health"]) != 0 {
		t.Errorf("shadowed %v", shadowed)
	}
	var opErr *OperationError
	if !errors.As(shadowed["b-all"][0], &opErr) || opErr.Operation != interpreter.OperationInterpretHealth {
		t.Errorf("shadow error %v does not name its operation", shadowed["b-all"][0])
	}
}
