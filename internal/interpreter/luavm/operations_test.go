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

package luavm

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/interpreter"
)

// unchanged fails if a call modified the object it was given.
func unchanged(t *testing.T, before, after *unstructured.Unstructured) {
	t.Helper()
	if !reflect.DeepEqual(before.Object, after.Object) {
		t.Fatalf("the call modified its argument:\nbefore %v\nafter  %v", before.Object, after.Object)
	}
}

func TestReviseReplica(t *testing.T) {
	script := compile(t, interpreter.OperationReviseReplica, `
function ReviseReplica(obj, desiredReplica)
  obj.spec.replicas = desiredReplica
  return obj
end`)
	obj := parse(t, cloneSet)
	before := obj.DeepCopy()
	got, err := New(Limits{}).ReviseReplica(script, obj, 2)
	if err != nil {
		t.Fatal(err)
	}
	unchanged(t, before, obj)
	// Everything else comes back as it was, the empty objects (annotations,
	// emptyDir) and arrays (imagePullSecrets, conditions) included.
	want := before.DeepCopy()
	want.Object["spec"].(map[string]any)["replicas"] = int64(2)
	if !reflect.DeepEqual(got.Object, want.Object) {
		t.Fatalf("got\n%v\nwant\n%v", got.Object, want.Object)
	}
}

func TestRetain(t *testing.T) {
	script := compile(t, interpreter.OperationRetain, `
function Retain(desiredObj, observedObj)
  -- the member's autoscaler owns the replicas
  if observedObj.spec.replicas ~= nil then
    desiredObj.spec.replicas = observedObj.spec.replicas
  end
  desiredObj.metadata.finalizers = {}
  desiredObj.metadata.annotations = {}
  desiredObj.spec.scratch = {}
  desiredObj.status = observedObj.status
  return desiredObj
end`)
	desired := parse(t, `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {replicas: 5, paused: false, ports: []}}`)
	observed := parse(t, `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, finalizers: [], annotations: {a: b}},
		spec: {replicas: 7}, status: {phase: Ready, items: [], details: {}}}`)
	desiredBefore, observedBefore := desired.DeepCopy(), observed.DeepCopy()
	got, err := New(Limits{}).Retain(script, desired, observed)
	if err != nil {
		t.Fatal(err)
	}
	unchanged(t, desiredBefore, desired)
	unchanged(t, observedBefore, observed)
	// The script's empty tables take their kind from observed, or are
	// dropped when neither object has them (spec.scratch).
	want := parse(t, `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, finalizers: [], annotations: {}},
		spec: {replicas: 7, paused: false, ports: []}, status: {phase: Ready, items: [], details: {}}}`)
	if !reflect.DeepEqual(got.Object, want.Object) {
		t.Fatalf("got\n%v\nwant\n%v", got.Object, want.Object)
	}
}

const aggregateScript = `
function AggregateStatus(desiredObj, statusItems)
  if statusItems == nil then
    return desiredObj
  end
  local ready, replicas = 0, 0
  local unhealthy = {}
  for i = 1, #statusItems do
    local status = statusItems[i].status
    if status ~= nil then
      replicas = replicas + (status.replicas or 0)
      ready = ready + (status.readyReplicas or 0)
    end
    if statusItems[i].health ~= "Healthy" then
      table.insert(unhealthy, statusItems[i].clusterName)
    end
  end
  if desiredObj.status == nil then
    desiredObj.status = {}
  end
  desiredObj.status.replicas = replicas
  desiredObj.status.readyReplicas = ready
  desiredObj.status.clusters = {}
  for _, item in ipairs(statusItems) do
    table.insert(desiredObj.status.clusters, {name = item.clusterName, applied = item.applied})
  end
  desiredObj.status.conditions = {}
  desiredObj.status.message = string.format("%d/%d ready; unhealthy: %s", ready, replicas, table.concat(unhealthy, ","))
  return desiredObj
end`

func TestAggregateStatus(t *testing.T) {
	script := compile(t, interpreter.OperationAggregateStatus, aggregateScript)
	r := New(Limits{})
	tpl := parse(t, `{apiVersion: apps.kruise.io/v1alpha1, kind: CloneSet, metadata: {name: web, generation: 2}, spec: {replicas: 5}}`)
	before := tpl.DeepCopy()
	items := []StatusItem{
		{ClusterName: "member1", Status: &runtime.RawExtension{Raw: []byte(`{"replicas":3,"readyReplicas":3,"conditions":[]}`)}, Applied: true, Health: workv1alpha1.ResourceHealthy},
		{ClusterName: "member2", Status: &runtime.RawExtension{Raw: []byte(`{"replicas":2,"readyReplicas":1}`)}, Applied: true, Health: workv1alpha1.ResourceUnhealthy},
		{ClusterName: "member3", Applied: false, Health: workv1alpha1.ResourceUnknown},
	}
	got, err := r.AggregateStatus(script, tpl, items)
	if err != nil {
		t.Fatal(err)
	}
	unchanged(t, before, tpl)
	// status.conditions is empty in the script; member1 reports it as a
	// list, so it is one.
	want := parse(t, `{apiVersion: apps.kruise.io/v1alpha1, kind: CloneSet, metadata: {name: web, generation: 2}, spec: {replicas: 5},
		status: {replicas: 5, readyReplicas: 4, conditions: [], message: "4/5 ready; unhealthy: member2,member3",
		  clusters: [{name: member1, applied: true}, {name: member2, applied: true}, {name: member3, applied: false}]}}`)
	if !reflect.DeepEqual(got.Object, want.Object) {
		t.Fatalf("got\n%v\nwant\n%v", got.Object, want.Object)
	}

	// Not propagated to any cluster yet: statusItems is nil.
	got, err = r.AggregateStatus(script, tpl, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Object, before.Object) {
		t.Fatalf("without members got %v, want the template as it is", got.Object)
	}

	_, err = r.AggregateStatus(script, tpl, []StatusItem{{ClusterName: "member1", Status: &runtime.RawExtension{Raw: []byte(`{"replicas":`)}}})
	wantError(t, err, "AggregateStatus: the status of member1:")
}

func TestReflectStatus(t *testing.T) {
	r := New(Limits{})
	reflectFields := compile(t, interpreter.OperationInterpretStatus, `
function ReflectStatus(observedObj)
  if observedObj.status == nil then
    return nil
  end
  local status = {}
  status.replicas = observedObj.status.replicas
  status.readyReplicas = observedObj.status.readyReplicas
  status.conditions = observedObj.status.conditions
  status.generation = observedObj.metadata.generation
  status.selector = {}
  return status
end`)
	cases := map[string]struct {
		script *Script
		doc    string
		want   string // JSON, "" for no status
		err    string
	}{
		// selector is an empty table no status has: dropped.
		"selected fields": {script: reflectFields, doc: cloneSet, want: `{"replicas":5,"readyReplicas":4,"conditions":[],"generation":4}`},
		"no status":       {script: reflectFields, doc: `{apiVersion: v1, kind: Widget, metadata: {name: w}}`},
		"an empty status": {
			script: compile(t, interpreter.OperationInterpretStatus, `function ReflectStatus(obj) return {} end`),
			doc:    cloneSet, want: `{}`,
		},
		"not a table": {
			script: compile(t, interpreter.OperationInterpretStatus, `function ReflectStatus(obj) return obj.status.replicas end`),
			doc:    cloneSet, err: "InterpretStatus: the script returned a number, not a table",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obj := parse(t, tc.doc)
			before := obj.DeepCopy()
			got, err := r.ReflectStatus(tc.script, obj)
			unchanged(t, before, obj)
			if tc.err != "" {
				wantError(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if got != nil {
					t.Fatalf("got status %s, want none", got.Raw)
				}
				return
			}
			var gotStatus, wantStatus any
			if err := json.Unmarshal(got.Raw, &gotStatus); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.want), &wantStatus); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gotStatus, wantStatus) {
				t.Fatalf("status %s, want %s", got.Raw, tc.want)
			}
		})
	}
}

func TestInterpretHealth(t *testing.T) {
	r := New(Limits{})
	rollout := `
function InterpretHealth(observedObj)
  if observedObj.status == nil or observedObj.status.observedGeneration ~= observedObj.metadata.generation then
    return false
  end
  return observedObj.status.readyReplicas == observedObj.spec.replicas
end`
	cases := map[string]struct {
		script string
		doc    string
		want   bool
		err    string
	}{
		"not all ready": {script: rollout, doc: cloneSet, want: false},
		"all ready":     {script: rollout, doc: strings.Replace(cloneSet, "readyReplicas: 4", "readyReplicas: 5", 1), want: true},
		"no status":     {script: rollout, doc: `{apiVersion: v1, kind: Widget, metadata: {name: w}, spec: {replicas: 1}}`, want: false},
		"nil is false":  {script: `function InterpretHealth(obj) return nil end`, doc: cloneSet, want: false},
		"not a boolean": {script: `function InterpretHealth(obj) return "yes" end`, doc: cloneSet, err: "InterpretHealth: the script returned a string, not a boolean"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obj := parse(t, tc.doc)
			got, err := r.InterpretHealth(compile(t, interpreter.OperationInterpretHealth, tc.script), obj)
			if tc.err != "" {
				wantError(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("healthy %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGetDependencies(t *testing.T) {
	r := New(Limits{})
	dep := func(kind, name string) interpreter.Dependency {
		return interpreter.Dependency{APIVersion: "v1", Kind: kind, Namespace: "shop", Name: name}
	}
	cases := map[string]struct {
		script string
		want   []interpreter.Dependency
		err    string
	}{
		"the pod template's and the script's own, sorted, without duplicates": {
			script: `
local kube = require("kube")
function GetDependencies(desiredObj)
  local refs = kube.getPodDependencies(desiredObj.spec.template, desiredObj.metadata.namespace)
  table.insert(refs, {apiVersion = "v1", kind = "ConfigMap", name = desiredObj.metadata.name .. "-extra"})
  table.insert(refs, {apiVersion = "v1", kind = "Secret", name = "web-secret"})
  table.insert(refs, {apiVersion = "v1", kind = "Secret", namespace = "shared", name = "ca"})
  return refs
end`,
			want: []interpreter.Dependency{
				dep("ConfigMap", "web-config"), dep("ConfigMap", "web-extra"), dep("PersistentVolumeClaim", "web-data"),
				{APIVersion: "v1", Kind: "Secret", Namespace: "shared", Name: "ca"}, dep("Secret", "web-secret"), dep("ServiceAccount", "web"),
			},
		},
		"nil is none":           {script: `function GetDependencies(obj) return nil end`},
		"an empty list is none": {script: `function GetDependencies(obj) return {} end`},
		"a label selector": {
			script: `function GetDependencies(obj) return {{apiVersion = "v1", kind = "Secret", labelSelector = {matchLabels = {app = "web"}}}} end`,
			err:    "InterpretDependency: dependency 1: selects its objects by labelSelector: label-selected dependencies are not supported yet",
		},
		"no name": {
			script: `function GetDependencies(obj) return {{apiVersion = "v1", kind = "Secret"}} end`,
			err:    "InterpretDependency: dependency 1: name is missing",
		},
		"an object, not a list": {
			script: `function GetDependencies(obj) return {apiVersion = "v1", kind = "Secret", name = "x"} end`,
			err:    "InterpretDependency: the script returned an object, not a list",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obj := parse(t, cloneSet)
			before := obj.DeepCopy()
			got, err := r.GetDependencies(compile(t, interpreter.OperationInterpretDependency, tc.script), obj)
			unchanged(t, before, obj)
			if tc.err != "" {
				wantError(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("dependencies\n%v\nwant\n%v", got, tc.want)
			}
		})
	}
}
