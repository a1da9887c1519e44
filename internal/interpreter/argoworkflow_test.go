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

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

func TestWorkflowHealth(t *testing.T) {
	phase := func(p string) map[string]any { return map[string]any{"phase": p, "progress": "1/3"} }
	checkHealth(t, fixture(t, "argoworkflow/workflow.yaml"), map[string]healthCase{
		"no status":     {nil, workv1alpha1.ResourceUnknown},
		"no phase yet":  {map[string]any{"progress": "0/0"}, workv1alpha1.ResourceUnknown},
		"Pending":       {phase("Pending"), workv1alpha1.ResourceHealthy},
		"Running":       {phase("Running"), workv1alpha1.ResourceHealthy},
		"Succeeded":     {phase("Succeeded"), workv1alpha1.ResourceHealthy},
		"Failed":        {phase("Failed"), workv1alpha1.ResourceUnhealthy},
		"Error":         {phase("Error"), workv1alpha1.ResourceUnhealthy},
		"unknown phase": {phase("Paused"), workv1alpha1.ResourceUnknown},
	})
}

func TestWorkflowRetainsTheMembersSuspend(t *testing.T) {
	in := For(fixture(t, "argoworkflow/workflow.yaml").GroupVersionKind())
	withSuspend := func(v any) *unstructured.Unstructured {
		wf := fixture(t, "argoworkflow/workflow.yaml")
		if v != nil {
			if err := unstructured.SetNestedField(wf.Object, v, "spec", "suspend"); err != nil {
				t.Fatal(err)
			}
		}
		return wf
	}
	cases := map[string]struct {
		desired, observed any
		want              any
	}{
		"suspended in the member ('argo suspend')":         {nil, true, true},
		"suspended in the member, the template says false": {false, true, true},
		"resumed in the member ('argo resume' clears it)":  {true, nil, nil},
		"resumed in the member, which left suspend: false": {true, false, false},
		"neither the template nor the member suspends it":  {nil, nil, nil},
	}
	for name, tc := range cases {
		desired, observed := withSuspend(tc.desired), withSuspend(tc.observed)
		observed.Object["status"] = map[string]any{"phase": "Running"}
		got, err := in.Retain(desired, observed)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		suspend, _, _ := unstructured.NestedFieldCopy(got.Object, "spec", "suspend")
		if suspend != tc.want {
			t.Errorf("%s: applies suspend %v, want the member's %v", name, suspend, tc.want)
		}
		// Everything else is the manifest's.
		unstructured.RemoveNestedField(got.Object, "spec", "suspend")
		if diff := cmp.Diff(withSuspend(nil).Object, got.Object); diff != "" {
			t.Errorf("%s: retained more than suspend (-manifest +applied):\n%s", name, diff)
		}
	}
}

func TestWorkflowDependencies(t *testing.T) {
	wf := fixture(t, "argoworkflow/workflow.yaml")
	got, err := For(wf.GroupVersionKind()).GetDependencies(wf)
	if err != nil {
		t.Fatal(err)
	}
	// Not the claim of volumeClaimTemplates (Argo creates it), nor the
	// ConfigMap named by an Argo expression.
	want := concat(
		depsIn("data", "ConfigMap", "etl-regions", "etl-settings", "proxy-config"),
		depsIn("data", "PersistentVolumeClaim", "etl-scratch"),
		depsIn("data", "Secret", "registry", "s3-credentials", "warehouse-api", "warehouse-db"),
		depsIn("data", "ServiceAccount", "argo-executor", "etl-runner", "loader"),
	)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
}

func depsIn(ns, kind string, names ...string) []Dependency {
	out := deps(kind, names...)
	for i := range out {
		out[i].Namespace = ns
	}
	return out
}

func TestWorkflowReflectsItsSummary(t *testing.T) {
	wf := fixture(t, "argoworkflow/workflow.yaml")
	wf.Object["status"] = map[string]any{"phase": "Running", "startedAt": "2026-12-07T10:00:00Z", "progress": "1/3",
		"nodes":           map[string]any{"etl-7k2xq": map[string]any{"id": "etl-7k2xq", "phase": "Running", "type": "Steps"}},
		"storedTemplates": map[string]any{"namespaced/etl/main": map[string]any{"name": "main"}}}
	raw, err := For(wf.GroupVersionKind()).ReflectStatus(wf)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"generation":2,"phase":"Running","progress":"1/3","startedAt":"2026-12-07T10:00:00Z"}`; raw == nil || string(raw.Raw) != want {
		t.Errorf("reflected %s, want %s", raw, want)
	}
}

func workflowReport(phase, started, finished, progress, message string) map[string]any {
	out := map[string]any{"phase": phase, "startedAt": started, "progress": progress}
	if finished != "" {
		out["finishedAt"] = finished
	}
	if message != "" {
		out["message"] = message
	}
	return out
}

func TestWorkflowAggregation(t *testing.T) {
	tpl := fixture(t, "argoworkflow/workflow.yaml")
	const t1, t2, t3 = "2026-12-07T10:00:00Z", "2026-12-07T10:05:00Z", "2026-12-07T10:30:00Z"
	cases := map[string]struct {
		members []MemberStatus
		want    map[string]any
	}{
		"two members, one still running": {[]MemberStatus{
			member(t, tpl, "hz", workflowReport("Succeeded", t2, t3, "3/3", "")),
			member(t, tpl, "sh", workflowReport("Running", t1, "", "1/3", "")),
		}, map[string]any{"phase": "Running", "startedAt": t1, "progress": "4/6", "message": "Not succeeded in sh (Running)."}},
		"two members, both succeeded": {[]MemberStatus{
			member(t, tpl, "hz", workflowReport("Succeeded", t2, t3, "3/5", "")),
			member(t, tpl, "sh", workflowReport("Succeeded", t1, t2, "2/5", "")),
		}, map[string]any{"phase": "Succeeded", "startedAt": t1, "finishedAt": t3, "progress": "5/10"}},
		"three members, failed beats error and running": {[]MemberStatus{
			member(t, tpl, "fra", workflowReport("Error", t1, t2, "1/3", "pod deleted")),
			member(t, tpl, "hz", workflowReport("Running", t1, "", "2/3", "")),
			member(t, tpl, "sh", workflowReport("Failed", t1, t3, "2/3", "child 'etl-7k2xq-1' failed")),
		}, map[string]any{"phase": "Failed", "startedAt": t1, "progress": "5/9",
			"message": "Not succeeded in fra (Error: pod deleted), hz (Running), sh (Failed: child 'etl-7k2xq-1' failed)."}},
		"three members, error beats running": {[]MemberStatus{
			member(t, tpl, "fra", workflowReport("Error", t1, t2, "1/3", "")),
			member(t, tpl, "hz", workflowReport("Running", t1, "", "2/3", "")),
			member(t, tpl, "sh", workflowReport("Succeeded", t1, t3, "3/3", "")),
		}, map[string]any{"phase": "Error", "startedAt": t1, "progress": "6/9", "message": "Not succeeded in fra (Error), hz (Running)."}},
		"three members, one not reported and one without a phase yet": {[]MemberStatus{
			silent("fra"),
			member(t, tpl, "hz", map[string]any{}),
			member(t, tpl, "sh", workflowReport("Succeeded", t1, t3, "3/3", "")),
		}, map[string]any{"phase": "Pending", "startedAt": t1, "progress": "3/3", "message": "Not succeeded in fra (no report yet), hz (Pending)."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := For(tpl.GroupVersionKind()).AggregateStatus(tpl, tc.members, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("aggregated (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWorkflowAggregationDropsWhatNoLongerHolds(t *testing.T) {
	tpl := fixture(t, "argoworkflow/workflow.yaml")
	tpl.Object["status"] = map[string]any{"phase": "Succeeded", "startedAt": "2026-12-07T10:00:00Z", "finishedAt": "2026-12-07T10:30:00Z",
		"progress": "3/3", "message": "Not succeeded in sh (Running)."}
	// The workflow is resubmitted in hz: it runs again and has no progress yet.
	got, err := For(tpl.GroupVersionKind()).AggregateStatus(tpl, []MemberStatus{member(t, tpl, "hz", map[string]any{"phase": "Running"})}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"phase": "Running", "message": "Not succeeded in hz (Running)."}, got); diff != "" {
		t.Errorf("aggregated (-want +got):\n%s", diff)
	}
}
