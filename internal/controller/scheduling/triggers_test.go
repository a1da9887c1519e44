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
package scheduling

import (
	"encoding/json"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// Karmada's triggers: a divided workload with ordered affinities is not
// re-run on every cluster change (it would not move back anyway); a
// duplicated one is, from its observed term.
func TestDecisionTriggers(t *testing.T) {
	now := time.Unix(10000, 0)
	divided := func() *workv1alpha2.ResourceBinding {
		rb := primaryBackup(nil)
		rb.Spec.Placement.ReplicaScheduling = &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
			ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted}
		return rb
	}
	decided := func(rb *workv1alpha2.ResourceBinding) *workv1alpha2.ResourceBinding {
		raw, err := json.Marshal(rb.Spec.Placement)
		if err != nil {
			t.Fatal(err)
		}
		rb.Annotations = map[string]string{policyv1alpha1.AppliedPlacementAnnotation: string(raw)}
		rb.Status.Conditions = []metav1.Condition{{Type: workv1alpha2.ConditionScheduled, Status: metav1.ConditionTrue, ObservedGeneration: rb.Generation}}
		rb.Status.LastScheduledTime = &metav1.Time{Time: now}
		return rb
	}
	infos := []*framework.ClusterInfo{readyCluster("cluster-hangzhou", now), readyCluster("cluster-shanghai", now)}
	for _, tc := range []struct {
		name             string
		binding          *workv1alpha2.ResourceBinding
		stale, rerunEach bool
	}{
		{name: "divided, decided", binding: decided(divided())},
		{name: "duplicated, decided", binding: decided(primaryBackup(nil)), rerunEach: true},
		{name: "divided, scaled", binding: func() *workv1alpha2.ResourceBinding {
			rb := decided(divided())
			rb.Spec.Replicas = 5
			return rb
		}(), stale: true},
		{name: "rebalance requested", binding: func() *workv1alpha2.ResourceBinding {
			rb := decided(divided())
			rb.Spec.RescheduleTriggeredAt = &metav1.Time{Time: now.Add(time.Second)}
			return rb
		}(), stale: true},
		{name: "never decided", binding: divided(), stale: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			placement, err := json.Marshal(tc.binding.Spec.Placement)
			if err != nil {
				t.Fatal(err)
			}
			if got := decisionStale(tc.binding, string(placement), infos, false); got != tc.stale {
				t.Errorf("stale %v, want %v", got, tc.stale)
			}
			if got := rerunAlways(tc.binding); got != tc.rerunEach {
				t.Errorf("re-run always %v, want %v", got, tc.rerunEach)
			}
		})
	}
}
