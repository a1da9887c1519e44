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
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

var allOperations = []Operation{OperationInterpretReplica, OperationReviseReplica, OperationInterpretDependency,
	OperationInterpretHealth, OperationInterpretStatus, OperationAggregateStatus, OperationRetain}

// handled lists the operations in answers Handles for.
func handled(in Interpreter) []Operation {
	var out []Operation
	for _, op := range allOperations {
		if in.Handles(op) {
			out = append(out, op)
		}
	}
	return out
}

func TestBuiltinsHandle(t *testing.T) {
	withReplicas := []Operation{OperationInterpretReplica, OperationReviseReplica, OperationInterpretDependency, OperationInterpretHealth, OperationAggregateStatus}
	cases := map[schema.GroupVersionKind][]Operation{
		{Group: "apps", Version: "v1", Kind: "Deployment"}:  withReplicas,
		{Group: "apps", Version: "v1", Kind: "StatefulSet"}: withReplicas,
		{Group: "batch", Version: "v1", Kind: "Job"}:        withReplicas,
		{Group: "apps", Version: "v1", Kind: "ReplicaSet"}: {OperationInterpretReplica, OperationReviseReplica,
			OperationInterpretDependency, OperationAggregateStatus},
		{Group: "apps", Version: "v1", Kind: "DaemonSet"}: {OperationInterpretDependency, OperationInterpretHealth, OperationAggregateStatus},
		{Group: "batch", Version: "v1", Kind: "CronJob"}:  {OperationInterpretDependency, OperationInterpretHealth, OperationAggregateStatus},
		{Version: "v1", Kind: "Pod"}:                      {OperationInterpretDependency, OperationInterpretHealth, OperationAggregateStatus},
		// Kinds propagated whole have their members' statuses merged.
		{Version: "v1", Kind: "Service"}:                                       {OperationInterpretHealth, OperationAggregateStatus},
		{Group: "networking.k8s.io", Version: "v1", Kind: "Ingress"}:           {OperationInterpretHealth, OperationAggregateStatus},
		{Version: "v1", Kind: "PersistentVolumeClaim"}:                         {OperationInterpretHealth, OperationAggregateStatus},
		{Group: "autoscaling", Version: "v2", Kind: "HorizontalPodAutoscaler"}: {OperationInterpretReplica, OperationReviseReplica, OperationInterpretHealth, OperationAggregateStatus},
		{Group: "policy", Version: "v1", Kind: "PodDisruptionBudget"}:          {OperationInterpretHealth, OperationAggregateStatus},
		// Built-ins hold for every version of their group and kind.
		{Group: "apps", Version: "v1beta2", Kind: "DaemonSet"}: {OperationInterpretDependency, OperationInterpretHealth, OperationAggregateStatus},
		{Version: "v1", Kind: "ConfigMap"}:                     nil,
		// A custom kind has its members' conventional conditions merged.
		{Group: "example.com", Version: "v1", Kind: "Pod"}: {OperationAggregateStatus},
	}
	for gvk, want := range cases {
		if diff := cmp.Diff(want, handled(For(gvk))); diff != "" {
			t.Errorf("%v handles (-want +got):\n%s", gvk, diff)
		}
	}
}

func TestUnknownKindGetsTheDefault(t *testing.T) {
	widget := parse(t, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: ns, generation: 2}\nspec: {replicas: 3, secretName: s}\nstatus: {phase: Broken}")
	before := widget.DeepCopy()
	in := For(widget.GroupVersionKind())
	if diff := cmp.Diff([]Operation{OperationAggregateStatus}, handled(in)); diff != "" {
		t.Errorf("an unknown custom kind handles (-want +got):\n%s", diff)
	}
	if r, err := in.GetReplicas(widget); r != nil || err != nil {
		t.Errorf("GetReplicas = %+v, %v; want nil, nil", r, err)
	}
	if err := in.ReviseReplica(widget, Share{Cluster: "hz", Replicas: 1}); err != nil || !cmp.Equal(before.Object, widget.Object) {
		t.Errorf("ReviseReplica = %v, and revised %v", err, widget.Object)
	}
	if deps, err := in.GetDependencies(widget); deps != nil || err != nil {
		t.Errorf("GetDependencies = %v, %v; want nil, nil", deps, err)
	}
	if h := in.InterpretHealth(widget); h != workv1alpha1.ResourceHealthy {
		t.Errorf("InterpretHealth = %s, want healthy once applied", h)
	}
	if raw, err := in.ReflectStatus(widget); err != nil || raw == nil || string(raw.Raw) != `{"generation":2,"phase":"Broken"}` {
		t.Errorf("ReflectStatus = %v, %v; want the whole status with the generation", raw, err)
	}
	if st, err := in.AggregateStatus(widget, []MemberStatus{reported("hz", `{"phase":"Fine"}`, true, true)}, time.Time{}); st != nil || err != nil {
		t.Errorf("AggregateStatus = %v, %v; want nil, nil", st, err)
	}
}

func TestCustomisationFallsBackToTheBuiltin(t *testing.T) {
	const rolledOut = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"ns","generation":1},
		"spec":{"replicas":2,"template":{"spec":{"serviceAccountName":"runner","containers":[{"name":"a","image":"nginx"}]}}},
		"status":{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"availableReplicas":2}}`
	d := object(t, rolledOut)
	neverHealthy := func(*unstructured.Unstructured) workv1alpha1.ResourceHealth { return workv1alpha1.ResourceUnhealthy }
	r := NewRegistry()
	r.Register(d.GroupVersionKind(), Operations{InterpretHealth: neverHealthy})

	in := r.For(d.GroupVersionKind())
	if h := in.InterpretHealth(d); h != workv1alpha1.ResourceUnhealthy {
		t.Errorf("customised health %s, want unhealthy", h)
	}
	if rep, err := in.GetReplicas(d); err != nil || rep == nil || rep.Replicas != 2 {
		t.Errorf("GetReplicas = %+v, %v; want the built-in's 2", rep, err)
	}
	if deps, err := in.GetDependencies(d); err != nil || len(deps) != 1 || deps[0].Name != "runner" {
		t.Errorf("GetDependencies = %v, %v; want the built-in's service account", deps, err)
	}
	if err := in.ReviseReplica(d, Share{Cluster: "hz", Replicas: 1}); err != nil || desiredReplicas(d) != 1 {
		t.Errorf("ReviseReplica = %v, replicas %d; want the built-in's spec.replicas 1", err, desiredReplicas(d))
	}
	if diff := cmp.Diff(handled(For(d.GroupVersionKind())), handled(in)); diff != "" {
		t.Errorf("handles (-built-in +customised):\n%s", diff)
	}

	// The customisation is for its version only, and not in the Default
	// registry.
	d = object(t, rolledOut)
	if h := r.For(d.GroupVersionKind().GroupKind().WithVersion("v1beta2")).InterpretHealth(d); h != workv1alpha1.ResourceHealthy {
		t.Errorf("apps/v1beta2 health %s, want the built-in's healthy", h)
	}
	if h := For(d.GroupVersionKind()).InterpretHealth(d); h != workv1alpha1.ResourceHealthy {
		t.Errorf("Default registry health %s, want the built-in's healthy", h)
	}

	// Registering again replaces the customisation.
	r.Register(d.GroupVersionKind(), Operations{})
	if h := r.For(d.GroupVersionKind()).InterpretHealth(d); h != workv1alpha1.ResourceHealthy {
		t.Errorf("health after the customisation was replaced %s, want the built-in's healthy", h)
	}
}

func TestCustomisationOfAnUnknownKindFallsBackToTheDefault(t *testing.T) {
	widget := parse(t, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}")
	size := func(obj *unstructured.Unstructured) (*Replicated, error) {
		n, _, err := unstructured.NestedInt64(obj.Object, "spec", "size")
		return &Replicated{Replicas: n}, err
	}
	r := NewRegistry()
	r.Register(widget.GroupVersionKind(), Operations{GetReplicas: size})
	in := r.For(widget.GroupVersionKind())
	if diff := cmp.Diff([]Operation{OperationInterpretReplica, OperationAggregateStatus}, handled(in)); diff != "" {
		t.Errorf("handles (-want +got):\n%s", diff)
	}
	if rep, err := in.GetReplicas(widget); err != nil || rep == nil || rep.Replicas != 3 {
		t.Errorf("GetReplicas = %+v, %v; want the customisation's 3", rep, err)
	}
	if h := in.InterpretHealth(widget); h != workv1alpha1.ResourceHealthy {
		t.Errorf("InterpretHealth = %s, want the default's healthy", h)
	}
	if deps, err := in.GetDependencies(widget); deps != nil || err != nil {
		t.Errorf("GetDependencies = %v, %v; want the default's none", deps, err)
	}
}
