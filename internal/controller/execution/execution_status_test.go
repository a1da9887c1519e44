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

package execution

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

func statusOf(health ...workv1alpha1.ResourceHealth) []workv1alpha1.ManifestStatus {
	out := make([]workv1alpha1.ManifestStatus, 0, len(health))
	for i, h := range health {
		out = append(out, workv1alpha1.ManifestStatus{Identifier: workv1alpha1.ResourceIdentifier{Ordinal: int32(i), Version: "v1", Kind: "ConfigMap", Namespace: "n", Name: "c"}, Health: h})
	}
	return out
}

func TestConditionsAndTransitionEvents(t *testing.T) {
	const healthy, unknown = workv1alpha1.ResourceHealthy, workv1alpha1.ResourceUnknown
	cases := []struct {
		name      string
		before    func(r *Reconciler, w *workv1alpha1.Work)
		after     func(r *Reconciler, w *workv1alpha1.Work)
		wantConds map[string]string // type -> "Status/Reason"
		want      []string
	}{
		{
			name: "first successful apply is silent (the binding's FullyApplied says it)",
			after: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setApplied(w, &applyResult{statuses: statusOf(healthy, healthy)})
				r.setAvailable(w, statusOf(healthy, healthy), 2)
			},
			wantConds: map[string]string{"Applied": "True/AppliedSuccessful", "Available": "True/AllHealthy"},
		},
		{
			name: "recovering from a failure is announced",
			before: func(r *Reconciler, w *workv1alpha1.Work) {
				// It had been available at this generation.
				r.availability.observe(client.ObjectKeyFromObject(w), w.Generation, true)
				r.setApplied(w, &applyResult{statuses: statusOf(unknown), failures: []string{"boom"}})
				r.setAvailable(w, statusOf(unknown), 1)
			},
			after: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setApplied(w, &applyResult{statuses: statusOf(healthy)})
				r.setAvailable(w, statusOf(healthy), 1)
			},
			wantConds: map[string]string{"Applied": "True/AppliedSuccessful", "Available": "True/AllHealthy"},
			want:      []string{"Normal AppliedSuccessful 1 manifest(s) applied", "Normal Available all applied objects are healthy"},
		},
		{
			name: "the end of a first rollout is silent",
			before: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setApplied(w, &applyResult{statuses: statusOf(healthy)})
				r.setAvailable(w, statusOf(unknown), 1)
			},
			after: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setAvailable(w, statusOf(healthy), 1)
			},
			wantConds: map[string]string{"Applied": "True/AppliedSuccessful", "Available": "True/AllHealthy"},
		},
		{
			name: "a resync that changes nothing is silent",
			before: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setApplied(w, &applyResult{statuses: statusOf(healthy)})
				r.setAvailable(w, statusOf(healthy), 1)
			},
			after: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setApplied(w, &applyResult{statuses: statusOf(healthy)})
				r.setAvailable(w, statusOf(healthy), 1)
			},
			wantConds: map[string]string{"Applied": "True/AppliedSuccessful", "Available": "True/AllHealthy"},
		},
		{
			name: "a conflict is a warning, and a repeated one is silent",
			before: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setApplied(w, &applyResult{statuses: statusOf(unknown), conflicts: []string{"ConfigMap n/c exists"}})
			},
			after: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setApplied(w, &applyResult{statuses: statusOf(unknown), conflicts: []string{"ConfigMap n/c exists"}})
				r.setAvailable(w, statusOf(unknown), 1)
			},
			wantConds: map[string]string{"Applied": "False/ConflictExists", "Available": "False/NotHealthy"},
		},
		{
			name: "failure turning into a conflict is a new warning",
			before: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setApplied(w, &applyResult{statuses: statusOf(unknown), failures: []string{"boom"}})
			},
			after: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setApplied(w, &applyResult{statuses: statusOf(unknown), conflicts: []string{"ConfigMap n/c exists"}})
			},
			wantConds: map[string]string{"Applied": "False/ConflictExists"},
			want:      []string{"Warning ConflictExists ConfigMap n/c exists"},
		},
		{
			name: "cluster going away",
			before: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setApplied(w, &applyResult{statuses: statusOf(healthy)})
				r.setAvailable(w, statusOf(healthy), 1)
			},
			after: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setClusterNotReady(w, "cluster m is not ready")
			},
			wantConds: map[string]string{"Applied": "False/ClusterNotReady", "Available": "Unknown/ClusterNotReady"},
			want:      []string{"Warning ClusterNotReady cluster m is not ready"},
		},
		{
			name: "a missing manifest keeps the Work unavailable",
			after: func(r *Reconciler, w *workv1alpha1.Work) {
				r.setAvailable(w, statusOf(healthy), 2)
			},
			wantConds: map[string]string{"Available": "False/NotHealthy"},
		},
		{
			name:      "suspending, and only then resuming, is announced",
			before:    func(r *Reconciler, w *workv1alpha1.Work) { r.setDispatching(w, true) },
			after:     func(r *Reconciler, w *workv1alpha1.Work) { r.setDispatching(w, false) },
			wantConds: map[string]string{"Dispatching": "True/Dispatching"},
			want:      []string{"Normal ResumeDispatching the Work is applied to its cluster"},
		},
		{
			name:      "a new Work that is not suspended says nothing about dispatching",
			after:     func(r *Reconciler, w *workv1alpha1.Work) { r.setDispatching(w, false) },
			wantConds: map[string]string{"Dispatching": "True/Dispatching"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := events.NewFakeRecorder(10)
			r := &Reconciler{Recorder: rec, Clock: clocktesting.NewFakeClock(time.Unix(1000, 0))}
			w := &workv1alpha1.Work{ObjectMeta: metav1.ObjectMeta{Name: "w", Namespace: "karmada-es-m", Generation: 3}}
			if tc.before != nil {
				tc.before(r, w)
			}
			before := w.DeepCopy()
			tc.after(r, w)
			r.recordTransitions(before, w)
			close(rec.Events)
			var got []string
			for e := range rec.Events {
				got = append(got, e)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			for condType, want := range tc.wantConds {
				c := apimeta.FindStatusCondition(w.Status.Conditions, condType)
				if c == nil {
					t.Fatalf("no %s condition", condType)
				}
				if got := string(c.Status) + "/" + c.Reason; got != want {
					t.Errorf("%s = %s, want %s", condType, got, want)
				}
				if c.ObservedGeneration != 3 {
					t.Errorf("%s observedGeneration %d, want 3", condType, c.ObservedGeneration)
				}
				if !c.LastTransitionTime.Equal(&metav1.Time{Time: time.Unix(1000, 0)}) {
					t.Errorf("%s lastTransitionTime %v does not come from the injected clock", condType, c.LastTransitionTime)
				}
			}
		})
	}
}
