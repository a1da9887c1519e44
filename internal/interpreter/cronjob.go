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
	"slices"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// A CronJob is propagated whole: each cluster runs every schedule, as
// Duplicated placements do; its Jobs' pods have dependencies.
func init() {
	cronJob := podWorkload[batchv1.CronJob](func(c *batchv1.CronJob) (*int32, *corev1.PodSpec) {
		return nil, &c.Spec.JobTemplate.Spec.Template.Spec
	})
	registerBuiltin(schema.GroupKind{Group: "batch", Kind: "CronJob"}, Operations{
		GetDependencies: cronJob.dependencies,
		InterpretHealth: cronJobHealth,
		AggregateStatus: aggregateCronJob,
	})
}

// cronJobHealth: unhealthy when the last scheduled Job did not succeed (it
// is no longer active and no success followed its schedule), as Argo CD
// reads a CronJob.
func cronJobHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	status, _, _ := unstructured.NestedMap(obj.Object, "status")
	if lastRunFailed(status) {
		return workv1alpha1.ResourceUnhealthy
	}
	return workv1alpha1.ResourceHealthy
}

// lastRunFailed: a member's CronJob scheduled a Job, none is active, and
// no success is later than that schedule (a success's time is its Job's
// completion, after its schedule).
func lastRunFailed(status map[string]any) bool {
	scheduled, _ := status["lastScheduleTime"].(string)
	succeeded, _ := status["lastSuccessfulTime"].(string)
	active, _ := status["active"].([]any)
	return scheduled != "" && len(active) == 0 && succeeded < scheduled
}

// aggregateCronJob: the active Jobs are every member's, the last schedule
// the latest, and the last success the latest too, unless a member's last
// scheduled Job failed: then that member's last success (none if it never
// had one), so that the fleet reads as having failed its last run, as one
// cluster's CronJob would. Active Jobs are referred to by namespace and
// name; the members' uids name objects that exist only in the members.
func aggregateCronJob(tpl *unstructured.Unstructured, members []MemberStatus, _ time.Time) (map[string]any, error) {
	if len(members) == 0 {
		return nil, nil
	}
	status := ownStatus(tpl)
	var active []any
	var scheduled, succeeded, failedSince string
	failed := false
	for _, r := range memberReports(members) {
		jobs, _ := r.status["active"].([]any)
		for _, j := range jobs {
			ref, _ := j.(map[string]any)
			ref = map[string]any{"apiVersion": ref["apiVersion"], "kind": ref["kind"], "namespace": ref["namespace"], "name": ref["name"]}
			if !slices.ContainsFunc(active, func(o any) bool { return o.(map[string]any)["name"] == ref["name"] }) {
				active = append(active, ref)
			}
		}
		s, _ := r.status["lastScheduleTime"].(string)
		ok, _ := r.status["lastSuccessfulTime"].(string)
		scheduled, succeeded = max(scheduled, s), max(succeeded, ok)
		if lastRunFailed(r.status) && (!failed || ok < failedSince) {
			failed, failedSince = true, ok
		}
	}
	if failed {
		succeeded = failedSince
	}
	if active != nil {
		status["active"] = active
	} else {
		delete(status, "active")
	}
	setOrDelete(status, "lastScheduleTime", scheduled)
	setOrDelete(status, "lastSuccessfulTime", succeeded)
	return status, nil
}
