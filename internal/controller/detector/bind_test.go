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

package detector

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/policymatch"
	"kurator.dev/kurator/internal/scheme"
)

// drainEvents returns the events recorded so far.
func drainEvents(rec *events.FakeRecorder) []string {
	var out []string
	for {
		select {
		case e := <-rec.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

// TestBindingFailedOnlyOnTransitions binds a template whose policy targets
// a fleet: while the fleet is missing, each retry fails; only the first
// failure, and a failure with another message, are events.
func TestBindingFailedOnlyOnTransitions(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).Build()
	rec := events.NewFakeRecorder(100)
	d := &Detector{Client: c, Reader: c, Recorder: rec}
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "conf", "namespace": "ns", "uid": "conf-uid"}, "data": map[string]any{"k": "v"}}}
	k := key{GVK: u.GroupVersionKind(), Namespace: "ns", Name: "conf"}
	targeting := func(fleet string) policy {
		return policy{Candidate: policymatch.Candidate{Name: "pp", Namespace: "ns", Spec: &policyv1alpha1.PropagationSpec{}},
			UID: "pp-uid", Labels: map[string]string{fleetv1alpha1.LabelFleetName: fleet}}
	}
	bindWith := func(p policy) error {
		t.Helper()
		return d.bind(ctx, k, u, p)
	}

	for range 3 {
		if err := bindWith(targeting("east")); err == nil {
			t.Fatal("bound to a missing fleet")
		}
	}
	got := drainEvents(rec)
	if len(got) != 1 || !strings.HasPrefix(got[0], "Warning BindingFailed ") || !strings.Contains(got[0], "fleet ns/east") {
		t.Fatalf("events after three failed attempts: %q, want one BindingFailed", got)
	}

	// Another failure: another event.
	if err := bindWith(targeting("west")); err == nil {
		t.Fatal("bound to a missing fleet")
	}
	if got := drainEvents(rec); len(got) != 1 || !strings.Contains(got[0], "fleet ns/west") {
		t.Fatalf("events after the failure changed: %q, want one about fleet west", got)
	}

	// The fleet appears: the template binds and its failure is forgotten,
	// so a later failure is an event again.
	if err := c.Create(ctx, &fleetv1alpha1.Fleet{ObjectMeta: metav1.ObjectMeta{Name: "west", Namespace: "ns"}}); err != nil {
		t.Fatal(err)
	}
	if err := bindWith(targeting("west")); err != nil {
		t.Fatalf("bind once the fleet exists: %v", err)
	}
	rb := &workv1alpha2.ResourceBinding{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: "ns", Name: workv1alpha2.BindingName("conf", "ConfigMap")}, rb); err != nil {
		t.Fatalf("no binding after the fleet appeared: %v", err)
	}
	if got := drainEvents(rec); len(got) != 0 || len(d.failures.last) != 0 {
		t.Fatalf("events %q and failures %v after binding, want none", got, d.failures.last)
	}
	if err := bindWith(targeting("east")); err == nil {
		t.Fatal("bound to a missing fleet")
	}
	if got := drainEvents(rec); len(got) != 1 {
		t.Fatalf("events after a new failure: %q, want one", got)
	}

	// The template goes: so does its failure.
	if err := d.reconcile(ctx, k); err != nil {
		t.Fatal(err)
	}
	if len(d.failures.last) != 0 {
		t.Fatalf("failures %v after the template went, want none", d.failures.last)
	}
}

func TestBindFailuresRecordsTransitions(t *testing.T) {
	var f bindFailures
	a, b := key{Name: "a"}, key{Name: "b"}
	steps := []struct {
		record key
		msg    string
		want   bool
	}{
		{a, "boom", true},
		{a, "boom", false},
		{b, "boom", true},
		{a, "bang", true},
		{a, "bang", false},
	}
	for i, s := range steps {
		if got := f.record(s.record, s.msg); got != s.want {
			t.Fatalf("step %d: record(%s, %q) = %v, want %v", i, s.record.Name, s.msg, got, s.want)
		}
	}
	if !f.forget(a) || f.forget(a) {
		t.Fatal("forget should report a's failure once")
	}
	if !f.record(a, "bang") {
		t.Fatal("a failure after forget is new")
	}
}

// TestFleetNamesTheDefaultRolloutStrategy: a policy targeting a fleet
// without a strategy of its own takes the fleet's; its own wins.
func TestFleetNamesTheDefaultRolloutStrategy(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(&fleetv1alpha1.Fleet{
		ObjectMeta: metav1.ObjectMeta{Name: "prod", Namespace: "ns"},
		Spec:       fleetv1alpha1.FleetSpec{RolloutStrategy: &policyv1alpha1.RolloutStrategyReference{Name: "rings"}},
	}).Build()
	d := &Detector{Client: c, Reader: c, Recorder: events.NewFakeRecorder(10)}
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "conf", "namespace": "ns", "uid": "conf-uid"}}}
	p := policy{Candidate: policymatch.Candidate{Name: "pp", Namespace: "ns", Spec: &policyv1alpha1.PropagationSpec{}},
		Labels: map[string]string{fleetv1alpha1.LabelFleetName: "prod"}}
	spec, err := d.bindingSpec(ctx, u, p)
	if err != nil || spec.RolloutStrategy == nil || spec.RolloutStrategy.Name != "rings" {
		t.Fatalf("strategy %v (err %v), want the fleet's rings", spec.RolloutStrategy, err)
	}
	p.Spec = &policyv1alpha1.PropagationSpec{RolloutStrategy: &policyv1alpha1.RolloutStrategyReference{Name: "own"}}
	if spec, _ := d.bindingSpec(ctx, u, p); spec.RolloutStrategy.Name != "own" {
		t.Fatalf("strategy %v, want the policy's own", spec.RolloutStrategy)
	}
}
