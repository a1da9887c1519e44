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

package rollout

import (
	"context"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	"kurator.dev/kurator/internal/rollout"
)

// progress moves the run forward: the first unfinished stage runs its
// before-tasks, releases its clusters batch by batch, waits for them, then
// runs its after-tasks. Several stages may finish in one pass.
func (r *Reconciler) progress(ctx context.Context, s *scope) error {
	st := &s.run.Status
	if st.Phase == rolloutv1alpha1.RunPhasePaused {
		st.Phase = rolloutv1alpha1.RunPhaseProgressing // re-evaluated below
	}
	for i := range st.Stages {
		stage := &st.Stages[i]
		if stage.EndTime != nil {
			continue
		}
		cfg := s.stages[i].Config
		if stage.StartTime == nil {
			stage.StartTime = &metav1.Time{Time: s.now}
			stage.BeforeStageTasks = taskStatuses(cfg.BeforeStageTasks)
			stage.AfterStageTasks = taskStatuses(cfg.AfterStageTasks)
		}
		if done, err := r.runTasks(ctx, s, i, cfg.BeforeStageTasks, stage.BeforeStageTasks, "BeforeStage"); err != nil || !done {
			return err
		}
		if err := r.startCanary(ctx, s, i); err != nil {
			return err
		}
		if done, err := r.updateClusters(ctx, s, i); err != nil || !done {
			return err
		}
		if done, err := r.advanceCanary(ctx, s, i); err != nil || !done {
			return err
		}
		if done, err := r.runTasks(ctx, s, i, cfg.AfterStageTasks, stage.AfterStageTasks, "AfterStage"); err != nil || !done {
			return err
		}
		if err := r.endCanary(ctx, s, i); err != nil {
			return err
		}
		stage.EndTime = &metav1.Time{Time: s.now}
		msg := fmt.Sprintf("stage %s succeeded: %s", stage.Name, strings.Join(stage.Clusters, ", "))
		r.condition(s, "Progressing", metav1.ConditionTrue, "StageSucceeded", msg)
		r.event(s, "Normal", "StageSucceeded", msg)
	}
	r.end(s, rolloutv1alpha1.RunPhaseSucceeded, "Succeeded", fmt.Sprintf("revision %s runs in all %d clusters", s.run.Spec.Revision, len(st.Clusters)))
	return nil
}

func taskStatuses(tasks []rolloutv1alpha1.StageTask) []rolloutv1alpha1.TaskStatus {
	out := make([]rolloutv1alpha1.TaskStatus, 0, len(tasks))
	for _, t := range tasks {
		out = append(out, rolloutv1alpha1.TaskStatus{Type: t.Type, Phase: rolloutv1alpha1.TaskPending})
	}
	return out
}

// updateClusters releases the stage's clusters, at most maxConcurrency in
// flight, and follows them to Updated or Failed. It reports whether the
// stage's clusters are all done; too many failures start the rollback.
func (r *Reconciler) updateClusters(ctx context.Context, s *scope, i int) (bool, error) {
	stage := &s.run.Status.Stages[i]
	if stage.UpdatedTime != nil {
		return true, nil
	}
	deadline := defaultProgressDeadline
	if d := s.run.Status.Strategy.ProgressDeadline; d != nil {
		deadline = d.Duration
	}
	inFlight, pending := 0, 0
	for _, name := range stage.Clusters {
		c := clusterStatus(s.run, name)
		if c.Phase != rolloutv1alpha1.ClusterUpdating {
			if c.Phase == rolloutv1alpha1.ClusterPending {
				pending++
			}
			continue
		}
		if err := r.follow(ctx, s, c, deadline); err != nil {
			return false, err
		}
		if c.Phase == rolloutv1alpha1.ClusterUpdating {
			inFlight++
		}
	}
	if failed := failures(s.run); len(failed) > rollout.MaxFailures(s.run.Status.Strategy.MaxFailures, len(s.run.Status.Clusters)) {
		r.startRollback(s, "ClusterFailed", strings.Join(failed, "; "))
		return false, nil
	}
	limit := rollout.Concurrency(s.stages[i].Config.MaxConcurrency, len(stage.Clusters))
	for _, name := range stage.Clusters {
		c := clusterStatus(s.run, name)
		if c.Phase != rolloutv1alpha1.ClusterPending || inFlight >= limit {
			continue
		}
		c.Phase, c.ReleasedAt = rolloutv1alpha1.ClusterUpdating, &metav1.Time{Time: s.now}
		inFlight++
		pending--
		s.after(s.now.Add(deadline))
	}
	if inFlight > 0 || pending > 0 {
		return false, nil
	}
	stage.UpdatedTime = &metav1.Time{Time: s.now}
	return true, nil
}

// follow moves a released cluster to Updated once its copy of the new
// revision is healthy, or to Failed past the deadline or when the member is
// not Ready.
func (r *Reconciler) follow(ctx context.Context, s *scope, c *rolloutv1alpha1.ClusterRollout, deadline time.Duration) error {
	ready, err := r.clusterReady(ctx, c.Name)
	if err != nil {
		return err
	}
	if !ready {
		r.fail(s, c, "the cluster is not Ready")
		return nil
	}
	cp, err := r.clusterCopy(ctx, s, c.Name, s.snapshot.Target[c.Name])
	if err != nil {
		return err
	}
	if cp.healthy {
		c.Phase, c.FinishedAt, c.Message = rolloutv1alpha1.ClusterUpdated, &metav1.Time{Time: s.now}, ""
		return nil
	}
	c.Message = cp.why
	if c.ReleasedAt != nil && s.now.Sub(c.ReleasedAt.Time) > deadline {
		r.fail(s, c, fmt.Sprintf("not healthy within the progress deadline (%s): %s", deadline, cp.why))
	}
	return nil
}

func (r *Reconciler) fail(s *scope, c *rolloutv1alpha1.ClusterRollout, why string) {
	c.Phase, c.FinishedAt, c.Message = rolloutv1alpha1.ClusterFailed, &metav1.Time{Time: s.now}, why
	r.event(s, "Warning", "ClusterFailed", c.Name+": "+why)
}

func clusterStatus(run *rolloutv1alpha1.StagedUpdateRun, name string) *rolloutv1alpha1.ClusterRollout {
	for i := range run.Status.Clusters {
		if run.Status.Clusters[i].Name == name {
			return &run.Status.Clusters[i]
		}
	}
	return &rolloutv1alpha1.ClusterRollout{Name: name}
}

// failures lists the failed clusters with their reasons.
func failures(run *rolloutv1alpha1.StagedUpdateRun) []string {
	var out []string
	for _, c := range run.Status.Clusters {
		if c.Phase == rolloutv1alpha1.ClusterFailed {
			out = append(out, c.Name+": "+c.Message)
		}
	}
	return out
}
