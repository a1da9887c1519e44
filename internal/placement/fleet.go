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
// Package placement holds placement rules shared by the detector and the
// what-if scheduler: how a policy that targets a Fleet is placed.
package placement

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// ForFleet confines a policy's placement to a fleet's clusters and fills
// whatever the policy leaves unset from the fleet's default placement. The
// fleet's clusters carry the label fleet.kurator.dev/name.
func ForFleet(policy policyv1alpha1.Placement, fleet *fleetv1alpha1.Fleet) *policyv1alpha1.Placement {
	out := policy.DeepCopy()
	var def policyv1alpha1.Placement
	if fleet.Spec.Placement != nil {
		def = *fleet.Spec.Placement.DeepCopy()
	}
	if out.ClusterAffinity == nil && len(out.ClusterAffinities) == 0 {
		out.ClusterAffinity = def.ClusterAffinity
		out.ClusterAffinities = def.ClusterAffinities
	} else if out.ClusterAffinity != nil && len(out.ClusterAffinity.Preferred) == 0 && def.ClusterAffinity != nil {
		out.ClusterAffinity.Preferred = def.ClusterAffinity.Preferred
	}
	if len(out.SpreadConstraints) == 0 {
		out.SpreadConstraints = def.SpreadConstraints
	}
	if out.ReplicaScheduling == nil {
		out.ReplicaScheduling = def.ReplicaScheduling
	}
	if len(out.ClusterTolerations) == 0 && len(out.Tolerations) == 0 {
		out.ClusterTolerations = def.ClusterTolerations
	}
	member := func(a *policyv1alpha1.ClusterAffinity) {
		if a.LabelSelector == nil {
			a.LabelSelector = &metav1.LabelSelector{}
		}
		if a.LabelSelector.MatchLabels == nil {
			a.LabelSelector.MatchLabels = map[string]string{}
		}
		a.LabelSelector.MatchLabels[fleetv1alpha1.LabelFleetName] = fleet.Name
	}
	if len(out.ClusterAffinities) > 0 {
		for i := range out.ClusterAffinities {
			member(&out.ClusterAffinities[i].ClusterAffinity)
			for j := range out.ClusterAffinities[i].OverflowAffinities {
				member(&out.ClusterAffinities[i].OverflowAffinities[j].ClusterAffinity)
			}
		}
	} else {
		if out.ClusterAffinity == nil {
			out.ClusterAffinity = &policyv1alpha1.ClusterAffinity{}
		}
		member(out.ClusterAffinity)
	}
	return out
}
