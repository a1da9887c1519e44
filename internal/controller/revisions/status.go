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

package revisions

import (
	appsv1 "k8s.io/api/apps/v1"
)

// fleetStatus is the status of each kept revision, derived from the
// Deployment's fleet status, when the fleet has observed its current
// generation; before that the Deployment's counters still describe the
// previous template and no status changes (a new revision has none: not
// observed yet).
//
// The Deployment's counters say how many Pods run the current template
// (updatedReplicas) and how many are ready in all; the current revision is
// given the ready Pods that must be its own (ready minus every Pod that is
// not), so it never reads more ready than the members have. The other Pods
// count for the previous revision: a member's own history may hold older
// ones, which the fleet status does not tell apart.
func fleetStatus(d *appsv1.Deployment, p plan) map[string]appsv1.ReplicaSetStatus {
	out := map[string]appsv1.ReplicaSetStatus{}
	if d.Status.ObservedGeneration < d.Generation {
		return out
	}
	s := d.Status
	old := max(0, s.Replicas-s.UpdatedReplicas)
	newReady := clamp(s.ReadyReplicas-old, s.UpdatedReplicas)
	newAvailable := clamp(s.AvailableReplicas-old, s.UpdatedReplicas)
	out[p.current.Name] = appsv1.ReplicaSetStatus{
		Replicas: s.UpdatedReplicas, FullyLabeledReplicas: s.UpdatedReplicas,
		ReadyReplicas: newReady, AvailableReplicas: newAvailable,
		ObservedGeneration: p.current.Generation,
	}
	var previous *appsv1.ReplicaSet
	for _, rs := range p.keep {
		if rs != p.current && (previous == nil || Revision(rs) > Revision(previous)) {
			previous = rs
		}
	}
	for _, rs := range p.keep {
		if rs == p.current {
			continue
		}
		st := appsv1.ReplicaSetStatus{ObservedGeneration: rs.Generation}
		if rs == previous {
			st.Replicas, st.FullyLabeledReplicas = old, old
			st.ReadyReplicas = clamp(s.ReadyReplicas-newReady, old)
			st.AvailableReplicas = clamp(s.AvailableReplicas-newAvailable, old)
		}
		out[rs.Name] = st
	}
	return out
}

// clamp bounds n to [0, upper].
func clamp(n, upper int32) int32 {
	return max(0, min(n, upper))
}
