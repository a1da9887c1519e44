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
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

var volcanoJobKind = schema.GroupVersionKind{Group: "batch.volcano.sh", Version: "v1alpha1", Kind: "Job"}

// volcanoJobOf is a Volcano Job with spec.minAvailable gang (unset when 0)
// and tasks written "name:replicas" or "name:replicas/minAvailable".
func volcanoJobOf(t *testing.T, gang int64, tasks ...string) *unstructured.Unstructured {
	t.Helper()
	var list []any
	for _, task := range tasks {
		name, counts, _ := strings.Cut(task, ":")
		replicas, own, hasOwn := strings.Cut(counts, "/")
		m := map[string]any{"name": name, "replicas": atoi(t, replicas), "template": map[string]any{"spec": map[string]any{
			"containers": []any{map[string]any{"name": "main", "image": "busybox"}}}}}
		if hasOwn {
			m["minAvailable"] = atoi(t, own)
		}
		list = append(list, m)
	}
	spec := map[string]any{"tasks": list}
	if gang > 0 {
		spec["minAvailable"] = gang
	}
	job := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": "train", "namespace": "ml"}, "spec": spec}}
	job.SetGroupVersionKind(volcanoJobKind)
	return job
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// taskReplicas lists a Volcano Job's tasks as "name:replicas" and its
// spec.minAvailable.
func taskReplicas(job *unstructured.Unstructured) (tasks []string, gang int64) {
	list, _, _ := unstructured.NestedSlice(job.Object, "spec", "tasks")
	for _, task := range list {
		m := task.(map[string]any)
		tasks = append(tasks, m["name"].(string)+":"+strconv.FormatInt(m["replicas"].(int64), 10))
	}
	gang, _, _ = unstructured.NestedInt64(job.Object, "spec", "minAvailable")
	return tasks, gang
}

func TestVolcanoJobReplicas(t *testing.T) {
	job := fixture(t, "volcanojob/job.yaml")
	got, err := For(job.GroupVersionKind()).GetReplicas(job)
	if err != nil {
		t.Fatal(err)
	}
	// The workers ask for more CPU than the parameter servers: a replica
	// asks for what a worker does, where a worker can run.
	if got.Replicas != 8 || got.MinPerCluster != 4 {
		t.Errorf("replicas %d, min per cluster %d; want 8 and the job's minAvailable 4", got.Replicas, got.MinPerCluster)
	}
	wantRequests := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi"),
		"nvidia.com/gpu": resource.MustParse("1")}
	if !cmp.Equal(got.Requirements.Requests, wantRequests, cmp.Comparer(func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 })) ||
		got.Requirements.NodeSelector["accelerator"] != "nvidia-a100" || len(got.Requirements.Tolerations) != 1 {
		t.Errorf("requirements %+v, want the worker's", got.Requirements)
	}

	cases := map[string]struct {
		job           *unstructured.Unstructured
		replicas, min int64
	}{
		"minAvailable unset: the whole job is the gang": {volcanoJobOf(t, 0, "ps:2", "worker:6"), 8, 8},
		"minAvailable zero: the whole job is the gang":  {volcanoJobOf(t, 0, "master:1", "worker:3"), 4, 4},
		"minAvailable is the gang":                      {volcanoJobOf(t, 4, "ps:2", "worker:6"), 8, 4},
		"the tasks' own minimums raise the gang":        {volcanoJobOf(t, 3, "ps:2/2", "worker:6/4"), 8, 6},
		"minAvailable past the size is the size":        {volcanoJobOf(t, 12, "ps:2", "worker:6"), 8, 8},
	}
	for name, tc := range cases {
		got, err := For(volcanoJobKind).GetReplicas(tc.job)
		if err != nil || got.Replicas != tc.replicas || got.MinPerCluster != tc.min {
			t.Errorf("%s: %+v, %v; want %d replicas, at least %d per cluster", name, got, err, tc.replicas, tc.min)
		}
	}
}

func TestVolcanoJobRequirementsTieOnCPUGoToMemory(t *testing.T) {
	job := parse(t, `
apiVersion: batch.volcano.sh/v1alpha1
kind: Job
metadata: {name: j}
spec:
  tasks:
  - {name: a, replicas: 1, template: {spec: {containers: [{name: c, image: x, resources: {requests: {cpu: "1", memory: 1Gi}}}]}}}
  - {name: b, replicas: 1, template: {spec: {nodeSelector: {pool: big}, containers: [{name: c, image: x, resources: {requests: {cpu: "1", memory: 8Gi}}}]}}}
  - {name: c, replicas: 1, template: {spec: {containers: [{name: c, image: x, resources: {requests: {cpu: 1000m, memory: 8Gi}}}]}}}`)
	got, err := For(volcanoJobKind).GetReplicas(job)
	if err != nil {
		t.Fatal(err)
	}
	if got.Requirements.Requests.Memory().String() != "8Gi" || got.Requirements.NodeSelector["pool"] != "big" {
		t.Errorf("requirements %+v, want task b's (more memory for the same CPU, before c)", got.Requirements)
	}
}

func TestVolcanoJobShares(t *testing.T) {
	cases := map[string]struct {
		job   *unstructured.Unstructured
		share int64
		tasks []string
		gang  int64
	}{
		"8 replicas with a gang of 4, half of them": {volcanoJobOf(t, 4, "ps:2", "worker:6"), 4, []string{"ps:1", "worker:3"}, 4},
		"a larger share keeps the gang":             {volcanoJobOf(t, 4, "ps:2", "worker:6"), 6, []string{"ps:2", "worker:4"}, 4},
		"a task's own minimum first":                {volcanoJobOf(t, 4, "master:1/1", "worker:7"), 4, []string{"master:1", "worker:3"}, 4},
		"own minimums, then the rest in proportion": {volcanoJobOf(t, 5, "ps:4/2", "worker:8/2"), 6, []string{"ps:3", "worker:3"}, 5},
		// docs/interpreter-thirdparty.md's example: quotas 0.75 and 2.25.
		"own minimums, the larger remainder": {volcanoJobOf(t, 5, "ps:4/2", "worker:8/2"), 7, []string{"ps:3", "worker:4"}, 5},
		// 4 × 1/8 and 4 × 7/8 leave equal remainders: the earlier task wins.
		"a task of one replica, tie to the earlier task": {volcanoJobOf(t, 4, "master:1", "worker:7"), 4, []string{"master:1", "worker:3"}, 4},
		"a task of one replica, the larger remainder":    {volcanoJobOf(t, 4, "master:1", "worker:7"), 5, []string{"master:1", "worker:4"}, 4},
		"largest remainder, ties by task order":          {volcanoJobOf(t, 5, "a:4", "b:3", "c:3"), 5, []string{"a:2", "b:2", "c:1"}, 5},
		"a share below minAvailable runs what it has":    {volcanoJobOf(t, 6, "ps:2", "worker:6"), 3, []string{"ps:1", "worker:2"}, 3},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if err := For(volcanoJobKind).ReviseReplica(tc.job, Share{Cluster: "hz", Replicas: tc.share}); err != nil {
				t.Fatal(err)
			}
			tasks, gang := taskReplicas(tc.job)
			if !cmp.Equal(tasks, tc.tasks) || gang != tc.gang {
				t.Errorf("tasks %v, minAvailable %d; want %v, %d", tasks, gang, tc.tasks, tc.gang)
			}
		})
	}
}

func TestVolcanoJobWholeShareIsAsWritten(t *testing.T) {
	for _, job := range []*unstructured.Unstructured{fixture(t, "volcanojob/job.yaml"), volcanoJobOf(t, 0, "ps:2", "worker:6")} {
		before := job.DeepCopy()
		if err := For(volcanoJobKind).ReviseReplica(job, Share{Cluster: "hz", Replicas: 8}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before.Object, job.Object); diff != "" {
			t.Errorf("the whole job revised (-before +after):\n%s", diff)
		}
	}
}

func TestVolcanoJobRefusesSharesThatCannotRun(t *testing.T) {
	cases := map[string]struct {
		job   *unstructured.Unstructured
		share int64
		want  string
	}{
		"below the tasks' own minimums": {volcanoJobOf(t, 2, "ps:2/2", "worker:6/3"), 4, "cannot hold the tasks' own minAvailable (5 together)"},
		"more than the job":             {volcanoJobOf(t, 4, "ps:2", "worker:6"), 9, "was given 9 replicas of 8"},
	}
	for name, tc := range cases {
		before := tc.job.DeepCopy()
		err := For(volcanoJobKind).ReviseReplica(tc.job, Share{Cluster: "hz", Replicas: tc.share})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !cmp.Equal(before.Object, tc.job.Object) {
			t.Errorf("%s: error %v, want one saying %q, and the job untouched", name, err, tc.want)
		}
	}
}

func TestVolcanoJobHealth(t *testing.T) {
	state := func(phase string) map[string]any {
		return map[string]any{"state": map[string]any{"phase": phase}, "running": int64(2)}
	}
	cases := map[string]healthCase{
		"no status": {nil, workv1alpha1.ResourceUnknown},
		"no phase":  {map[string]any{"running": int64(0)}, workv1alpha1.ResourceUnknown},
	}
	for phase, want := range map[string]workv1alpha1.ResourceHealth{
		"Pending": workv1alpha1.ResourceHealthy, "Aborting": workv1alpha1.ResourceHealthy, "Aborted": workv1alpha1.ResourceHealthy,
		"Running": workv1alpha1.ResourceHealthy, "Restarting": workv1alpha1.ResourceHealthy, "Completing": workv1alpha1.ResourceHealthy,
		"Completed": workv1alpha1.ResourceHealthy, "Terminating": workv1alpha1.ResourceHealthy,
		"Terminated": workv1alpha1.ResourceUnhealthy, "Failed": workv1alpha1.ResourceUnhealthy,
	} {
		cases[phase] = healthCase{state(phase), want}
	}
	checkHealth(t, fixture(t, "volcanojob/job.yaml"), cases)
}

func TestVolcanoJobDependencies(t *testing.T) {
	job := fixture(t, "volcanojob/job.yaml")
	got, err := For(job.GroupVersionKind()).GetDependencies(job)
	if err != nil {
		t.Fatal(err)
	}
	want := []Dependency{
		{APIVersion: "v1", Kind: "ConfigMap", Namespace: "ml", Name: "tf-config"},
		{APIVersion: "v1", Kind: "PersistentVolumeClaim", Namespace: "ml", Name: "mnist-data"},
		{APIVersion: "v1", Kind: "Secret", Namespace: "ml", Name: "hub-token"},
		{APIVersion: "v1", Kind: "Secret", Namespace: "ml", Name: "registry"},
		{APIVersion: "v1", Kind: "ServiceAccount", Namespace: "ml", Name: "trainer"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
}

// volcanoReport is a member's Volcano Job status.
func volcanoReport(phase string, running, succeeded, failed, retries int64, duration string) map[string]any {
	return map[string]any{
		"state":   map[string]any{"phase": phase, "lastTransitionTime": "2026-12-07T10:00:00Z"},
		"pending": int64(0), "running": running, "succeeded": succeeded, "failed": failed, "terminating": int64(0), "unknown": int64(0),
		"minAvailable": int64(4), "retryCount": retries, "runningDuration": duration,
		"taskStatusCount": map[string]any{
			"ps":     map[string]any{"phase": map[string]any{"Running": running / 4}},
			"worker": map[string]any{"phase": map[string]any{"Running": running - running/4, "Succeeded": succeeded}},
		},
	}
}

func TestVolcanoJobAggregation(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	tpl := fixture(t, "volcanojob/job.yaml")
	cases := map[string]struct {
		members []MemberStatus
		phase   string
		message string
	}{
		"two members, one running": {[]MemberStatus{
			member(t, tpl, "hz", volcanoReport("Running", 4, 0, 0, 1, "5m0s")),
			member(t, tpl, "sh", volcanoReport("Completed", 0, 4, 0, 0, "1h2m0s")),
		}, "Running", "Running in hz."},
		"two members, both completed": {[]MemberStatus{
			member(t, tpl, "hz", volcanoReport("Completed", 0, 4, 0, 0, "5m0s")),
			member(t, tpl, "sh", volcanoReport("Completed", 0, 4, 0, 0, "1h2m0s")),
		}, "Completed", "Completed in every member cluster (2)."},
		"three members, one failed": {[]MemberStatus{
			member(t, tpl, "fra", volcanoReport("Running", 4, 0, 0, 0, "5m0s")),
			member(t, tpl, "hz", volcanoReport("Failed", 0, 0, 4, 3, "1h2m0s")),
			silent("sh"),
		}, "Failed", "Failed in hz."},
		"three members, terminating beats running": {[]MemberStatus{
			member(t, tpl, "fra", volcanoReport("Terminated", 0, 0, 0, 0, "5m0s")),
			member(t, tpl, "hz", volcanoReport("Terminating", 0, 0, 0, 0, "1h2m0s")),
			member(t, tpl, "sh", volcanoReport("Running", 4, 0, 0, 0, "3m0s")),
		}, "Terminating", "Terminating in hz."},
		"three members, restarting and completing count as running": {[]MemberStatus{
			member(t, tpl, "fra", volcanoReport("Completed", 0, 4, 0, 0, "5m0s")),
			member(t, tpl, "hz", volcanoReport("Restarting", 4, 0, 0, 1, "1h2m0s")),
			member(t, tpl, "sh", volcanoReport("Completing", 4, 0, 0, 0, "3m0s")),
		}, "Running", "Running in hz (Restarting), sh (Completing)."},
		"three members, none running and not all completed": {[]MemberStatus{
			member(t, tpl, "fra", volcanoReport("Completed", 0, 4, 0, 0, "5m0s")),
			member(t, tpl, "hz", volcanoReport("Aborted", 0, 0, 0, 0, "1h2m0s")),
			silent("sh"),
		}, "Pending", "Pending in hz (Aborted), sh (no report yet)."},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, err := For(tpl.GroupVersionKind()).AggregateStatus(tpl, tc.members, now)
			if err != nil {
				t.Fatal(err)
			}
			state := status["state"].(map[string]any)
			if state["phase"] != tc.phase || state["message"] != tc.message || state["lastTransitionTime"] != "2026-12-07T12:00:00Z" {
				t.Errorf("state %v, want %s: %q since now", state, tc.phase, tc.message)
			}
		})
	}

	// The counters of the first case, summed or merged.
	status, err := For(tpl.GroupVersionKind()).AggregateStatus(tpl, cases["two members, one running"].members, now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"pending": int64(0), "running": int64(4), "succeeded": int64(4), "failed": int64(0), "terminating": int64(0), "unknown": int64(0),
		"minAvailable": int64(4), "retryCount": int64(1), "runningDuration": "1h2m0s",
		"taskStatusCount": map[string]any{
			"ps":     map[string]any{"phase": map[string]any{"Running": int64(1)}},
			"worker": map[string]any{"phase": map[string]any{"Running": int64(3), "Succeeded": int64(4)}},
		},
	}
	delete(status, "state")
	if diff := cmp.Diff(want, status); diff != "" {
		t.Errorf("aggregated counters (-want +got):\n%s", diff)
	}
}

func TestVolcanoJobPhaseKeepsItsTransitionTime(t *testing.T) {
	tpl := fixture(t, "volcanojob/job.yaml")
	in := For(tpl.GroupVersionKind())
	running := []MemberStatus{member(t, tpl, "hz", volcanoReport("Running", 4, 0, 0, 0, "1m0s")), member(t, tpl, "sh", volcanoReport("Pending", 0, 0, 0, 0, ""))}
	first := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	status, err := in.AggregateStatus(tpl, running, first)
	if err != nil {
		t.Fatal(err)
	}
	tpl.Object["status"] = roundTrip(t, status)

	status, err = in.AggregateStatus(tpl, running, first.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := unstructured.NestedString(status, "state", "lastTransitionTime"); got != "2026-12-07T12:00:00Z" {
		t.Errorf("unchanged phase moved its transition time to %s", got)
	}
	completed := []MemberStatus{member(t, tpl, "hz", volcanoReport("Completed", 0, 4, 0, 0, "9m0s")), member(t, tpl, "sh", volcanoReport("Completed", 0, 4, 0, 0, "8m0s"))}
	status, err = in.AggregateStatus(tpl, completed, first.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := unstructured.NestedString(status, "state", "lastTransitionTime"); got != "2026-12-07T13:00:00Z" {
		t.Errorf("a new phase kept the transition time %s", got)
	}
}
