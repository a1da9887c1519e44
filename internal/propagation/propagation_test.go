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
package propagation

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheduler"
)

func targets(names ...string) []workv1alpha2.TargetCluster {
	out := make([]workv1alpha2.TargetCluster, len(names))
	for i, n := range names {
		out[i] = workv1alpha2.TargetCluster{Name: n}
	}
	return out
}

func TestRenderFailuresReadBackWhatRenderedConditionWrote(t *testing.T) {
	for name, failures := range map[string]map[string]string{
		"none":                        nil,
		"one":                         {"b": "policy default/p rule 0: /spec/x not found"},
		"several":                     {"a": "boom", "c": "bang"},
		"an error holding '; '":       {"a": "first; second", "b": "third"},
		"a name inside an error":      {"a": "b: is not a path", "b": "x"},
		"a cluster prefix of another": {"c": "one", "c-2": "two"},
	} {
		t.Run(name, func(t *testing.T) {
			cond := RenderedCondition(failures, 4)
			if (cond.Status == metav1.ConditionTrue) != (len(failures) == 0) {
				t.Fatalf("condition %+v", cond)
			}
			got := RenderFailures([]metav1.Condition{cond}, targets("a", "b", "c", "c-2"))
			if len(got) != len(failures) {
				t.Fatalf("RenderFailures = %v, want %v", got, failures)
			}
			for c, want := range failures {
				if got[c] != want {
					t.Fatalf("failure of %s = %q, want %q", c, got[c], want)
				}
			}
		})
	}
}

func TestScheduledConditionReasons(t *testing.T) {
	long := strings.Repeat("x", 5000)
	for _, tc := range []struct {
		err    error
		status metav1.ConditionStatus
		reason string
	}{
		{nil, metav1.ConditionTrue, workv1alpha2.BindingReasonSuccess},
		{&scheduler.FitError{Total: 3}, metav1.ConditionFalse, workv1alpha2.BindingReasonNoClusterFit},
		{fmt.Errorf("wrapped: %w", &scheduler.UnschedulableError{Message: "short of 2"}), metav1.ConditionFalse, workv1alpha2.BindingReasonUnschedulable},
		{errors.New(long), metav1.ConditionFalse, workv1alpha2.BindingReasonSchedulerError},
	} {
		c := ScheduledCondition(tc.err, 3)
		if c.Type != workv1alpha2.ConditionScheduled || c.Status != tc.status || c.Reason != tc.reason || c.ObservedGeneration != 3 {
			t.Errorf("ScheduledCondition(%v) = %+v", tc.err, c)
		}
		if len(c.Message) > scheduledMessageMax {
			t.Errorf("message of %d bytes, more than %d", len(c.Message), scheduledMessageMax)
		}
	}
}

func TestSetWorkRecordsTheBindingGenerationAndSuspension(t *testing.T) {
	rb := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web-deployment", Generation: 4}}
	rb.Spec.PreserveResourcesOnDeletion = ptr.To(true)
	rb.Spec.Suspension = &workv1alpha2.Suspension{Suspension: policyv1alpha1.Suspension{
		DispatchingOnClusters: &policyv1alpha1.SuspendClusters{ClusterNames: []string{"b"}}}}
	for cluster, suspended := range map[string]bool{"a": false, "b": true} {
		w := &workv1alpha1.Work{}
		SetWork(w, rb, cluster, []byte(`{"kind":"Deployment"}`))
		if w.Name != workv1alpha2.WorkName(rb) || w.Namespace != workv1alpha1.ExecutionNamespace(cluster) ||
			w.Labels[workv1alpha1.BindingNameLabel] != "web-deployment" || w.Annotations[workv1alpha1.BindingGenerationAnnotation] != "4" {
			t.Fatalf("Work for %s: %+v", cluster, w.ObjectMeta)
		}
		if (w.Spec.SuspendDispatching != nil && *w.Spec.SuspendDispatching) != suspended || !*w.Spec.PreserveResourcesOnDeletion {
			t.Fatalf("Work for %s: %+v", cluster, w.Spec)
		}
	}
	// A what-if binding has no generation: nothing to record.
	w := &workv1alpha1.Work{}
	SetWork(w, &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, "a", []byte(`{}`))
	if _, ok := w.Annotations[workv1alpha1.BindingGenerationAnnotation]; ok {
		t.Fatalf("generation recorded for a binding not stored: %v", w.Annotations)
	}
}

func TestWorkloadIsFreshOnlyWhenARebalanceFollowsTheLastDecision(t *testing.T) {
	at := func(s int) *metav1.Time { return ptr.To(metav1.NewTime(time.Unix(int64(s), 0))) }
	for _, tc := range []struct {
		triggered, scheduled *metav1.Time
		fresh                bool
	}{
		{nil, at(10), false},
		{at(20), nil, true},
		{at(20), at(10), true},
		{at(10), at(20), false},
	} {
		rb := &workv1alpha2.ResourceBinding{}
		rb.Spec.Resource = workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "web"}
		rb.Spec.Clusters = []workv1alpha2.TargetCluster{{Name: "a", Replicas: 2}}
		rb.Spec.RescheduleTriggeredAt, rb.Status.LastScheduledTime = tc.triggered, tc.scheduled
		w := Workload(rb)
		if w.Fresh != tc.fresh || w.GVK.Kind != "Deployment" || len(w.Previous) != 1 || w.Previous[0].Replicas != 2 {
			t.Errorf("triggered %v, scheduled %v: %+v", tc.triggered, tc.scheduled, w)
		}
	}
}

// TestWorkloadUnreadyWhenScalingDown: the replicas each cluster does not
// report ready reach the scheduler only when the workload scales down.
func TestWorkloadUnreadyWhenScalingDown(t *testing.T) {
	rb := &workv1alpha2.ResourceBinding{}
	rb.Spec.Resource = workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "web"}
	rb.Spec.Clusters = []workv1alpha2.TargetCluster{{Name: "a", Replicas: 6}, {Name: "b", Replicas: 4}, {Name: "c", Replicas: 2}}
	raw := func(s string) *runtime.RawExtension { return &runtime.RawExtension{Raw: []byte(s)} }
	rb.Status.AggregatedStatus = []workv1alpha2.AggregatedStatusItem{
		{ClusterName: "a", Status: raw(`{"replicas": 6, "readyReplicas": 3}`)},
		{ClusterName: "b", Status: raw(`{"replicas": 4, "readyReplicas": 4}`)},
		{ClusterName: "c", Status: raw(`{"replicas": 2}`)},
		{ClusterName: "gone", Status: raw(`{"replicas": 2}`)},
	}
	rb.Spec.Replicas = 12
	if w := Workload(rb); w.Unready != nil {
		t.Fatalf("not scaling down, yet unready %v", w.Unready)
	}
	rb.Spec.Replicas = 8
	if got := Workload(rb).Unready; len(got) != 2 || got["a"] != 3 || got["c"] != 2 {
		t.Fatalf("unready %v, want a:3 c:2", got)
	}
}
