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
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func lbReport(addresses ...string) map[string]any {
	var ingress []any
	for _, a := range addresses {
		ingress = append(ingress, map[string]any{"ip": a})
	}
	if ingress == nil {
		return map[string]any{"loadBalancer": map[string]any{}}
	}
	return map[string]any{"loadBalancer": map[string]any{"ingress": ingress}}
}

func TestLoadBalancerAddressesOnceEveryMemberHasOne(t *testing.T) {
	const service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer, clusterIP: 10.96.0.10}\n"
	const ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, generation: 1}\nspec: {}\n"
	cases := map[string]struct {
		tpl     string
		members []fleetMember
		want    []any
		helm3   bool
		argo    string
	}{
		"service: every member has an address": {service, []fleetMember{{"hz", 0, lbReport("192.0.2.10"), true}, {"sh", 0, lbReport("198.51.100.10", "192.0.2.10"), true}},
			[]any{map[string]any{"ip": "192.0.2.10"}, map[string]any{"ip": "198.51.100.10"}}, true, "Healthy"},
		"service: one member has none yet":     {service, []fleetMember{{"hz", 0, lbReport("192.0.2.10"), true}, {"sh", 0, lbReport(), true}}, nil, false, "Progressing"},
		"service: one member has not reported": {service, []fleetMember{{"hz", 0, lbReport("192.0.2.10"), true}, {"sh", 0, nil, true}}, nil, false, "Progressing"},
		"ingress: every member has an address": {ingress, []fleetMember{{"hz", 0, lbReport("192.0.2.10"), true}, {"sh", 0, lbReport("198.51.100.10"), true}},
			[]any{map[string]any{"ip": "192.0.2.10"}, map[string]any{"ip": "198.51.100.10"}}, true, "Healthy"},
		"ingress: one member has none yet": {ingress, []fleetMember{{"hz", 0, lbReport(), true}, {"sh", 0, lbReport("198.51.100.10"), true}}, nil, true, "Progressing"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out := aggregate(t, parse(t, tc.tpl), tc.members)
			got, _, _ := unstructured.NestedSlice(out.Object, "status", "loadBalancer", "ingress")
			r := readWhole(t, out)
			// kstatus v0.37.2 reads a Service as Current once it has a
			// cluster IP, and has no rule for an Ingress.
			if !equalJSON(t, got, tc.want) || r.helm3 != tc.helm3 || r.argo != tc.argo || r.kstatus != kstatus.CurrentStatus {
				t.Fatalf("ingress %v, Helm 3 ready %t, Argo CD %s, kstatus %s; want %v, %t, %s, Current", got, r.helm3, r.argo, r.kstatus, tc.want, tc.helm3, tc.argo)
			}
		})
	}
	withError := func(st string) map[string]any {
		r := lbReport("192.0.2.10")
		r["conditions"] = []any{map[string]any{"type": "LoadBalancerPortsError", "status": st, "reason": "MixedProtocolNotSupported", "message": "LoadBalancer port protocols differ"}}
		return r
	}
	out := aggregate(t, parse(t, service), []fleetMember{{"hz", 0, withError("False"), true}, {"sh", 0, withError("True"), true}})
	if got, want := conditionText(out), "LoadBalancerPortsError=True/MixedProtocolNotSupported: True in sh: LoadBalancer port protocols differ."; got != want {
		t.Fatalf("conditions %q, want %q", got, want)
	}
}

func TestPersistentVolumeClaimBoundOnlyWhenEveryMemberIs(t *testing.T) {
	const claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n"
	bound := func(size string, modes ...any) map[string]any {
		return map[string]any{"phase": "Bound", "capacity": map[string]any{"storage": size}, "accessModes": modes}
	}
	cases := map[string]struct {
		members  []fleetMember
		phase    string
		capacity any
		modes    any
		want     kstatus.Status
	}{
		"bound everywhere: the smallest volume and the shared modes": {
			[]fleetMember{{"hz", 0, bound("2Gi", "ReadWriteOnce", "ReadWriteMany"), true}, {"sh", 0, bound("1536Mi", "ReadWriteOnce"), true}},
			"Bound", map[string]any{"storage": "1536Mi"}, []any{"ReadWriteOnce"}, kstatus.CurrentStatus},
		"one member pending": {[]fleetMember{{"hz", 0, bound("2Gi", "ReadWriteOnce"), true}, {"sh", 0, map[string]any{"phase": "Pending"}, true}},
			"Pending", nil, nil, kstatus.InProgressStatus},
		"one member has not reported": {[]fleetMember{{"hz", 0, bound("2Gi", "ReadWriteOnce"), true}, {"sh", 0, nil, true}},
			"Pending", nil, nil, kstatus.InProgressStatus},
		"one member lost its volume": {[]fleetMember{{"hz", 0, bound("2Gi", "ReadWriteOnce"), true}, {"sh", 0, map[string]any{"phase": "Lost"}, true}},
			"Lost", nil, nil, kstatus.InProgressStatus},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out := aggregate(t, parse(t, claim), tc.members)
			status := out.Object["status"].(map[string]any)
			r := readWhole(t, out)
			healthy := tc.phase == "Bound"
			if status["phase"] != tc.phase || !equalJSON(t, status["capacity"], tc.capacity) || !equalJSON(t, status["accessModes"], tc.modes) ||
				r.kstatus != tc.want || r.helm3 != healthy || (r.argo == "Healthy") != healthy {
				t.Fatalf("status %v, kstatus %s, Helm 3 ready %t, Argo CD %s; want phase %s, capacity %v, modes %v, %s",
					status, r.kstatus, r.helm3, r.argo, tc.phase, tc.capacity, tc.modes, tc.want)
			}
		})
	}
}

func TestAutoscalerAddsUpAndNamesTheMember(t *testing.T) {
	const hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, generation: 1}\nspec: {minReplicas: 1, maxReplicas: 10}\n"
	report := func(current, desired int64, active, reason, scaled string) map[string]any {
		return map[string]any{"observedGeneration": int64(1), "currentReplicas": current, "desiredReplicas": desired, "lastScaleTime": scaled,
			"conditions": []any{
				map[string]any{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale", "message": "recommended size matches current size"},
				map[string]any{"type": "ScalingActive", "status": active, "reason": reason, "message": "metrics: " + reason},
				map[string]any{"type": "ScalingLimited", "status": map[bool]string{true: "True", false: "False"}[current == 10], "reason": "DesiredWithinRange", "message": "within range"},
			}}
	}
	out := aggregate(t, parse(t, hpa), []fleetMember{
		{"hz", 0, report(3, 4, "True", "ValidMetricFound", "2026-12-07T10:00:00Z"), true},
		{"sh", 0, report(2, 2, "False", "FailedGetResourceMetric", "2026-12-07T11:00:00Z"), true},
	})
	status := out.Object["status"].(map[string]any)
	if status["currentReplicas"] != int64(5) || status["desiredReplicas"] != int64(6) || status["lastScaleTime"] != "2026-12-07T11:00:00Z" {
		t.Fatalf("status %v; want 5 current, 6 desired, the latest scale time", status)
	}
	want := "AbleToScale=True/ReadyForNewScale: recommended size matches current size\n" +
		"ScalingActive=False/FailedGetResourceMetric: Not True in sh: metrics: FailedGetResourceMetric.\n" +
		"ScalingLimited=False/DesiredWithinRange: within range"
	if got := conditionText(out); got != want {
		t.Fatalf("conditions:\n%s\nwant:\n%s", got, want)
	}
	// A member that cannot compute its replicas is not done: kstatus keeps
	// waiting, and reads Current once every member is.
	if r := readWhole(t, out); r.kstatus != kstatus.InProgressStatus {
		t.Fatalf("kstatus %s (%s), want InProgress", r.kstatus, r.why)
	}
	out = aggregate(t, parse(t, hpa), []fleetMember{
		{"hz", 0, report(3, 4, "True", "ValidMetricFound", "2026-12-07T10:00:00Z"), true},
		{"sh", 0, report(10, 10, "True", "ValidMetricFound", ""), true},
	})
	if r := readWhole(t, out); r.kstatus != kstatus.CurrentStatus || conditionText(out) != "AbleToScale=True/ReadyForNewScale: recommended size matches current size\n"+
		"ScalingActive=True/ValidMetricFound: metrics: ValidMetricFound\nScalingLimited=True/DesiredWithinRange: True in sh: within range." {
		t.Fatalf("kstatus %s (%s), conditions:\n%s", r.kstatus, r.why, conditionText(out))
	}
}

func TestDisruptionBudgetAddsUp(t *testing.T) {
	const pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, generation: 1}\nspec: {minAvailable: 1}\n"
	report := func(expected, healthy, desired int64) map[string]any {
		allowed := max(healthy-desired, 0)
		cond := map[string]any{"type": "DisruptionAllowed", "status": "True", "reason": "SufficientPods", "message": ""}
		if allowed == 0 {
			cond = map[string]any{"type": "DisruptionAllowed", "status": "False", "reason": "InsufficientPods", "message": ""}
		}
		return map[string]any{"observedGeneration": int64(1), "expectedPods": expected, "currentHealthy": healthy, "desiredHealthy": desired,
			"disruptionsAllowed": allowed, "conditions": []any{cond}}
	}
	cases := map[string]struct {
		members []fleetMember
		want    kstatus.Status
		counts  [4]int64
		allowed string
	}{
		"every member has its healthy pods": {[]fleetMember{{"hz", 0, report(2, 2, 1), true}, {"sh", 0, report(2, 2, 1), true}},
			kstatus.CurrentStatus, [4]int64{4, 4, 2, 2}, "DisruptionAllowed=True/SufficientPods: True in every member cluster (2)."},
		// The sums (3 healthy, 2 desired) would satisfy the budget; the
		// member short of it keeps the fleet in progress.
		"one member short of its budget": {[]fleetMember{{"hz", 0, report(2, 3, 1), true}, {"sh", 0, report(2, 0, 1), true}},
			kstatus.InProgressStatus, [4]int64{4, 3, 2, 2}, "DisruptionAllowed=False/InsufficientPods: Not True in sh: InsufficientPods."},
		"one member has not reported": {[]fleetMember{{"hz", 0, report(2, 2, 1), true}, {"sh", 0, nil, true}},
			kstatus.InProgressStatus, [4]int64{2, 2, 1, 1}, "DisruptionAllowed=Unknown/NoReport: Not True in sh: no report yet."},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out := aggregate(t, parse(t, pdb), tc.members)
			status := out.Object["status"].(map[string]any)
			got := [4]int64{intField(status, "expectedPods"), intField(status, "currentHealthy"), intField(status, "desiredHealthy"), intField(status, "disruptionsAllowed")}
			r := readWhole(t, out)
			if r.kstatus != tc.want || got != tc.counts || conditionText(out) != tc.allowed {
				t.Fatalf("kstatus %s (%s), counts %v, conditions %q; want %s, %v, %q", r.kstatus, r.why, got, conditionText(out), tc.want, tc.counts, tc.allowed)
			}
		})
	}
}

func TestCronJobMergesRuns(t *testing.T) {
	const cronJob = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report, namespace: ns, generation: 1}\nspec: {schedule: '0 * * * *'}\n"
	report := func(scheduled, succeeded string, active ...string) map[string]any {
		out := map[string]any{"lastScheduleTime": scheduled}
		if succeeded != "" {
			out["lastSuccessfulTime"] = succeeded
		}
		for _, name := range active {
			out["active"] = append(asSlice(out["active"]), map[string]any{"apiVersion": "batch/v1", "kind": "Job", "namespace": "ns", "name": name, "uid": "member-" + name})
		}
		return out
	}
	cases := map[string]struct {
		members              []fleetMember
		active               []any
		scheduled, succeeded string
		argo                 string
	}{
		"every member succeeded": {[]fleetMember{{"hz", 0, report("2026-12-07T11:00:00Z", "2026-12-07T11:00:05Z"), true}, {"sh", 0, report("2026-12-07T11:00:00Z", "2026-12-07T11:00:09Z"), true}},
			nil, "2026-12-07T11:00:00Z", "2026-12-07T11:00:09Z", "Healthy"},
		"one member still runs the last schedule": {[]fleetMember{{"hz", 0, report("2026-12-07T11:00:00Z", "2026-12-07T11:00:05Z"), true}, {"sh", 0, report("2026-12-07T11:00:00Z", "2026-12-07T10:00:09Z", "report-29"), true}},
			[]any{map[string]any{"apiVersion": "batch/v1", "kind": "Job", "namespace": "ns", "name": "report-29"}}, "2026-12-07T11:00:00Z", "2026-12-07T11:00:05Z", "Progressing"},
		"one member's last run failed": {[]fleetMember{{"hz", 0, report("2026-12-07T11:00:00Z", "2026-12-07T11:00:05Z"), true}, {"sh", 0, report("2026-12-07T11:00:00Z", "2026-12-07T10:00:09Z"), true}},
			nil, "2026-12-07T11:00:00Z", "2026-12-07T10:00:09Z", "Degraded"},
		"one member never succeeded": {[]fleetMember{{"hz", 0, report("2026-12-07T11:00:00Z", "2026-12-07T11:00:05Z"), true}, {"sh", 0, report("2026-12-07T11:00:00Z", ""), true}},
			nil, "2026-12-07T11:00:00Z", "", "Degraded"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out := aggregate(t, parse(t, cronJob), tc.members)
			status := out.Object["status"].(map[string]any)
			r := readWhole(t, out)
			succeeded, _ := status["lastSuccessfulTime"].(string)
			// kstatus reads every CronJob as Current.
			if !equalJSON(t, status["active"], tc.active) || status["lastScheduleTime"] != tc.scheduled || succeeded != tc.succeeded || r.argo != tc.argo || r.kstatus != kstatus.CurrentStatus {
				t.Fatalf("status %v, Argo CD %s, kstatus %s; want active %v, scheduled %s, succeeded %q, %s", status, r.argo, r.kstatus, tc.active, tc.scheduled, tc.succeeded, tc.argo)
			}
		})
	}
	if h := For(parse(t, cronJob).GroupVersionKind()).InterpretHealth(&unstructured.Unstructured{Object: map[string]any{"status": report("2026-12-07T11:00:00Z", "2026-12-07T10:00:09Z")}}); h != "Unhealthy" {
		t.Fatalf("a member whose last run failed is %s, want Unhealthy", h)
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}
