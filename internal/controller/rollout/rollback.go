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

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/rollout"
)

// startRollback turns the run around: every cluster that received the new
// revision goes back to the previous one (see rollBack).
func (r *Reconciler) startRollback(s *scope, reason, message string) {
	st := &s.run.Status
	if st.Phase == rolloutv1alpha1.RunPhaseRollingBack {
		return
	}
	st.Phase, st.Message = rolloutv1alpha1.RunPhaseRollingBack, message
	r.condition(s, "Progressing", metav1.ConditionFalse, reason, message)
	r.condition(s, "RolledBack", metav1.ConditionFalse, reason, "rolling back: "+message)
}

// rollBack returns the released clusters to the previous revision in
// rollout.RollbackOrder: stages in reverse, each stage's clusters in reverse,
// at the stage's own concurrency; a batch starts once the previous one runs
// the previous revision again.
func (r *Reconciler) rollBack(ctx context.Context, s *scope) error {
	// Traffic returns to the stable clusters first.
	for i := range s.stages {
		if err := r.endCanary(ctx, s, i); err != nil {
			return err
		}
	}
	placed := map[string]bool{}
	for _, t := range propagation.Targets(&s.binding.Spec) {
		placed[t.Name] = true
	}
	released := map[string]bool{}
	for _, c := range s.run.Status.Clusters {
		if c.Phase.Released() || c.Phase.Reverted() {
			released[c.Name] = true
		}
	}
	for _, batch := range rollout.RollbackOrder(s.stages, released) {
		done := true
		for _, name := range batch {
			c := clusterStatus(s.run, name)
			switch {
			case c.Phase == rolloutv1alpha1.ClusterRolledBack:
				continue
			case unchanged(s.snapshot, name):
				// The revision never changed this cluster: nothing to restore.
				c.Phase, c.FinishedAt = rolloutv1alpha1.ClusterRolledBack, &metav1.Time{Time: s.now}
				continue
			case !placed[name]:
				// Its copy goes with the placement; nothing to restore.
				c.Phase, c.FinishedAt, c.Message = rolloutv1alpha1.ClusterRolledBack, &metav1.Time{Time: s.now}, "no longer placed here"
				continue
			case c.Phase.Released():
				c.Phase, c.Message = rolloutv1alpha1.ClusterRollingBack, ""
				c.ReleasedAt = &metav1.Time{Time: s.now}
				done = false
				continue
			}
			ready, err := r.clusterReady(ctx, name)
			if err != nil {
				return err
			}
			cp, err := r.clusterCopy(ctx, s, name, s.snapshot.Previous[name])
			if err != nil {
				return err
			}
			switch {
			case cp.healthy:
				c.Phase, c.FinishedAt, c.Message = rolloutv1alpha1.ClusterRolledBack, &metav1.Time{Time: s.now}, ""
			case !ready && cp.runs:
				// A member that is down runs what its Work says once back.
				c.Phase, c.FinishedAt, c.Message = rolloutv1alpha1.ClusterRolledBack, &metav1.Time{Time: s.now}, "the cluster is not Ready; its Work carries the previous revision"
			default:
				c.Message = cp.why
				done = false
			}
		}
		if !done {
			return nil
		}
	}
	r.end(s, rolloutv1alpha1.RunPhaseRolledBack, "RolledBack", fmt.Sprintf("rolled back %d clusters to the previous revision: %s", len(released), s.run.Status.Message))
	return nil
}
