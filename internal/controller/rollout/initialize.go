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
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/rollout"
)

// initialize freezes the strategy, plans the stages over the clusters of the
// snapshot, and marks clusters the revision does not change as Updated. It
// reports whether the run ended instead.
func (r *Reconciler) initialize(ctx context.Context, s *scope) (bool, error) {
	run := s.run
	strategy := &rolloutv1alpha1.StagedUpdateStrategy{}
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: run.Namespace, Name: run.Spec.StrategyName}, strategy); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.end(s, rolloutv1alpha1.RunPhaseFailed, "StrategyNotFound", fmt.Sprintf("StagedUpdateStrategy %s/%s does not exist", run.Namespace, run.Spec.StrategyName))
			return true, nil
		}
		return false, err
	}
	var clusters []rollout.Cluster
	for _, t := range propagation.Targets(&s.binding.Spec) {
		if s.snapshot.Target[t.Name] == nil {
			continue
		}
		c := &karmadaclusterv1alpha1.Cluster{}
		if err := r.Client.Get(ctx, client.ObjectKey{Name: t.Name}, c); client.IgnoreNotFound(err) != nil {
			return false, err
		}
		clusters = append(clusters, rollout.Cluster{Name: t.Name, Labels: c.Labels})
	}
	stages, err := rollout.Plan(strategy.Spec, clusters)
	if err != nil {
		r.end(s, rolloutv1alpha1.RunPhaseFailed, "InvalidPlan", err.Error())
		return true, nil
	}
	st := &run.Status
	st.Strategy = strategy.Spec.DeepCopy()
	st.StartTime = &metav1.Time{Time: s.now}
	st.Phase = rolloutv1alpha1.RunPhaseProgressing
	st.Stages, st.Clusters = nil, nil
	for _, stage := range stages {
		st.Stages = append(st.Stages, rolloutv1alpha1.StageStatus{Name: stage.Name, Clusters: stage.Clusters()})
		for _, name := range stage.Clusters() {
			c := rolloutv1alpha1.ClusterRollout{Name: name, Stage: stage.Name, Phase: rolloutv1alpha1.ClusterPending}
			if unchanged(s.snapshot, name) {
				c.Phase, c.FinishedAt, c.Message = rolloutv1alpha1.ClusterUpdated, &metav1.Time{Time: s.now}, "the revision does not change this cluster"
			}
			st.Clusters = append(st.Clusters, c)
		}
	}
	r.condition(s, "Progressing", metav1.ConditionTrue, "Started", fmt.Sprintf("rolling out revision %s in %d stages over %d clusters", run.Spec.Revision, len(stages), len(clusters)))
	return false, nil
}

// unchanged says whether a cluster runs the target revision already (or
// had no copy to hold back).
func unchanged(snap *rollout.Snapshot, cluster string) bool {
	prev, target := snap.Previous[cluster], snap.Target[cluster]
	if prev == nil || target == nil {
		return true
	}
	a, errA := rollout.Revision(prev)
	b, errB := rollout.Revision(target)
	return errA == nil && errB == nil && a == b
}

// orderedAs rebuilds the frozen plan: the stages' clusters in their recorded
// order, batched by the stage's concurrency.
func orderedAs(strategy *rolloutv1alpha1.StagedUpdateStrategySpec, recorded []rolloutv1alpha1.StageStatus) []rollout.Stage {
	out := make([]rollout.Stage, 0, len(recorded))
	for _, rec := range recorded {
		cfg := rolloutv1alpha1.StageConfig{Name: rec.Name}
		for _, c := range strategy.Stages {
			if c.Name == rec.Name {
				cfg = c
			}
		}
		size := len(rec.Clusters)
		if size == 0 {
			size = 1
		}
		out = append(out, rollout.Stage{Name: rec.Name, Config: cfg, Batches: rollout.Batches(rec.Clusters, rollout.Concurrency(cfg.MaxConcurrency, size))})
	}
	return out
}

// superseded ends the run when a newer revision of its binding was frozen.
func (r *Reconciler) superseded(ctx context.Context, s *scope) (bool, error) {
	snaps := &appsv1.ControllerRevisionList{}
	if err := r.Client.List(ctx, snaps, client.InNamespace(s.run.Namespace), client.MatchingLabels{rolloutv1alpha1.BindingLabel: s.run.Spec.BindingName}); err != nil {
		return false, err
	}
	var mine *appsv1.ControllerRevision
	for i := range snaps.Items {
		if snaps.Items[i].Name == s.run.Spec.SnapshotName {
			mine = &snaps.Items[i]
		}
	}
	for i := range snaps.Items {
		other := &snaps.Items[i]
		if mine != nil && other.Name != mine.Name && other.Revision > mine.Revision {
			msg := "a newer revision (" + other.Labels[rolloutv1alpha1.RevisionLabel] + ") started its own run"
			if s.run.Status.Phase == rolloutv1alpha1.RunPhaseRollingBack {
				msg = "superseded while rolling back (" + s.run.Status.Message + "): " + msg
			}
			r.end(s, rolloutv1alpha1.RunPhaseSuperseded, "Superseded", msg)
			return true, nil
		}
	}
	return false, nil
}

// placementChange says which clusters the binding gained or lost since the
// run started; a run's clusters are fixed.
func placementChange(s *scope) string {
	now := map[string]bool{}
	for _, t := range propagation.Targets(&s.binding.Spec) {
		now[t.Name] = true
	}
	planned := map[string]bool{}
	for _, c := range s.run.Status.Clusters {
		planned[c.Name] = true
	}
	var added, removed []string
	for name := range now {
		if !planned[name] && s.snapshot.Target[name] != nil {
			added = append(added, name)
		}
	}
	for name := range planned {
		if !now[name] {
			removed = append(removed, name)
		}
	}
	if len(added)+len(removed) == 0 {
		return ""
	}
	sort.Strings(added)
	sort.Strings(removed)
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "added "+strings.Join(added, ", "))
	}
	if len(removed) > 0 {
		parts = append(parts, "removed "+strings.Join(removed, ", "))
	}
	return "the placement changed during the run: " + strings.Join(parts, "; ")
}
