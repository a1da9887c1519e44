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
	"time"

	"github.com/google/go-cmp/cmp"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

func TestPyTorchJobReplicas(t *testing.T) {
	job := fixture(t, "pytorchjob/pytorchjob.yaml")
	got, err := For(job.GroupVersionKind()).GetReplicas(job)
	if err != nil {
		t.Fatal(err)
	}
	// Never split: a cluster gets all four replicas or none, each asking
	// for what a worker asks, where a worker can run.
	if got.Replicas != 4 || got.MinPerCluster != 4 || got.Requirements.Requests.Cpu().String() != "4" ||
		got.Requirements.NodeSelector["accelerator"] != "nvidia-l4" {
		t.Errorf("replicas %+v, want 4, all in one cluster, each of a worker's 4 CPU on nvidia-l4 nodes", got)
	}

	// A replica type without replicas runs one.
	unset := parse(t, `
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata: {name: p}
spec:
  pytorchReplicaSpecs:
    Master: {template: {spec: {containers: [{name: pytorch, image: x}]}}}
    Worker: {replicas: 2, template: {spec: {containers: [{name: pytorch, image: x}]}}}`)
	if got, err := For(unset.GroupVersionKind()).GetReplicas(unset); err != nil || got.Replicas != 3 || got.MinPerCluster != 3 {
		t.Errorf("replicas %+v, %v; want 1 master and 2 workers, 3 in one cluster", got, err)
	}
}

func TestPyTorchJobRefusesASplit(t *testing.T) {
	job := fixture(t, "pytorchjob/pytorchjob.yaml")
	in := For(job.GroupVersionKind())
	before := job.DeepCopy()
	if err := in.ReviseReplica(job, Share{Cluster: "hz", Replicas: 4}); err != nil || !cmp.Equal(before.Object, job.Object) {
		t.Errorf("the whole job: %v, and revised to %v; want it as written", err, job.Object)
	}
	for _, share := range []int64{1, 2, 5} {
		err := in.ReviseReplica(job, Share{Cluster: "hz", Replicas: share})
		if err == nil || !strings.Contains(err.Error(), "cannot be split") || !cmp.Equal(before.Object, job.Object) {
			t.Errorf("a share of %d: %v; want a refusal, the job untouched", share, err)
		}
	}
}

func TestPyTorchJobDependencies(t *testing.T) {
	job := fixture(t, "pytorchjob/pytorchjob.yaml")
	got, err := For(job.GroupVersionKind()).GetDependencies(job)
	if err != nil {
		t.Fatal(err)
	}
	want := concat(depsIn("kubeflow", "PersistentVolumeClaim", "mnist"), depsIn("kubeflow", "Secret", "wandb"))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
}

// pytorchConditions are a training job's conditions, "Type" or "Type=False".
func pytorchConditions(conds ...string) []any {
	var out []any
	for _, c := range conds {
		typ, status, found := strings.Cut(c, "=")
		if !found {
			status = "True"
		}
		out = append(out, map[string]any{"type": typ, "status": status, "reason": "PyTorchJob" + typ, "message": "PyTorchJob pytorch-mnist is " + strings.ToLower(typ) + "."})
	}
	return out
}

func TestPyTorchJobHealth(t *testing.T) {
	withConditions := func(conds ...string) map[string]any {
		return map[string]any{"conditions": pytorchConditions(conds...)}
	}
	checkHealth(t, fixture(t, "pytorchjob/pytorchjob.yaml"), map[string]healthCase{
		"no status":         {nil, workv1alpha1.ResourceUnknown},
		"no conditions yet": {map[string]any{"replicaStatuses": map[string]any{}}, workv1alpha1.ResourceUnknown},
		"created":           {withConditions("Created"), workv1alpha1.ResourceHealthy},
		"running":           {withConditions("Created", "Running"), workv1alpha1.ResourceHealthy},
		"restarting":        {withConditions("Created", "Running=False", "Restarting"), workv1alpha1.ResourceHealthy},
		"succeeded":         {withConditions("Created", "Running=False", "Succeeded"), workv1alpha1.ResourceHealthy},
		"failed":            {withConditions("Created", "Running=False", "Failed"), workv1alpha1.ResourceUnhealthy},
		"running again after a failure was cleared": {withConditions("Created", "Failed=False", "Running"), workv1alpha1.ResourceHealthy},
	})
}

func pytorchReport(start, completion string, masterActive, workersActive, succeeded, failed int64, conds ...string) map[string]any {
	out := map[string]any{"startTime": start, "conditions": pytorchConditions(conds...),
		"replicaStatuses": map[string]any{
			"Master": map[string]any{"active": masterActive},
			"Worker": map[string]any{"active": workersActive, "succeeded": succeeded, "failed": failed},
		}}
	if completion != "" {
		out["completionTime"] = completion
	}
	return out
}

func TestPyTorchJobAggregation(t *testing.T) {
	tpl := fixture(t, "pytorchjob/pytorchjob.yaml")
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	const t1, t2, t3 = "2026-12-07T10:00:00Z", "2026-12-07T10:05:00Z", "2026-12-07T11:30:00Z"
	replicaStatuses := func(master, workers, succeeded, failed int64) map[string]any {
		return map[string]any{
			"Master": map[string]any{"active": master, "succeeded": int64(0), "failed": int64(0)},
			"Worker": map[string]any{"active": workers, "succeeded": succeeded, "failed": failed},
		}
	}
	cases := map[string]struct {
		members    []MemberStatus
		replicas   map[string]any
		start, end any
		condition  string
	}{
		"two members, both succeeded": {[]MemberStatus{
			member(t, tpl, "hz", pytorchReport(t2, t3, 0, 0, 3, 0, "Created", "Running=False", "Succeeded")),
			member(t, tpl, "sh", pytorchReport(t1, t2, 0, 0, 3, 0, "Created", "Running=False", "Succeeded")),
		}, replicaStatuses(0, 0, 6, 0), t1, t3, "Succeeded=True/PyTorchJobSucceeded: Succeeded in every member cluster (2)."},
		"two members, one still running": {[]MemberStatus{
			member(t, tpl, "hz", pytorchReport(t2, "", 1, 3, 0, 0, "Created", "Running")),
			member(t, tpl, "sh", pytorchReport(t1, t2, 0, 0, 3, 0, "Created", "Running=False", "Succeeded")),
		}, replicaStatuses(1, 3, 3, 0), t1, nil, "Running=True/PyTorchJobRunning: Not finished in hz (Running)."},
		"three members, one failed": {[]MemberStatus{
			member(t, tpl, "fra", pytorchReport(t1, "", 1, 3, 0, 0, "Created", "Running")),
			member(t, tpl, "hz", pytorchReport(t1, t2, 0, 0, 0, 3, "Created", "Running=False", "Failed")),
			member(t, tpl, "sh", pytorchReport(t2, t3, 0, 0, 3, 0, "Created", "Running=False", "Succeeded")),
		}, replicaStatuses(1, 3, 3, 3), t1, nil, "Failed=True/PyTorchJobFailed: Failed in hz: PyTorchJob pytorch-mnist is failed."},
		"three members, not started everywhere": {[]MemberStatus{
			silent("fra"),
			member(t, tpl, "hz", map[string]any{}),
			member(t, tpl, "sh", pytorchReport(t2, "", 1, 3, 0, 0, "Created", "Running=False", "Restarting")),
		}, replicaStatuses(1, 3, 0, 0), t2, nil, "Running=True/PyTorchJobRunning: Not finished in fra (no report yet), hz (not created yet), sh (Restarting)."},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, err := For(tpl.GroupVersionKind()).AggregateStatus(tpl, tc.members, now)
			if err != nil {
				t.Fatal(err)
			}
			out := tpl.DeepCopy()
			out.Object["status"] = status
			if diff := cmp.Diff(tc.replicas, status["replicaStatuses"]); diff != "" {
				t.Errorf("replica statuses (-want +got):\n%s", diff)
			}
			if status["startTime"] != tc.start || status["completionTime"] != tc.end || conditionText(out) != tc.condition {
				t.Errorf("started %v, completed %v, conditions %q; want %v, %v, %q", status["startTime"], status["completionTime"], conditionText(out), tc.start, tc.end, tc.condition)
			}
		})
	}
}
