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
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

// A rolled-out Deployment of 6 replicas, moving: what its readers conclude
// must not go back while the leaving copies still serve.
func TestDeploymentDuringAMove(t *testing.T) {
	const divided = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, generation: 3}\nspec: {replicas: 6}\nstatus: {observedGeneration: 3}\n"
	const duplicated = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, generation: 3}\nspec: {replicas: 2}\nstatus: {observedGeneration: 3}\n"
	done := func(n int64) map[string]any { return deploymentReport(n, n, n, "True", "True/NewReplicaSetAvailable") }
	// A member scaling up from 2 to 3 for the move: one more replica not
	// ready yet, unavailable by its own rule (maxUnavailable rounds to 0).
	scalingUp := deploymentReport(3, 3, 2, "False", "True/NewReplicaSetAvailable")
	cases := map[string]struct {
		tpl              string
		targets, leaving []fleetMember
		want             kstatus.Status
		done             bool
		ready            int64
	}{
		"drain, divided: the leaving copy's ready replicas count until the others take over": {divided,
			[]fleetMember{{"hz", 3, scalingUp, true}, {"fra", 3, scalingUp, true}}, []fleetMember{{"sh", 2, done(2), true}},
			kstatus.CurrentStatus, true, 6},
		"the same without the leaving copy reads the dip": {divided,
			[]fleetMember{{"hz", 3, scalingUp, true}, {"fra", 3, scalingUp, true}}, nil,
			kstatus.InProgressStatus, false, 4},
		"the targets and the leaving copy run more than 6: the surplus is the move's": {divided,
			[]fleetMember{{"hz", 3, done(3), true}, {"fra", 3, scalingUp, true}}, []fleetMember{{"sh", 2, done(2), true}},
			kstatus.CurrentStatus, true, 6},
		"leaving copies that do not cover the fleet: no more than the members have": {divided,
			[]fleetMember{{"hz", 3, scalingUp, true}, {"fra", 3, nil, true}}, []fleetMember{{"sh", 2, done(2), true}},
			kstatus.InProgressStatus, false, 4},
		"duplicated: the leaving copy stands in for the arriving one": {duplicated,
			[]fleetMember{{"hz", 2, done(2), true}, {"fra", 2, nil, true}}, []fleetMember{{"sh", 2, done(2), true}},
			kstatus.CurrentStatus, true, 2},
		"primary and backup: the backup serves until the primary is ready": {duplicated,
			[]fleetMember{{"hz", 2, deploymentReport(2, 2, 0, "False", "True/ReplicaSetUpdated"), true}}, []fleetMember{{"sh", 2, done(2), true}},
			kstatus.CurrentStatus, true, 2},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out := aggregateMove(t, parse(t, tc.tpl), tc.targets, tc.leaving)
			got := read(t, out)
			ready, _, _ := unstructured.NestedInt64(out.Object, "status", "readyReplicas")
			if got.kstatus != tc.want || got.rolloutDone != tc.done || ready != tc.ready {
				t.Fatalf("kstatus %s (%s), rollout done %t, ready %d; want %s, %t, %d", got.kstatus, got.kstatusWhy, got.rolloutDone, ready, tc.want, tc.done, tc.ready)
			}
		})
	}
}

// A member past its progress deadline is not hidden by a move.
func TestAMoveDoesNotHideAStalledMember(t *testing.T) {
	tpl := parse(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, generation: 3}\nspec: {replicas: 2}\nstatus: {observedGeneration: 3}\n")
	out := aggregateMove(t, tpl,
		[]fleetMember{{"hz", 2, deploymentReport(2, 2, 0, "False", "False/ProgressDeadlineExceeded"), true}},
		[]fleetMember{{"sh", 2, deploymentReport(2, 2, 2, "True", "True/NewReplicaSetAvailable"), true}})
	if got := read(t, out); got.kstatus != kstatus.FailedStatus || !strings.Contains(got.kstatusWhy, "hz") {
		t.Fatalf("kstatus %s (%s); want Failed naming hz", got.kstatus, got.kstatusWhy)
	}
}

// Kinds that do not understand moves never see leaving copies.
func TestLeavingCopiesOnlyForKindsThatUnderstandMoves(t *testing.T) {
	tpl := parse(t, "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, generation: 2}\nspec: {}\n")
	report := map[string]any{"observedGeneration": int64(1), "desiredNumberScheduled": int64(3), "numberReady": int64(3)}
	out := aggregateMove(t, tpl, []fleetMember{{"hz", 0, report, true}}, []fleetMember{{"sh", 0, report, true}})
	if n, _, _ := unstructured.NestedInt64(out.Object, "status", "numberReady"); n != 3 {
		t.Fatalf("numberReady %d; want 3 (the leaving copy ignored)", n)
	}
}
