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
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/division"
)

func init() {
	// A Job's pods in flight are its parallelism; completions are split in
	// proportion when it is rendered per cluster.
	job := podWorkload[batchv1.Job](func(j *batchv1.Job) (*int32, *corev1.PodSpec) {
		return j.Spec.Parallelism, &j.Spec.Template.Spec
	})
	registerBuiltin(schema.GroupKind{Group: "batch", Kind: "Job"}, Operations{
		GetReplicas:     job.replicas,
		ReviseReplica:   reviseJob,
		GetDependencies: job.dependencies,
		InterpretHealth: jobHealth,
		AggregateStatus: aggregateJob,
	})
}

// reviseJob writes the cluster's share as the Job's parallelism and splits
// its completions in proportion to every cluster's share, so that they add
// up to the template's.
func reviseJob(obj *unstructured.Unstructured, share Share) error {
	if err := unstructured.SetNestedField(obj.Object, share.Replicas, "spec", "parallelism"); err != nil {
		return err
	}
	completions, found, err := unstructured.NestedInt64(obj.Object, "spec", "completions")
	if err != nil || !found {
		return err
	}
	names := make([]string, len(share.Clusters))
	weights := make([]int64, len(share.Clusters))
	for i, c := range share.Clusters {
		names[i], weights[i] = c.Name, int64(c.Replicas)
	}
	for _, p := range division.Static(completions, names, weights, share.Seed) {
		if p.Name == share.Cluster {
			return unstructured.SetNestedField(obj.Object, p.Seats, "spec", "completions")
		}
	}
	return unstructured.SetNestedField(obj.Object, int64(0), "spec", "completions")
}

// jobHealth: a Job is healthy while running and once complete; only a
// failed Job is unhealthy.
func jobHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	if conditionTrue(obj, "Failed") {
		return workv1alpha1.ResourceUnhealthy
	}
	return workv1alpha1.ResourceHealthy
}

// aggregateJob sums the Job's pod counts and marks it Complete when every
// member's Job completed, and Failed when any failed.
func aggregateJob(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error) {
	status, reports, allCurrent := summed(tpl, members, []string{"active", "succeeded", "failed", "ready", "terminating"})
	if status != nil {
		jobConditions(status, reports, allCurrent, now)
	}
	return status, nil
}

// jobConditions writes the conditions and times the API server requires
// of a finished Job: SuccessCriteriaMet (or FailureTarget) beside Complete
// (or Failed), the earliest startTime and the latest completionTime. New
// conditions carry now.
func jobConditions(status map[string]any, reports []map[string]any, allCurrent bool, now time.Time) {
	complete, failed := allCurrent, false
	var start, end string
	for _, r := range reports {
		c, f := jobCondition(r)
		complete = complete && c
		failed = failed || f
		if t, ok := r["startTime"].(string); ok && (start == "" || t < start) {
			start = t
		}
		if t, ok := r["completionTime"].(string); ok && t > end {
			end = t
		}
	}
	if start != "" {
		status["startTime"] = start
	}
	var conds []any
	stamp := now.UTC().Format("2006-01-02T15:04:05Z")
	cond := func(t, reason string) map[string]any {
		return map[string]any{"type": t, "status": "True", "lastTransitionTime": stamp, "lastProbeTime": stamp, "reason": reason}
	}
	switch {
	case failed:
		conds = append(conds, cond("FailureTarget", "FailedInACluster"), cond("Failed", "FailedInACluster"))
	case complete && end != "":
		conds = append(conds, cond("SuccessCriteriaMet", "CompletedInAllClusters"), cond("Complete", "CompletedInAllClusters"))
		status["completionTime"] = end
	}
	if old, ok := status["conditions"].([]any); ok && sameTypes(old, conds) {
		return
	}
	if len(conds) > 0 {
		status["conditions"] = conds
	} else {
		delete(status, "conditions")
	}
}

func jobCondition(status map[string]any) (complete, failed bool) {
	conds, _ := status["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["status"] != "True" {
			continue
		}
		switch m["type"] {
		case "Complete":
			complete = true
		case "Failed":
			failed = true
		}
	}
	return complete, failed
}

// sameTypes keeps existing conditions (and their timestamps) when the set
// of true condition types did not change.
func sameTypes(old, next []any) bool {
	if len(old) != len(next) {
		return false
	}
	for i := range old {
		o, _ := old[i].(map[string]any)
		n, _ := next[i].(map[string]any)
		if o["type"] != n["type"] {
			return false
		}
	}
	return true
}
