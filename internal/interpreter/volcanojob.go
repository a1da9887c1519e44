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
	"cmp"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// A Volcano Job (batch.volcano.sh) runs its tasks as a gang: Volcano's
// scheduler starts none of its pods until minAvailable of them can run, and
// each task's own minAvailable of that task. Kurator divides its replicas so
// that the copy each cluster receives is a complete gang of its own. For a
// share of r replicas out of the template's R:
//
//   - r == R leaves the job as written;
//   - otherwise each task first gets its own minAvailable, where it sets
//     one, and the rest of r is spread over the tasks in proportion to
//     their replicas beyond that minimum, by largest remainder (ties go to
//     the earlier task), so the same share always gives the same copy;
//   - the copy's spec.minAvailable is min(M, r), M being the template's
//     spec.minAvailable (at most R), or R when it is unset or zero
//     (Volcano's default: every replica).
//
// GetReplicas asks the scheduler (MinPerCluster) never to give a cluster
// fewer than M replicas, raised to the sum of the tasks' own minimums when
// they add up to more: a smaller copy could never start. A job whose
// minAvailable is its size is therefore never split. Example: tasks ps 2
// and worker 6, minAvailable 4, divided over two clusters: each receives
// 4, run as ps 1 and worker 3 with minAvailable 4.
func init() {
	registerBuiltin(schema.GroupKind{Group: "batch.volcano.sh", Kind: "Job"}, Operations{
		GetReplicas:     volcanoJobReplicas,
		ReviseReplica:   reviseVolcanoJob,
		GetDependencies: volcanoJobDependencies,
		InterpretHealth: volcanoJobHealth,
		AggregateStatus: aggregateVolcanoJob,
	})
}

// volcanoJob is what the interpreter reads of a Volcano Job.
type volcanoJob struct {
	Spec struct {
		MinAvailable int32         `json:"minAvailable,omitempty"`
		Tasks        []volcanoTask `json:"tasks,omitempty"`
	} `json:"spec"`
}

type volcanoTask struct {
	Name         string `json:"name,omitempty"`
	Replicas     int32  `json:"replicas,omitempty"`
	MinAvailable *int32 `json:"minAvailable,omitempty"`
	Template     struct {
		Spec corev1.PodSpec `json:"spec,omitempty"`
	} `json:"template,omitempty"`
}

// readVolcanoJob decodes a Volcano Job into its tasks as pod groups and
// each task's own minimum (0 where it sets none, at most its replicas).
func readVolcanoJob(obj *unstructured.Unstructured) (job *volcanoJob, groups []podGroup, minimums []int64, err error) {
	job, err = decode[volcanoJob](obj)
	if err != nil {
		return nil, nil, nil, err
	}
	for i := range job.Spec.Tasks {
		task := &job.Spec.Tasks[i]
		if task.Replicas < 0 {
			return nil, nil, nil, fmt.Errorf("volcano job %s: task %q has negative replicas", obj.GetName(), task.Name)
		}
		groups = append(groups, podGroup{name: task.Name, replicas: int64(task.Replicas), spec: &task.Template.Spec})
		var own int64
		if task.MinAvailable != nil {
			own = min(max(int64(*task.MinAvailable), 0), int64(task.Replicas))
		}
		minimums = append(minimums, own)
	}
	return job, groups, minimums, nil
}

// gang is M: spec.minAvailable, or every replica when it is not positive.
func (j *volcanoJob) gang(total int64) int64 {
	if j.Spec.MinAvailable > 0 {
		return min(int64(j.Spec.MinAvailable), total)
	}
	return total
}

func volcanoJobReplicas(obj *unstructured.Unstructured) (*Replicated, error) {
	job, groups, minimums, err := readVolcanoJob(obj)
	if err != nil {
		return nil, err
	}
	total := groupsReplicas(groups)
	return &Replicated{
		Replicas:      total,
		Requirements:  mostDemanding(groups),
		MinPerCluster: max(job.gang(total), sum(minimums)),
	}, nil
}

// reviseVolcanoJob writes a cluster's share as a complete gang (see the
// rule above).
func reviseVolcanoJob(obj *unstructured.Unstructured, share Share) error {
	job, groups, minimums, err := readVolcanoJob(obj)
	if err != nil {
		return err
	}
	total := groupsReplicas(groups)
	if share.Replicas == total {
		return nil
	}
	if share.Replicas < 0 || share.Replicas > total {
		return fmt.Errorf("volcano job %s: cluster %s was given %d replicas of %d", obj.GetName(), share.Cluster, share.Replicas, total)
	}
	replicas := make([]int64, len(groups))
	for i, g := range groups {
		replicas[i] = g.replicas
	}
	split, err := gangShares(replicas, minimums, share.Replicas)
	if err != nil {
		return fmt.Errorf("volcano job %s: cluster %s: %w", obj.GetName(), share.Cluster, err)
	}
	tasks, _, err := unstructured.NestedSlice(obj.Object, "spec", "tasks")
	if err != nil {
		return fmt.Errorf("volcano job %s: spec.tasks: %w", obj.GetName(), err)
	}
	for i, t := range tasks {
		task, ok := t.(map[string]any)
		if !ok {
			return fmt.Errorf("volcano job %s: spec.tasks[%d] is not an object", obj.GetName(), i)
		}
		task["replicas"] = split[i]
	}
	if err := unstructured.SetNestedSlice(obj.Object, tasks, "spec", "tasks"); err != nil {
		return fmt.Errorf("volcano job %s: spec.tasks: %w", obj.GetName(), err)
	}
	return unstructured.SetNestedField(obj.Object, min(job.gang(total), share.Replicas), "spec", "minAvailable")
}

// gangShares divides r replicas over tasks of the given replicas: each
// task its own minimum first, the rest in proportion to what each has
// beyond it, by largest remainder with ties to the earlier task.
func gangShares(replicas, minimums []int64, r int64) ([]int64, error) {
	out := slices.Clone(minimums)
	rest := r - sum(minimums)
	if rest < 0 {
		return nil, fmt.Errorf("a share of %d replicas cannot hold the tasks' own minAvailable (%d together)", r, sum(minimums))
	}
	var spare int64
	for i := range replicas {
		spare += replicas[i] - minimums[i]
	}
	if spare == 0 {
		return out, nil
	}
	type remainder struct {
		task int
		left int64
	}
	remainders := make([]remainder, len(replicas))
	given := int64(0)
	for i := range replicas {
		quota := rest * (replicas[i] - minimums[i])
		out[i] += quota / spare
		given += quota / spare
		remainders[i] = remainder{i, quota % spare}
	}
	// Stable: among equal remainders the earlier task comes first.
	slices.SortStableFunc(remainders, func(a, b remainder) int { return cmp.Compare(b.left, a.left) })
	for k := range rest - given {
		out[remainders[k].task]++
	}
	return out, nil
}

func sum(values []int64) int64 {
	var n int64
	for _, v := range values {
		n += v
	}
	return n
}

func volcanoJobDependencies(obj *unstructured.Unstructured) ([]Dependency, error) {
	_, groups, _, err := readVolcanoJob(obj)
	if err != nil {
		return nil, err
	}
	return groupsDependencies(obj.GetNamespace(), groups), nil
}

// volcanoJobHealth: a failed or terminated job is unhealthy; aborting and
// aborted are a user's doing, and every other phase is on its way.
func volcanoJobHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	phase, _, _ := unstructured.NestedString(obj.Object, "status", "state", "phase")
	switch phase {
	case "":
		return workv1alpha1.ResourceUnknown
	case "Failed", "Terminated":
		return workv1alpha1.ResourceUnhealthy
	}
	return workv1alpha1.ResourceHealthy
}

// volcanoCounters are the pod counts of a Volcano Job's status.
var volcanoCounters = []string{"pending", "running", "succeeded", "failed", "terminating", "unknown"}

// aggregateVolcanoJob sums the members' pod counts and task counts, takes
// the template's gang (minAvailable), the most retries and the longest
// running time, and one phase for the fleet (see volcanoFleetPhase), whose
// lastTransitionTime moves only when the phase changes.
func aggregateVolcanoJob(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error) {
	if len(members) == 0 {
		return nil, nil
	}
	job, groups, _, err := readVolcanoJob(tpl)
	if err != nil {
		return nil, err
	}
	reports := memberReports(members)
	status := ownStatus(tpl)
	for _, f := range volcanoCounters {
		var n int64
		for _, r := range reports {
			n += intField(r.status, f)
		}
		status[f] = n
	}
	status["minAvailable"] = job.gang(groupsReplicas(groups))
	var retries int64
	var longest time.Duration
	var running string
	for _, r := range reports {
		retries = max(retries, intField(r.status, "retryCount"))
		if d, _ := r.status["runningDuration"].(string); d != "" {
			if parsed, err := time.ParseDuration(d); err == nil && parsed >= longest {
				longest, running = parsed, d
			}
		}
	}
	status["retryCount"] = retries
	setOrDelete(status, "runningDuration", running)
	if counts := mergeTaskStatusCounts(reports); len(counts) > 0 {
		status["taskStatusCount"] = counts
	} else {
		delete(status, "taskStatusCount")
	}
	phase, message := volcanoFleetPhase(reports)
	state := map[string]any{"phase": phase, "message": message, "lastTransitionTime": now.UTC().Format(time.RFC3339)}
	if previous, _ := status["state"].(map[string]any); previous["phase"] == phase && previous["lastTransitionTime"] != nil {
		state["lastTransitionTime"] = previous["lastTransitionTime"]
	}
	status["state"] = state
	return status, nil
}

// mergeTaskStatusCounts adds up, per task and pod phase, the members' pod
// counts.
func mergeTaskStatusCounts(reports []memberReport) map[string]any {
	out := map[string]any{}
	for _, r := range reports {
		tasks, _ := r.status["taskStatusCount"].(map[string]any)
		for task, v := range tasks {
			counts, _ := v.(map[string]any)
			phases, _ := counts["phase"].(map[string]any)
			merged, _ := out[task].(map[string]any)
			if merged == nil {
				merged = map[string]any{"phase": map[string]any{}}
				out[task] = merged
			}
			total := merged["phase"].(map[string]any)
			for p := range phases {
				total[p] = intField(total, p) + intField(phases, p)
			}
		}
	}
	return out
}

// volcanoFleetPhase is the phase the fleet's copies make together, with a
// message naming the clusters that decide it: Failed if any copy failed;
// else Terminating, then Terminated, if any copy is; else Running if any
// copy runs, restarts or completes (its last pods finishing); Completed
// once every copy has; Pending otherwise (copies pending, aborted, or not
// reported yet).
func volcanoFleetPhase(reports []memberReport) (phase, message string) {
	for _, decisive := range [][]string{{"Failed"}, {"Terminating"}, {"Terminated"}, {"Running", "Restarting", "Completing"}} {
		if in := clustersIn(reports, decisive...); len(in) > 0 {
			return decisive[0], decisive[0] + " in " + clusterList(in) + "."
		}
	}
	if completed := clustersIn(reports, "Completed"); len(completed) == len(reports) {
		return "Completed", fmt.Sprintf("Completed in every member cluster (%d).", len(reports))
	}
	var waiting []string
	for _, r := range reports {
		switch p := volcanoPhase(r); p {
		case "Completed":
		case "Pending":
			waiting = append(waiting, r.cluster)
		default:
			waiting = append(waiting, r.cluster+" ("+p+")")
		}
	}
	return "Pending", "Pending in " + clusterList(waiting) + "."
}

// clustersIn names the clusters whose copy is in one of phases, followed by
// the copy's phase when it is not the first of them.
func clustersIn(reports []memberReport, phases ...string) []string {
	var out []string
	for _, r := range reports {
		switch p := volcanoPhase(r); {
		case p == phases[0]:
			out = append(out, r.cluster)
		case slices.Contains(phases, p):
			out = append(out, r.cluster+" ("+p+")")
		}
	}
	return out
}

// volcanoPhase is a member copy's phase, or why it has none.
func volcanoPhase(r memberReport) string {
	if r.status == nil {
		return "no report yet"
	}
	if p, _, _ := unstructured.NestedString(r.status, "state", "phase"); p != "" {
		return p
	}
	return "no phase yet"
}
