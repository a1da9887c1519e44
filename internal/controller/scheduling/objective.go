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
package scheduling

import (
	"context"
	"maps"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// governance is what an IntelligentScheduler asks of one decision.
type governance struct {
	objective intelligent.Objective
	state     intelligent.OptimizationState
	// blocked is how many replicas the budget held back.
	blocked int64
}

// govern gives a governed binding's workload its objective, and holds a
// running workload's scale-up back while its scheduler is over budget (a
// new workload is still placed). Nil for bindings no scheduler governs.
func govern(b workv1alpha2.Binding, w *framework.Workload, now time.Time) *governance {
	o, ok := intelligent.ReadObjective(b.GetAnnotations())
	if !ok {
		return nil
	}
	g := &governance{objective: o, state: intelligent.ReadOptimization(b.GetAnnotations())}
	w.Objective = o.Framework(g.state, now)
	var running int64
	for _, t := range w.Previous {
		running += t.Replicas
	}
	if o.BudgetExceeded && running > 0 && w.Replicas > running {
		g.blocked = w.Replicas - running
		w.Replicas = running
	}
	return g
}

// optimizationAnnotation renders the state after a decision, or nothing
// when it did not change.
func (g *governance) optimizationAnnotation(res *scheduler.Result, agnostic []framework.TargetCluster, now time.Time) (map[string]string, time.Duration) {
	next := intelligent.OptimizationState{ScaleUpBlockedAt: g.state.ScaleUpBlockedAt}
	for _, t := range agnostic {
		if t.Replicas > 0 {
			if next.Agnostic == nil {
				next.Agnostic = map[string]int32{}
			}
			next.Agnostic[t.Name] = int32(t.Replicas)
		}
	}
	var recheck time.Duration
	if res != nil && res.Explanation.Move != nil {
		mv := res.Explanation.Move
		next.Moving, next.SavingPercent, next.Reason = mv.Moving, roundPercent(mv.SavingPercent), mv.Reason
		next.SavingSince, next.LastStepAt = timeOrNil(mv.SavingSince), timeOrNil(mv.LastStepAt)
		recheck = mv.RecheckAfter
	}
	switch {
	case g.blocked > 0 && next.ScaleUpBlockedAt == nil:
		t := metav1.NewTime(now)
		next.ScaleUpBlockedAt = &t
	case g.blocked == 0:
		next.ScaleUpBlockedAt = nil
	}
	if g.blocked > 0 {
		next.Reason = "over budget: " + itoa(int32(g.blocked)) + " more replicas held back. " + next.Reason
	}
	if next.SavingSince.Equal(g.state.SavingSince) && next.LastStepAt.Equal(g.state.LastStepAt) && next.Moving == g.state.Moving &&
		next.ScaleUpBlockedAt.Equal(g.state.ScaleUpBlockedAt) && next.Reason == g.state.Reason && maps.Equal(next.Agnostic, g.state.Agnostic) {
		return nil, recheck
	}
	return map[string]string{intelligent.OptimizationAnnotation: intelligent.Encode(next)}, recheck
}

func timeOrNil(t time.Time) *metav1.Time {
	if t.IsZero() {
		return nil
	}
	m := metav1.NewTime(t.Truncate(time.Second))
	return &m
}

func roundPercent(v float64) float64 { return float64(int64(v*10)) / 10 }

// agnostic is the decision the policy alone makes for the same replicas:
// the carbon-agnostic counterfactual. None when it cannot be made.
func agnostic(ctx context.Context, s *scheduler.Scheduler, snap *framework.Snapshot, w *framework.Workload) []framework.TargetCluster {
	plain := *w
	plain.Objective = nil
	// From scratch, as the policy would place these replicas; what the
	// workload runs still counts as room.
	plain.Fresh = true
	res, err := s.Schedule(ctx, snap, &plain)
	if err != nil {
		return nil
	}
	return res.Clusters
}

// objectiveGrace is how long a new binding an IntelligentScheduler selects
// waits for its objective before it is placed without one: the
// IntelligentScheduler controller hands it over within moments.
const objectiveGrace = 10 * time.Second

// awaitsObjective says whether a binding not yet placed should wait for the
// objective an IntelligentScheduler will hand it, so that a new workload is
// placed with its objective from the start rather than moved later under
// the stability rules. Only selectors the binding itself can be matched
// against count (a label selector needs the template's labels).
func (r *Reconciler) awaitsObjective(ctx context.Context, b workv1alpha2.Binding) bool {
	if r.Clock == nil || len(b.BindingSpec().Clusters) > 0 || r.Clock.Since(b.GetCreationTimestamp().Time) > objectiveGrace {
		return false
	}
	var list schedulingv1alpha1.IntelligentSchedulerList
	if err := r.Client.List(ctx, &list); err != nil || len(list.Items) == 0 {
		return false
	}
	return intelligent.Select(list.Items, b, nil) != nil
}
