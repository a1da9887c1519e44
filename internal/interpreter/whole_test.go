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

// Kinds propagated whole, read on the control plane by kstatus (Helm 4,
// Flux), by Helm 3's ready checker and by Argo CD's documented health
// rules, re-expressed below as assertions (neither Helm 3 nor Argo CD is a
// dependency of this module).

// helm3Ready is Helm 3's ready checker (pkg/kube/ready.go) for the kinds it
// checks besides the apps ones: a Pod is ready when its Ready condition is
// True; a PersistentVolumeClaim when Bound; a Service unless it lacks a
// cluster IP (ExternalName aside), or is a LoadBalancer without external
// IPs whose status has no ingress.
func helm3Ready(obj *unstructured.Unstructured) bool {
	switch obj.GetKind() {
	case "Pod":
		return conditionTrue(obj, "Ready")
	case "PersistentVolumeClaim":
		phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
		return phase == "Bound"
	case "Service":
		typ, _, _ := unstructured.NestedString(obj.Object, "spec", "type")
		clusterIP, _, _ := unstructured.NestedString(obj.Object, "spec", "clusterIP")
		externalIPs, _, _ := unstructured.NestedStringSlice(obj.Object, "spec", "externalIPs")
		ingress, _, _ := unstructured.NestedSlice(obj.Object, "status", "loadBalancer", "ingress")
		switch {
		case typ == "ExternalName":
			return true
		case clusterIP == "":
			return false
		case typ == "LoadBalancer" && len(externalIPs) == 0:
			return ingress != nil
		}
		return true
	}
	return true
}

// argoWholeHealth is Argo CD's documented health check ("Resource Health"
// in its operator manual) of these kinds: a LoadBalancer Service, and an
// Ingress, are Healthy once status.loadBalancer.ingress lists a hostname
// or an IP; a PersistentVolumeClaim once its phase is Bound; a CronJob is
// Progressing while its last scheduled Job runs and Degraded when that Job
// failed. Progressing otherwise. Kinds it documents no rule for read "".
func argoWholeHealth(obj *unstructured.Unstructured) string {
	verdict := func(healthy bool) string {
		if healthy {
			return "Healthy"
		}
		return "Progressing"
	}
	switch obj.GetKind() {
	case "Service", "Ingress":
		if typ, _, _ := unstructured.NestedString(obj.Object, "spec", "type"); obj.GetKind() == "Service" && typ != "LoadBalancer" {
			return "Healthy"
		}
		ingress, _, _ := unstructured.NestedSlice(obj.Object, "status", "loadBalancer", "ingress")
		return verdict(slicesAnyAddress(ingress))
	case "PersistentVolumeClaim":
		phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
		return verdict(phase == "Bound")
	case "CronJob":
		status, _, _ := unstructured.NestedMap(obj.Object, "status")
		if active, _ := status["active"].([]any); len(active) > 0 {
			return "Progressing"
		}
		if lastRunFailed(status) {
			return "Degraded"
		}
		return "Healthy"
	}
	return ""
}

func slicesAnyAddress(ingress []any) bool {
	for _, e := range ingress {
		if m, _ := e.(map[string]any); m["ip"] != nil || m["hostname"] != nil {
			return true
		}
	}
	return false
}

// wholeReaders is what kstatus, Helm 3 and Argo CD conclude from a
// template's aggregated status.
type wholeReaders struct {
	kstatus kstatus.Status
	why     string
	helm3   bool
	argo    string
}

func readWhole(t *testing.T, obj *unstructured.Unstructured) wholeReaders {
	t.Helper()
	res, err := kstatus.Compute(obj)
	if err != nil {
		t.Fatal(err)
	}
	return wholeReaders{kstatus: res.Status, why: res.Message, helm3: helm3Ready(obj), argo: argoWholeHealth(obj)}
}

// conditionText lists the aggregated conditions as type=status/reason: message.
func conditionText(obj *unstructured.Unstructured) string {
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	var text []string
	for _, c := range conds {
		m := c.(map[string]any)
		text = append(text, m["type"].(string)+"="+m["status"].(string)+"/"+m["reason"].(string)+": "+m["message"].(string))
	}
	return strings.Join(text, "\n")
}

func podReport(phase string, ready bool, ip string, waiting string) map[string]any {
	st := map[bool]string{true: "True", false: "False"}[ready]
	state := map[string]any{"running": map[string]any{}}
	if waiting != "" {
		state = map[string]any{"waiting": map[string]any{"reason": waiting}}
	}
	return map[string]any{"phase": phase, "podIP": ip, "hostIP": "10.0.0.1", "startTime": "2026-12-07T11:00:00Z",
		"conditions": []any{
			map[string]any{"type": "PodScheduled", "status": "True", "reason": ""},
			map[string]any{"type": "Ready", "status": st, "reason": map[bool]string{true: "", false: "ContainersNotReady"}[ready], "message": "containers with unready status: [app]"},
		},
		"containerStatuses": []any{map[string]any{"name": "app", "ready": ready, "restartCount": int64(3), "state": state}}}
}

func TestPodReadsLikeOnePod(t *testing.T) {
	const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, generation: 1}\nspec: {containers: [{name: app, image: nginx}]}\n"
	ready := func(ip string) map[string]any { return podReport("Running", true, ip, "") }
	cases := map[string]struct {
		members []fleetMember
		want    kstatus.Status
		helm3   bool
		phase   string
		podIP   string
		message string
	}{
		"running and ready everywhere, the address of the first member by name": {
			[]fleetMember{{"sh", 0, ready("10.2.0.5"), true}, {"hz", 0, ready("10.1.0.5"), true}}, kstatus.CurrentStatus, true, "Running", "10.1.0.5", ""},
		"one copy not ready yet": {
			[]fleetMember{{"hz", 0, ready("10.1.0.5"), true}, {"sh", 0, podReport("Running", false, "10.2.0.5", ""), true}},
			kstatus.InProgressStatus, false, "Running", "10.1.0.5", ""},
		"one copy pending": {
			[]fleetMember{{"hz", 0, ready("10.1.0.5"), true}, {"sh", 0, map[string]any{"phase": "Pending"}, true}}, kstatus.InProgressStatus, false, "Pending", "10.1.0.5", ""},
		"one member has not reported": {
			[]fleetMember{{"hz", 0, ready("10.1.0.5"), true}, {"sh", 0, nil, true}}, kstatus.InProgressStatus, false, "Pending", "10.1.0.5", ""},
		"one copy crash-looping: its container statuses are shown": {
			[]fleetMember{{"hz", 0, ready("10.1.0.5"), true}, {"sh", 0, podReport("Running", false, "10.2.0.5", "CrashLoopBackOff"), true}},
			kstatus.FailedStatus, false, "Running", "10.1.0.5", ""},
		"one copy failed, named": {
			[]fleetMember{{"hz", 0, ready("10.1.0.5"), true}, {"sh", 0, map[string]any{"phase": "Failed", "reason": "Evicted", "message": "low on memory"}, true}},
			// kstatus reads any failed Pod as done; Helm 3 waits for Ready.
			kstatus.CurrentStatus, false, "Failed", "10.1.0.5", "Failed in sh: low on memory"},
		"succeeded everywhere": {
			[]fleetMember{{"hz", 0, map[string]any{"phase": "Succeeded"}, true}, {"sh", 0, map[string]any{"phase": "Succeeded"}, true}},
			kstatus.CurrentStatus, false, "Succeeded", "", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out := aggregate(t, parse(t, pod), tc.members)
			got := readWhole(t, out)
			phase, _, _ := unstructured.NestedString(out.Object, "status", "phase")
			ip, _, _ := unstructured.NestedString(out.Object, "status", "podIP")
			message, _, _ := unstructured.NestedString(out.Object, "status", "message")
			if got.kstatus != tc.want || got.helm3 != tc.helm3 || phase != tc.phase || ip != tc.podIP || message != tc.message {
				t.Fatalf("kstatus %s (%s), Helm 3 ready %t, phase %s, podIP %q, message %q; want %s, %t, %s, %q, %q",
					got.kstatus, got.why, got.helm3, phase, ip, message, tc.want, tc.helm3, tc.phase, tc.podIP, tc.message)
			}
		})
	}
	out := aggregate(t, parse(t, pod), []fleetMember{{"hz", 0, ready("10.1.0.5"), true}, {"sh", 0, podReport("Running", false, "10.2.0.5", ""), true}})
	want := "Ready=False/ContainersNotReady: Not True in sh: containers with unready status: [app].\n" +
		"PodScheduled=True/TrueInMembers: True in every member cluster (2)."
	if got := conditionText(out); got != want {
		t.Fatalf("conditions:\n%s\nwant:\n%s", got, want)
	}
	if gen, _, _ := unstructured.NestedInt64(out.Object, "status", "observedGeneration"); gen != 1 {
		t.Fatalf("observedGeneration %d, want 1: every member reports on the latest template", gen)
	}
	// The API server stores a Pod condition's lastProbeTime as null.
	for _, c := range out.Object["status"].(map[string]any)["conditions"].([]any) {
		c.(map[string]any)["lastProbeTime"] = nil
	}
	again := aggregate(t, out, []fleetMember{{"hz", 0, ready("10.1.0.5"), true}, {"sh", 0, podReport("Running", false, "10.2.0.5", ""), true}})
	if !equalJSON(t, out.Object["status"], again.Object["status"]) {
		t.Fatalf("a second aggregation of the same reports changed the status:\n%v\n%v", out.Object["status"], again.Object["status"])
	}
}
