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
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// movesAware are the kinds whose aggregated status counts leaving copies
// during a move (MemberStatus.Leaving): their readers (kubectl rollout
// status, kstatus, Argo CD, Helm) would otherwise see a finished rollout go
// back while replicas move between clusters.
var movesAware = map[schema.GroupKind]bool{
	{Group: "apps", Kind: "Deployment"}:  true,
	{Group: "apps", Kind: "StatefulSet"}: true,
	{Group: "apps", Kind: "ReplicaSet"}:  true,
	// A CloneSet's status is aggregated as a Deployment's.
	{Group: "apps.kruise.io", Kind: "CloneSet"}: true,
}

// splitLeaving separates the targets from the leaving copies.
func splitLeaving(members []MemberStatus) (targets, leaving []MemberStatus) {
	for _, m := range members {
		if m.Leaving {
			leaving = append(leaving, m)
		} else {
			targets = append(targets, m)
		}
	}
	if len(leaving) == 0 {
		return members, nil
	}
	return targets, leaving
}

// moveView is what a replicated kind aggregates during a move, so the fleet
// never reads fewer ready replicas than its members run:
//   - divided replicas: the targets and the leaving copies together, with
//     every counter then capped at spec.replicas (clamp): the surplus is the
//     move's, not a rollout's;
//   - duplicated replicas: each target not healthy yet is stood in for by a
//     leaving copy, while there are enough of them; the fleet reads as it
//     did before the move.
//
// Once the targets are healthy the binding ends the move and the leaving
// copies go.
func moveView(tpl *unstructured.Unstructured, members []MemberStatus) (view []MemberStatus, clamp bool) {
	if !handingOver(tpl, members) {
		return members, false
	}
	targets, leaving := splitLeaving(members)
	if !isDuplicated(tpl, targets) {
		return members, true
	}
	view = make([]MemberStatus, 0, len(targets))
	for _, t := range targets {
		if t.Health != workv1alpha1.ResourceHealthy || t.Status == nil {
			if len(leaving) == 0 {
				return targets, false
			}
			t, leaving = leaving[0], leaving[1:]
		}
		view = append(view, t)
	}
	return view, false
}

// handingOver reports whether the members show a move under way: leaving
// copies, or, for divided replicas, copies that run more than the decision
// gives them (the clusters giving replicas back in a failback or a
// rebalance keep theirs until the new placement is healthy; Assigned is
// then what a copy runs).
func handingOver(tpl *unstructured.Unstructured, members []MemberStatus) bool {
	targets, leaving := splitLeaving(members)
	if len(leaving) > 0 {
		return true
	}
	if isDuplicated(tpl, targets) {
		return false
	}
	var runs int64
	for _, m := range targets {
		runs += m.Assigned
	}
	return runs > desiredReplicas(tpl)
}

// clampCounters caps the counters at spec.replicas, and unavailable replicas
// at what is not available of it.
func clampCounters(tpl *unstructured.Unstructured, status map[string]any, c counters) {
	want := desiredReplicas(tpl)
	for _, f := range append(append([]string{}, c.progress...), c.excess...) {
		if v, ok := status[f].(int64); ok && v > want {
			status[f] = want
		}
	}
	if _, ok := status["unavailableReplicas"]; ok {
		status["unavailableReplicas"] = max(0, want-intField(status, "availableReplicas"))
	}
}

// coveredMove: a move is under way and the fleet, leaving copies included,
// has every desired replica available; members still catching up are then
// not the rollout's concern.
func coveredMove(tpl *unstructured.Unstructured, members []MemberStatus, status map[string]any) bool {
	return handingOver(tpl, members) && intField(status, "availableReplicas") >= desiredReplicas(tpl)
}
