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
package descheduler

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

func pod(phase corev1.PodPhase, reason string, since time.Time) *corev1.Pod {
	p := &corev1.Pod{Status: corev1.PodStatus{Phase: phase}}
	if reason != "" {
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: reason,
			LastTransitionTime: metav1.NewTime(since)}}
	}
	return p
}

func TestCountUnschedulable(t *testing.T) {
	now := time.Unix(1000, 0)
	deleting := pod(corev1.PodPending, corev1.PodReasonUnschedulable, now.Add(-time.Hour))
	deleting.DeletionTimestamp = &metav1.Time{Time: now}
	pods := []*corev1.Pod{
		pod(corev1.PodPending, corev1.PodReasonUnschedulable, now.Add(-3*time.Minute)), // counted
		pod(corev1.PodPending, corev1.PodReasonUnschedulable, now.Add(-time.Minute)),   // too recent
		pod(corev1.PodPending, "SchedulerError", now.Add(-time.Hour)),                  // another reason
		pod(corev1.PodPending, "", now),                                                // not yet looked at
		pod(corev1.PodRunning, "", now),                                                // running
		deleting,                                                                       // going away
	}
	if got := CountUnschedulable(pods, 2*time.Minute, now); got != 1 {
		t.Fatalf("CountUnschedulable = %d, want 1", got)
	}
}

func TestOnlyDynamicDivisionsAreDescheduled(t *testing.T) {
	divided := func(pref policyv1alpha1.ReplicaDivisionPreference, w *policyv1alpha1.ClusterPreferences) *policyv1alpha1.Placement {
		return &policyv1alpha1.Placement{ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{
			ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided, ReplicaDivisionPreference: pref, WeightPreference: w}}
	}
	for name, tc := range map[string]struct {
		p    *policyv1alpha1.Placement
		want bool
	}{
		"duplicated":      {p: &policyv1alpha1.Placement{}, want: false},
		"static weights":  {p: divided(policyv1alpha1.ReplicaDivisionPreferenceWeighted, &policyv1alpha1.ClusterPreferences{StaticWeightList: []policyv1alpha1.StaticClusterWeight{{Weight: 1}}}), want: false},
		"dynamic weights": {p: divided(policyv1alpha1.ReplicaDivisionPreferenceWeighted, &policyv1alpha1.ClusterPreferences{DynamicWeight: policyv1alpha1.DynamicWeightByAvailableReplicas}), want: true},
		"aggregated":      {p: divided(policyv1alpha1.ReplicaDivisionPreferenceAggregated, nil), want: true},
	} {
		if got := dynamic(tc.p); got != tc.want {
			t.Errorf("%s: dynamic = %v, want %v", name, got, tc.want)
		}
	}
}
