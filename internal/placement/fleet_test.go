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
package placement

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

func TestFleetPlacement(t *testing.T) {
	preferred := []policyv1alpha1.PreferredClusterTerm{{Weight: 60, Preference: policyv1alpha1.ClusterSelectorTerm{
		MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "region", Operator: corev1.NodeSelectorOpIn, Values: []string{"asia-east"}}}}}}
	fleet := &fleetv1alpha1.Fleet{ObjectMeta: metav1.ObjectMeta{Name: "global-production"}, Spec: fleetv1alpha1.FleetSpec{
		Placement: &policyv1alpha1.Placement{
			ClusterAffinity:   &policyv1alpha1.ClusterAffinity{Preferred: preferred},
			SpreadConstraints: []policyv1alpha1.SpreadConstraint{{MaxGroups: 2, MinGroups: 1}},
		}}}
	divided := &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided}

	// A policy that says only how to divide gets the fleet's affinity and spread.
	got := ForFleet(policyv1alpha1.Placement{ReplicaScheduling: divided}, fleet)
	if got.ClusterAffinity == nil || len(got.ClusterAffinity.Preferred) != 1 || got.ClusterAffinity.LabelSelector.MatchLabels[fleetv1alpha1.LabelFleetName] != "global-production" {
		t.Fatalf("affinity %+v", got.ClusterAffinity)
	}
	if len(got.SpreadConstraints) != 1 || got.ReplicaScheduling != divided && got.ReplicaScheduling.ReplicaSchedulingType != policyv1alpha1.ReplicaSchedulingTypeDivided {
		t.Fatalf("spread %+v, scheduling %+v", got.SpreadConstraints, got.ReplicaScheduling)
	}

	// The policy's own choices win, but stay inside the fleet.
	own := policyv1alpha1.Placement{
		ClusterAffinity:   &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-frankfurt"}, LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "production"}}},
		SpreadConstraints: []policyv1alpha1.SpreadConstraint{{MaxGroups: 1, MinGroups: 1}},
	}
	got = ForFleet(own, fleet)
	if got.ClusterAffinity.ClusterNames[0] != "cluster-frankfurt" || got.ClusterAffinity.LabelSelector.MatchLabels["env"] != "production" ||
		got.ClusterAffinity.LabelSelector.MatchLabels[fleetv1alpha1.LabelFleetName] != "global-production" || got.SpreadConstraints[0].MaxGroups != 1 {
		t.Fatalf("got %+v", got)
	}
	if own.ClusterAffinity.LabelSelector.MatchLabels[fleetv1alpha1.LabelFleetName] != "" {
		t.Fatal("the policy's placement was modified")
	}

	// Ordered terms are each confined to the fleet.
	terms := policyv1alpha1.Placement{ClusterAffinities: []policyv1alpha1.ClusterAffinityTerm{{AffinityName: "a"}, {AffinityName: "b"}}}
	got = ForFleet(terms, fleet)
	for _, term := range got.ClusterAffinities {
		if term.LabelSelector.MatchLabels[fleetv1alpha1.LabelFleetName] != "global-production" {
			t.Fatalf("term %s not confined", term.AffinityName)
		}
	}
}
