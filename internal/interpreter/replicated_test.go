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
	"encoding/json"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/kubectl/pkg/polymorphichelpers"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

// fleetMember is one member's copy of a workload: what the decision gives
// it and what its controller reports.
type fleetMember struct {
	cluster  string
	assigned int64
	// status is the member's status, nil when it has not reported.
	status map[string]any
	// current: it runs a copy of the template's current generation.
	current bool
}

// aggregate aggregates the members' reports into the template as the
// binding status controller does, each member's health judged by the
// kind's own rule on its copy.
func aggregate(t *testing.T, tpl *unstructured.Unstructured, members []fleetMember) *unstructured.Unstructured {
	t.Helper()
	return aggregateMove(t, tpl, members, nil)
}

// aggregateMove is aggregate during a move: leaving are the copies on the
// clusters the workload moves off.
func aggregateMove(t *testing.T, tpl *unstructured.Unstructured, members, leaving []fleetMember) *unstructured.Unstructured {
	t.Helper()
	in := For(tpl.GroupVersionKind())
	var ms []MemberStatus
	for i, m := range append(append([]fleetMember{}, members...), leaving...) {
		member := MemberStatus{Cluster: m.cluster, Assigned: m.assigned, Leaving: i >= len(members)}
		if m.status != nil {
			copied := tpl.DeepCopy()
			copied.SetGeneration(1)
			if err := unstructured.SetNestedField(copied.Object, m.assigned, "spec", "replicas"); err != nil {
				t.Fatal(err)
			}
			copied.Object["status"] = runtime.DeepCopyJSONValue(m.status)
			raw, err := json.Marshal(m.status)
			if err != nil {
				t.Fatal(err)
			}
			member.Status, member.Health, member.Current = &runtime.RawExtension{Raw: raw}, in.InterpretHealth(copied), m.current
		}
		ms = append(ms, member)
	}
	status, err := in.AggregateStatus(tpl, ms, time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	out := tpl.DeepCopy()
	// The status round-trips through JSON, as it does through the API.
	raw, err := json.Marshal(status)
	if err != nil {
		t.Fatal(err)
	}
	var decoded map[string]any
	if err := utiljson.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	out.Object["status"] = decoded
	return out
}

// readers is what the ecosystem concludes from an object: kstatus (Helm
// 4's wait, Flux, kpt) and 'kubectl rollout status'.
type readers struct {
	kstatus       kstatus.Status
	kstatusWhy    string
	rolloutDone   bool
	rolloutFailed string
	argo          string
}

func read(t *testing.T, obj *unstructured.Unstructured) readers {
	t.Helper()
	res, err := kstatus.Compute(obj)
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := polymorphichelpers.StatusViewerFor(obj.GroupVersionKind().GroupKind())
	if err != nil {
		t.Fatal(err)
	}
	r := readers{kstatus: res.Status, kstatusWhy: res.Message}
	_, done, err := viewer.Status(obj, 0)
	if err != nil {
		r.rolloutFailed = err.Error()
	}
	r.rolloutDone = done
	r.argo = argoHealth(obj)
	return r
}

// argoHealth is Argo CD's health assessment of the apps kinds, re-expressed
// from its documentation ("Resource Health": Deployment, ReplicaSet,
// StatefulSet, DaemonSet): Degraded past a progress deadline; Progressing
// until the controller has observed the latest generation and every desired
// replica is updated, no old one remains and the updated ones are
// available; Healthy then. (Its Go module cannot be fetched here.)
func argoHealth(obj *unstructured.Unstructured) string {
	status := func(f string) int64 { n, _, _ := unstructured.NestedInt64(obj.Object, "status", f); return n }
	if status("observedGeneration") < obj.GetGeneration() {
		return "Progressing"
	}
	switch obj.GetKind() {
	case "DaemonSet":
		desired := status("desiredNumberScheduled")
		if status("updatedNumberScheduled") < desired || status("numberAvailable") < desired {
			return "Progressing"
		}
		return "Healthy"
	case "StatefulSet":
		replicas, _, _ := unstructured.NestedInt64(obj.Object, "spec", "replicas")
		current, _, _ := unstructured.NestedString(obj.Object, "status", "currentRevision")
		update, _, _ := unstructured.NestedString(obj.Object, "status", "updateRevision")
		if status("readyReplicas") < replicas || current != update {
			return "Progressing"
		}
		return "Healthy"
	}
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		if m, _ := c.(map[string]any); m["type"] == "Progressing" && m["reason"] == "ProgressDeadlineExceeded" {
			return "Degraded"
		}
	}
	replicas, _, _ := unstructured.NestedInt64(obj.Object, "spec", "replicas")
	if status("updatedReplicas") < replicas || status("replicas") > status("updatedReplicas") || status("availableReplicas") < status("updatedReplicas") {
		return "Progressing"
	}
	return "Healthy"
}

// wantArgo is the Argo CD health the kstatus verdict goes with.
func wantArgo(s kstatus.Status) string {
	switch s {
	case kstatus.CurrentStatus:
		return "Healthy"
	case kstatus.FailedStatus:
		return "Degraded"
	}
	return "Progressing"
}

func deploymentReport(replicas, updated, available int64, available_, progressing string) map[string]any {
	conds := []any{}
	if available_ != "" {
		conds = append(conds, map[string]any{"type": "Available", "status": available_})
	}
	if progressing != "" {
		status, reason, _ := strings.Cut(progressing, "/")
		conds = append(conds, map[string]any{"type": "Progressing", "status": status, "reason": reason, "message": "ReplicaSet web-1 " + reason})
	}
	return map[string]any{"observedGeneration": int64(1), "replicas": replicas, "updatedReplicas": updated, "readyReplicas": available,
		"availableReplicas": available, "unavailableReplicas": replicas - available, "conditions": conds}
}

func TestDeploymentStatusReadsLikeOneCluster(t *testing.T) {
	const tpl = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, generation: 3}\nspec: {replicas: %d}\n"
	done := func(n int64) map[string]any { return deploymentReport(n, n, n, "True", "True/NewReplicaSetAvailable") }
	cases := map[string]struct {
		replicas int64
		members  []fleetMember
		want     kstatus.Status
		done     bool
		failed   string
	}{
		"divided 2 + 2, rolled out": {4, []fleetMember{{"hz", 2, done(2), true}, {"sh", 2, done(2), true}}, kstatus.CurrentStatus, true, ""},
		"duplicated 2 in 3 members, rolled out (Karmada reads 6/2)": {2,
			[]fleetMember{{"hz", 2, done(2), true}, {"sh", 2, done(2), true}, {"fra", 2, done(2), true}}, kstatus.CurrentStatus, true, ""},
		"duplicated, one member still replacing an old replica": {2,
			[]fleetMember{{"hz", 2, done(2), true}, {"sh", 2, deploymentReport(3, 2, 2, "True", "True/ReplicaSetUpdated"), true}}, kstatus.InProgressStatus, false, ""},
		"divided, one member has not reported yet": {4,
			[]fleetMember{{"hz", 2, done(2), true}, {"sh", 2, nil, true}}, kstatus.InProgressStatus, false, ""},
		"a member runs an older copy of the template": {4,
			[]fleetMember{{"hz", 2, done(2), true}, {"sh", 2, done(2), false}}, kstatus.InProgressStatus, false, ""},
		"a member passed its progress deadline": {2,
			[]fleetMember{{"hz", 2, done(2), true}, {"sh", 2, deploymentReport(2, 1, 1, "False", "False/ProgressDeadlineExceeded"), true}},
			kstatus.FailedStatus, false, "exceeded its progress deadline"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := read(t, aggregate(t, parse(t, strings.ReplaceAll(tpl, "%d", itoa(tc.replicas))), tc.members))
			if got.kstatus != tc.want || got.rolloutDone != tc.done || !strings.Contains(got.rolloutFailed, tc.failed) || (tc.failed == "") != (got.rolloutFailed == "") ||
				got.argo != wantArgo(tc.want) {
				t.Fatalf("kstatus %s (%s), rollout done %t, failed %q, Argo CD %s; want %s, %t, %q, %s", got.kstatus, got.kstatusWhy, got.rolloutDone, got.rolloutFailed, got.argo,
					tc.want, tc.done, tc.failed, wantArgo(tc.want))
			}
		})
	}
}

func TestDeploymentConditionsNameTheMember(t *testing.T) {
	tpl := parse(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, generation: 1}\nspec: {replicas: 4}\n")
	out := aggregate(t, tpl, []fleetMember{
		{"hz", 2, deploymentReport(2, 2, 2, "True", "True/NewReplicaSetAvailable"), true},
		{"sh", 2, deploymentReport(2, 1, 1, "False", "False/ProgressDeadlineExceeded"), true},
	})
	conds, _, _ := unstructured.NestedSlice(out.Object, "status", "conditions")
	var text []string
	for _, c := range conds {
		m := c.(map[string]any)
		text = append(text, m["type"].(string)+"="+m["status"].(string)+"/"+m["reason"].(string)+": "+m["message"].(string))
	}
	want := []string{
		"Available=False/MinimumReplicasUnavailable: Deployment does not have minimum availability in sh.",
		"Progressing=False/ProgressDeadlineExceeded: Progress deadline exceeded in sh: ReplicaSet web-1 ProgressDeadlineExceeded",
		"Stalled=True/ProgressDeadlineExceeded: Progress deadline exceeded in sh: ReplicaSet web-1 ProgressDeadlineExceeded",
	}
	if strings.Join(text, "\n") != strings.Join(want, "\n") {
		t.Fatalf("conditions:\n%s\nwant:\n%s", strings.Join(text, "\n"), strings.Join(want, "\n"))
	}
	// Helm 4 and Flux report kstatus's message: it names the member.
	if r := read(t, out); r.kstatus != kstatus.FailedStatus || !strings.Contains(r.kstatusWhy, "in sh: ") {
		t.Fatalf("kstatus %s %q; want Failed naming sh", r.kstatus, r.kstatusWhy)
	}
	// Aggregating the same reports again keeps the conditions' times.
	again := aggregate(t, out, []fleetMember{
		{"hz", 2, deploymentReport(2, 2, 2, "True", "True/NewReplicaSetAvailable"), true},
		{"sh", 2, deploymentReport(2, 1, 1, "False", "False/ProgressDeadlineExceeded"), true},
	})
	if !equalJSON(t, out.Object["status"], again.Object["status"]) {
		t.Fatalf("a second aggregation of the same reports changed the status:\n%v\n%v", out.Object["status"], again.Object["status"])
	}
}

func TestStatefulSetAndDaemonSetReadLikeOneCluster(t *testing.T) {
	sts := func(replicas, ready int64, current, update string) map[string]any {
		return map[string]any{"observedGeneration": int64(1), "replicas": replicas, "readyReplicas": ready, "availableReplicas": ready,
			"currentReplicas": ready, "updatedReplicas": ready, "currentRevision": current, "updateRevision": update}
	}
	ds := func(desired, updated, available int64) map[string]any {
		return map[string]any{"observedGeneration": int64(1), "desiredNumberScheduled": desired, "currentNumberScheduled": desired,
			"updatedNumberScheduled": updated, "numberReady": available, "numberAvailable": available}
	}
	const statefulSet = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, generation: 2}\nspec: {replicas: 2, updateStrategy: {type: RollingUpdate}}\n"
	const daemonSet = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, generation: 2}\nspec: {updateStrategy: {type: RollingUpdate}}\n"
	cases := map[string]struct {
		tpl     string
		members []fleetMember
		want    kstatus.Status
		done    bool
	}{
		"statefulset duplicated 2 in 2 members, rolled out": {statefulSet,
			[]fleetMember{{"hz", 2, sts(2, 2, "db-a", "db-a"), true}, {"sh", 2, sts(2, 2, "db-b", "db-b"), true}}, kstatus.CurrentStatus, true},
		"statefulset, one member mid-rollout": {statefulSet,
			[]fleetMember{{"hz", 2, sts(2, 2, "db-a", "db-a"), true}, {"sh", 2, sts(2, 2, "db-b", "db-c"), true}}, kstatus.InProgressStatus, false},
		"daemonset on two members, rolled out": {daemonSet,
			[]fleetMember{{"hz", 0, ds(3, 3, 3), true}, {"sh", 0, ds(2, 2, 2), true}}, kstatus.CurrentStatus, true},
		"daemonset, one member not updated": {daemonSet,
			[]fleetMember{{"hz", 0, ds(3, 3, 3), true}, {"sh", 0, ds(2, 1, 2), true}}, kstatus.InProgressStatus, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := read(t, aggregate(t, parse(t, tc.tpl), tc.members))
			if got.kstatus != tc.want || got.rolloutDone != tc.done || got.rolloutFailed != "" || got.argo != wantArgo(tc.want) {
				t.Fatalf("kstatus %s (%s), rollout done %t, failed %q, Argo CD %s; want %s, %t, %s", got.kstatus, got.kstatusWhy, got.rolloutDone, got.rolloutFailed, got.argo,
					tc.want, tc.done, wantArgo(tc.want))
			}
		})
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(x) == string(y)
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
