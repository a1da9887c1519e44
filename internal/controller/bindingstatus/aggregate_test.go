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

package bindingstatus

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// A Work rewritten for a move (more replicas) has not reported on its new
// spec yet: during the move its last report still counts, so the fleet's
// ready count does not drop; otherwise it counts as silent.
func TestCollectDuringAMove(t *testing.T) {
	rb := &workv1alpha2.ResourceBinding{Spec: workv1alpha2.ResourceBindingSpec{Clusters: []workv1alpha2.TargetCluster{{Name: "hz", Replicas: 3}}}}
	tpl := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "web", "generation": int64(1)}}}
	work := workv1alpha1.Work{
		ObjectMeta: metav1.ObjectMeta{Namespace: workv1alpha1.ExecutionNamespace("hz"), Generation: 2},
		Status: workv1alpha1.WorkStatus{
			Conditions:       []metav1.Condition{{Type: workv1alpha1.ConditionApplied, Status: metav1.ConditionTrue, ObservedGeneration: 1}},
			ManifestStatuses: []workv1alpha1.ManifestStatus{{Status: &runtime.RawExtension{Raw: []byte(`{"readyReplicas":2}`)}, Health: workv1alpha1.ResourceHealthy}},
		},
	}
	if got := collect(rb, tpl, []workv1alpha1.Work{work}, false)[0]; got.Status != nil {
		t.Fatalf("outside a move a report on an older spec must not count: %+v", got)
	}
	got := collect(rb, tpl, []workv1alpha1.Work{work}, true)[0]
	if got.Status == nil || got.Health != workv1alpha1.ResourceUnhealthy || got.Current {
		t.Fatalf("during a move the last report counts, unhealthy and not current: %+v", got)
	}
}

// Once a move ends, the clusters that gave replicas back get their Works
// rewritten to fewer replicas, for the same template generation: until they
// report again, their last report still counts (unhealthy, not current), so
// the fleet's ready count does not dip. A report two specs old, or a Work
// rewritten for a new template generation, does not count.
func TestCollectAfterARedivision(t *testing.T) {
	rb := &workv1alpha2.ResourceBinding{Spec: workv1alpha2.ResourceBindingSpec{Clusters: []workv1alpha2.TargetCluster{{Name: "hz", Replicas: 2}}}}
	tpl := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "web", "generation": int64(4)}}}
	work := func(workGeneration, observed int64, templateGeneration string) workv1alpha1.Work {
		manifest := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","annotations":{"` +
			workv1alpha1.ResourceTemplateGenerationAnnotation + `":"` + templateGeneration + `"}},"spec":{"replicas":2}}`
		return workv1alpha1.Work{
			ObjectMeta: metav1.ObjectMeta{Namespace: workv1alpha1.ExecutionNamespace("hz"), Generation: workGeneration},
			Spec:       workv1alpha1.WorkSpec{Workload: workv1alpha1.WorkloadTemplate{Manifests: []workv1alpha1.Manifest{{RawExtension: runtime.RawExtension{Raw: []byte(manifest)}}}}},
			Status: workv1alpha1.WorkStatus{
				Conditions:       []metav1.Condition{{Type: workv1alpha1.ConditionApplied, Status: metav1.ConditionTrue, ObservedGeneration: observed}},
				ManifestStatuses: []workv1alpha1.ManifestStatus{{Status: &runtime.RawExtension{Raw: []byte(`{"readyReplicas":3}`)}, Health: workv1alpha1.ResourceHealthy}},
			},
		}
	}
	got := collect(rb, tpl, []workv1alpha1.Work{work(6, 5, "4")}, false)[0]
	if got.Status == nil || got.Health != workv1alpha1.ResourceUnhealthy || got.Current {
		t.Fatalf("a redivided Work's last report counts, unhealthy and not current: %+v", got)
	}
	for name, w := range map[string]workv1alpha1.Work{"two specs old": work(6, 4, "4"), "new template generation": work(6, 5, "5")} {
		if got := collect(rb, tpl, []workv1alpha1.Work{w}, false)[0]; got.Status != nil {
			t.Errorf("%s: the report must not count: %+v", name, got)
		}
	}
}

func TestStatusPatchRemovesWhatTheAggregationDropped(t *testing.T) {
	stored := map[string]any{"lastScheduleTime": "2026-12-07T11:00:00Z", "active": []any{map[string]any{"name": "report-1"}},
		"loadBalancer": map[string]any{"ingress": []any{map[string]any{"ip": "198.18.1.1"}}}}
	aggregated := map[string]any{"lastScheduleTime": "2026-12-07T12:00:00Z", "loadBalancer": map[string]any{}}
	cases := map[string]struct {
		stored, aggregated any
		want               string
	}{
		"dropped fields become null": {stored, aggregated,
			`{"status":{"active":null,"lastScheduleTime":"2026-12-07T12:00:00Z","loadBalancer":{"ingress":null}}}`},
		"a template without status gets the whole status": {nil, aggregated,
			`{"status":{"lastScheduleTime":"2026-12-07T12:00:00Z","loadBalancer":{}}}`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := statusPatch(tc.stored, tc.aggregated)
			if err != nil || string(got) != tc.want {
				t.Fatalf("patch %s, %v; want %s", got, err, tc.want)
			}
		})
	}
}
