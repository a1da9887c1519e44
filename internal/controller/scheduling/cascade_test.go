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
	"testing"
	"time"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheduler/framework"
)

func TestCascadeConsolidates(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	snap := &framework.Snapshot{Clusters: []*framework.ClusterInfo{
		readyCluster("onprem", now), readyCluster("cloud-1", now), readyCluster("cloud-2", now)}}
	p := &policyv1alpha1.Placement{
		AffinityStrategy: &policyv1alpha1.AffinityStrategy{Mode: policyv1alpha1.AffinityModeCascade},
		ClusterAffinities: []policyv1alpha1.ClusterAffinityTerm{
			{AffinityName: "onprem", ClusterAffinity: policyv1alpha1.ClusterAffinity{ClusterNames: []string{"onprem"}}},
			{AffinityName: "cloud", ClusterAffinity: policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cloud-1", "cloud-2"}}},
		},
		ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
			ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
			WeightPreference:          &policyv1alpha1.ClusterPreferences{DynamicWeight: policyv1alpha1.DynamicWeightByAvailableReplicas}},
	}
	spilled := []workv1alpha2.TargetCluster{{Name: "cloud-1", Replicas: 3}, {Name: "cloud-2", Replicas: 2}}
	back := []framework.TargetCluster{{Name: "onprem", Replicas: 3}, {Name: "cloud-1", Replicas: 1}, {Name: "cloud-2", Replicas: 1}}
	if !consolidates(p, snap, spilled, back) {
		t.Fatal("replicas returning to the first tier must count as a failback")
	}
	if consolidates(p, snap, []workv1alpha2.TargetCluster{{Name: "onprem", Replicas: 3}, {Name: "cloud-1", Replicas: 2}}, back) {
		t.Fatal("a decision that moves nothing to an earlier tier is no failback")
	}
	p.AffinityStrategy.Mode = policyv1alpha1.AffinityModeExclusive
	if consolidates(p, snap, spilled, back) {
		t.Fatal("Exclusive mode has no tiers to consolidate")
	}
}
