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
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// reported is a member that reported status js; health and current as
// given.
func reported(cluster, js string, healthy, current bool) MemberStatus {
	health := workv1alpha1.ResourceUnhealthy
	if healthy {
		health = workv1alpha1.ResourceHealthy
	}
	return MemberStatus{Cluster: cluster, Status: &runtime.RawExtension{Raw: []byte(js)}, Health: health, Current: current}
}

// silent is a member that has not reported on its Work's current spec.
func silent(cluster string) MemberStatus { return MemberStatus{Cluster: cluster} }

func TestAggregateStatus(t *testing.T) {
	// now is not UTC: conditions are stamped in UTC.
	now := time.Date(2026, 11, 24, 13, 0, 0, 0, time.FixedZone("CET", 3600))
	const stamp = "2026-11-24T12:00:00Z"
	const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, generation: 4}\n"
	const job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: pi, generation: 1}\n"
	const (
		hz = `{"replicas":3,"readyReplicas":3,"availableReplicas":3,"updatedReplicas":3,"observedGeneration":2}`
		sh = `{"replicas":2,"readyReplicas":1,"availableReplicas":1,"updatedReplicas":2,"unavailableReplicas":1}`
	)
	deploymentSums := func(extra map[string]any) map[string]any {
		out := map[string]any{"replicas": int64(5), "readyReplicas": int64(4), "availableReplicas": int64(4), "updatedReplicas": int64(5),
			"unavailableReplicas": int64(1), "terminatingReplicas": int64(0)}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	jobStarted := `"startTime":"2026-11-24T10:00:00Z"`
	complete := func(at string) string {
		return `{"succeeded":2,` + jobStarted + `,"completionTime":"` + at + `","conditions":[{"type":"SuccessCriteriaMet","status":"True"},{"type":"Complete","status":"True"}]}`
	}
	jobCond := func(typ, reason, at string) any {
		return map[string]any{"type": typ, "status": "True", "lastTransitionTime": at, "lastProbeTime": at, "reason": reason}
	}
	jobSums := func(succeeded, failed int64, extra map[string]any) map[string]any {
		out := map[string]any{"active": int64(0), "succeeded": succeeded, "failed": failed, "ready": int64(0), "terminating": int64(0)}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	cases := map[string]struct {
		tpl     string
		members []MemberStatus
		want    map[string]any
	}{
		"deployment sums, all current and healthy": {deployment,
			[]MemberStatus{reported("hz", hz, true, true), reported("sh", sh, true, true)},
			deploymentSums(map[string]any{"observedGeneration": int64(4)})},
		"deployment with an unhealthy member keeps its observedGeneration": {deployment + "status: {observedGeneration: 3, conditions: [{type: Available, status: 'True'}]}",
			[]MemberStatus{reported("hz", hz, true, true), reported("sh", sh, false, true)},
			deploymentSums(map[string]any{"observedGeneration": int64(3)})},
		"deployment with a member running an older copy": {deployment,
			[]MemberStatus{reported("hz", hz, true, true), reported("sh", sh, true, false)}, deploymentSums(map[string]any{"observedGeneration": int64(0)})},
		"deployment with a silent member sums the others": {deployment,
			[]MemberStatus{reported("hz", hz, true, true), silent("sh")},
			map[string]any{"replicas": int64(3), "readyReplicas": int64(3), "availableReplicas": int64(3), "updatedReplicas": int64(3),
				"unavailableReplicas": int64(0), "terminatingReplicas": int64(0), "observedGeneration": int64(0)}},
		"an unreadable report counts as silent": {deployment,
			[]MemberStatus{reported("hz", hz, true, true), reported("sh", "{", true, true)},
			map[string]any{"replicas": int64(3), "readyReplicas": int64(3), "availableReplicas": int64(3), "updatedReplicas": int64(3),
				"unavailableReplicas": int64(0), "terminatingReplicas": int64(0), "observedGeneration": int64(0)}},
		"deployment placed nowhere is left alone": {deployment + "status: {replicas: 7}", nil, nil},
		"replicaset sums its own fields": {"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r, generation: 1}\n",
			[]MemberStatus{reported("hz", `{"replicas":2,"fullyLabeledReplicas":2}`, true, true), reported("sh", `{"replicas":1}`, true, true)},
			map[string]any{"replicas": int64(3), "readyReplicas": int64(0), "availableReplicas": int64(0), "fullyLabeledReplicas": int64(2), "observedGeneration": int64(1)}},
		"job complete in every cluster": {job,
			[]MemberStatus{reported("hz", complete("2026-11-24T11:00:00Z"), true, true), reported("sh", complete("2026-11-24T11:30:00Z"), true, true)},
			jobSums(4, 0, map[string]any{"observedGeneration": int64(1), "startTime": "2026-11-24T10:00:00Z", "completionTime": "2026-11-24T11:30:00Z",
				"conditions": []any{jobCond("SuccessCriteriaMet", "CompletedInAllClusters", stamp), jobCond("Complete", "CompletedInAllClusters", stamp)}})},
		"job complete in one cluster only": {job,
			[]MemberStatus{reported("hz", complete("2026-11-24T11:00:00Z"), true, true), reported("sh", `{"active":1,"ready":1,`+jobStarted+`}`, true, true)},
			jobSums(2, 0, map[string]any{"active": int64(1), "ready": int64(1), "observedGeneration": int64(1), "startTime": "2026-11-24T10:00:00Z"})},
		"job complete everywhere but one cluster runs an older copy": {job,
			[]MemberStatus{reported("hz", complete("2026-11-24T11:00:00Z"), true, true), reported("sh", complete("2026-11-24T11:30:00Z"), true, false)},
			jobSums(4, 0, map[string]any{"startTime": "2026-11-24T10:00:00Z", "observedGeneration": int64(0)})},
		"job failed in one cluster": {job,
			[]MemberStatus{reported("hz", complete("2026-11-24T11:00:00Z"), true, true),
				reported("sh", `{"failed":3,`+jobStarted+`,"conditions":[{"type":"FailureTarget","status":"True"},{"type":"Failed","status":"True"}]}`, false, true)},
			jobSums(2, 3, map[string]any{"startTime": "2026-11-24T10:00:00Z", "observedGeneration": int64(0),
				"conditions": []any{jobCond("FailureTarget", "FailedInACluster", stamp), jobCond("Failed", "FailedInACluster", stamp)}})},
		"job keeps the times of conditions it already has": {job + "status:\n  conditions:\n  - {type: FailureTarget, status: 'True', lastTransitionTime: '2026-11-24T11:00:00Z'}\n  - {type: Failed, status: 'True', lastTransitionTime: '2026-11-24T11:00:00Z'}\n",
			[]MemberStatus{reported("hz", `{"failed":1,"conditions":[{"type":"Failed","status":"True"}]}`, false, true)},
			jobSums(0, 1, map[string]any{"observedGeneration": int64(0), "conditions": []any{
				map[string]any{"type": "FailureTarget", "status": "True", "lastTransitionTime": "2026-11-24T11:00:00Z"},
				map[string]any{"type": "Failed", "status": "True", "lastTransitionTime": "2026-11-24T11:00:00Z"}}})},
		"job running again loses its old conditions": {job + "status:\n  conditions: [{type: Complete, status: 'True'}]\n",
			[]MemberStatus{reported("hz", `{"active":1}`, true, true)},
			jobSums(0, 0, map[string]any{"active": int64(1), "observedGeneration": int64(1)})},
		"a configmap is left alone": {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
			[]MemberStatus{reported("hz", `{}`, true, true)}, nil},
		"a CRD named Deployment is left alone": {"apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: d, generation: 2}\n",
			[]MemberStatus{reported("hz", hz, true, true)}, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tpl := parse(t, tc.tpl)
			before := tpl.DeepCopy()
			got, err := For(tpl.GroupVersionKind()).AggregateStatus(tpl, tc.members, now)
			if err != nil {
				t.Fatal(err)
			}
			if tpl.GetKind() == "Deployment" && got != nil {
				// The merged conditions are checked in replicated_test.go.
				delete(got, "conditions")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before.Object, tpl.Object); diff != "" {
				t.Errorf("the template was modified (-before +after):\n%s", diff)
			}
		})
	}
}
