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
	"errors"
	"maps"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/patch"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// write stores the decision: spec.clusters and the applied placement, then
// the status. On an unschedulable error the previous decision stays and the
// binding is retried; a binding no cluster fits is withdrawn (as Karmada).
func (r *Reconciler) write(ctx context.Context, b workv1alpha2.Binding, w *framework.Workload, placementJSON string, res *scheduler.Result, schedErr error,
	evicted bool, extraAnnotations, ownAnnotations map[string]string) (ctrl.Result, error) {
	spec := b.BindingSpec()
	previous := map[string]int64{}
	for _, t := range spec.Clusters {
		previous[t.Name] = int64(t.Replicas)
	}
	var fit *scheduler.FitError
	decided := schedErr == nil || errors.As(schedErr, &fit)
	if decided {
		var clusters []workv1alpha2.TargetCluster
		if res != nil && schedErr == nil {
			clusters = propagation.Decision(res)
		}
		annotations := b.GetAnnotations()
		if annotations == nil {
			annotations = map[string]string{}
		}
		if evicted || len(extraAnnotations) > 0 || len(ownAnnotations) > 0 || !equality.Semantic.DeepEqual(spec.Clusters, clusters) || annotations[policyv1alpha1.AppliedPlacementAnnotation] != placementJSON {
			// The decision is the scheduler's alone: a merge patch of it
			// never conflicts with the detector's or binding controller's
			// writes. Eviction tasks are shared with the binding controller,
			// which removes them: that patch is conditional on the version
			// read.
			patchAnnotations := map[string]string{policyv1alpha1.AppliedPlacementAnnotation: placementJSON}
			maps.Copy(patchAnnotations, extraAnnotations)
			maps.Copy(patchAnnotations, ownAnnotations)
			metadata := map[string]any{"annotations": patchAnnotations}
			specPatch := map[string]any{"clusters": clusters}
			if evicted || len(extraAnnotations) > 0 {
				metadata["resourceVersion"] = b.GetResourceVersion()
				specPatch["gracefulEvictionTasks"] = spec.GracefulEvictionTasks
			}
			if err := patch.Merge(ctx, r.Client, b, map[string]any{"metadata": metadata, "spec": specPatch}); err != nil {
				if apierrors.IsConflict(err) {
					return ctrl.Result{RequeueAfter: 50 * time.Millisecond}, nil
				}
				return ctrl.Result{}, err
			}
			// A write of the optimisation state alone is not a decision.
			if len(ownAnnotations) == 0 || !equality.Semantic.DeepEqual(spec.Clusters, clusters) || annotations[policyv1alpha1.AppliedPlacementAnnotation] != placementJSON {
				r.Recorder.Eventf(b, nil, corev1.EventTypeNormal, "Scheduled", "Schedule", "Scheduled to %s", describe(clusters))
			}
			_, handingOver := extraAnnotations[workv1alpha2.FailbackFromAnnotation]
			switch {
			case handingOver && extraAnnotations[workv1alpha2.HandoverReasonAnnotation] == workv1alpha2.HandoverRebalance:
				r.Recorder.Eventf(b, nil, corev1.EventTypeNormal, "Rebalance", "Schedule", "Rebalancing to %s%s; the clusters giving replicas up keep them until it is healthy",
					describe(clusters), termOf(res))
			case handingOver:
				r.Recorder.Eventf(b, nil, corev1.EventTypeNormal, "Failback", "Schedule", "Failing back to %s%s; the clusters giving replicas back keep them until it is healthy",
					describe(clusters), termOf(res))
			}
			ctrl.LoggerFrom(ctx).V(2).Info("Decision written", "clusters", describe(clusters), "evicted", evicted, "generation", b.GetGeneration())
		}
		if w.Requirements != nil && schedErr == nil {
			decidedReplicas := map[string]int64{}
			for _, t := range res.Clusters {
				decidedReplicas[t.Name] = t.Replicas
			}
			r.reserved.record(client.ObjectKeyFromObject(b).String(), *w.Requirements, previous, decidedReplicas)
		}
	}
	return r.writeStatus(ctx, b, res, schedErr)
}

// schedulingStatus is the part of a binding's status the scheduler owns;
// it is server-side applied, so the binding controller's fields are kept.
type schedulingStatus struct {
	SchedulerObservedGeneration   int64                               `json:"schedulerObservedGeneration"`
	SchedulerObservedAffinityName string                              `json:"schedulerObservingAffinityName,omitempty"`
	LastScheduledTime             *metav1.Time                        `json:"lastScheduledTime,omitempty"`
	Conditions                    []metav1.Condition                  `json:"conditions"`
	SchedulingExplanation         *workv1alpha2.SchedulingExplanation `json:"schedulingExplanation,omitempty"`
}

func owned(s *workv1alpha2.ResourceBindingStatus) schedulingStatus {
	out := schedulingStatus{
		SchedulerObservedGeneration: s.SchedulerObservedGeneration, SchedulerObservedAffinityName: s.SchedulerObservedAffinityName,
		LastScheduledTime: s.LastScheduledTime, SchedulingExplanation: s.SchedulingExplanation, Conditions: []metav1.Condition{},
	}
	if c := apimeta.FindStatusCondition(s.Conditions, workv1alpha2.ConditionScheduled); c != nil {
		out.Conditions = append(out.Conditions, *c)
	}
	return out
}

func (r *Reconciler) writeStatus(ctx context.Context, b workv1alpha2.Binding, res *scheduler.Result, schedErr error) (ctrl.Result, error) {
	status := b.BindingStatus()
	before := owned(status)
	cond := propagation.ScheduledCondition(schedErr, b.GetGeneration())
	requeue := time.Duration(0)
	wasOK := apimeta.IsStatusConditionTrue(status.Conditions, workv1alpha2.ConditionScheduled)
	previousAffinity := status.SchedulerObservedAffinityName
	// A step of an IntelligentScheduler's move is a new decision for the
	// same generation.
	moved := res != nil && res.Explanation.Move != nil && res.Explanation.Move.Step
	if schedErr == nil {
		// The time of the decision in force: re-running the scheduler
		// (duplicated placements re-run on every cluster change) to the
		// same result for the same generation is not a new decision.
		if moved || !wasOK || status.LastScheduledTime == nil || status.SchedulerObservedGeneration != b.GetGeneration() {
			now := metav1.NewTime(r.Clock.Now())
			status.LastScheduledTime = &now
		}
		status.SchedulerObservedAffinityName = res.AffinityName
	} else {
		// Retried: the fleet may change (a cluster joins, capacity frees).
		requeue = 10 * time.Second
	}
	key := client.ObjectKeyFromObject(b).String()
	// The same decision again for the same generation: its status is
	// written already, maybe not yet in the cache read. Re-running
	// (duplicated placements re-run on every cluster change) changes
	// nothing but scores, and the explanation is that of the decision in
	// force.
	sameDecision := schedErr == nil && !moved && res.AffinityName == previousAffinity && (r.decided.decided(key, b.GetGeneration()) ||
		(wasOK && status.SchedulerObservedGeneration == b.GetGeneration()))
	if sameDecision {
		r.decided.recordTerm(key, b.GetGeneration(), res.AffinityName)
		return ctrl.Result{}, nil
	}
	status.SchedulerObservedGeneration = b.GetGeneration()
	apimeta.SetStatusCondition(&status.Conditions, cond)
	if res != nil {
		status.SchedulingExplanation = propagation.Explain(res.Explanation)
	}
	after := owned(status)
	if !equality.Semantic.DeepEqual(before, after) {
		if err := patch.ApplyStatus(ctx, r.Client, b, workv1alpha2.GVK(b), after, "kurator-scheduler"); err != nil {
			r.decided.forget(key)
			return ctrl.Result{}, err
		}
	}
	if schedErr == nil {
		r.decided.recordTerm(key, b.GetGeneration(), res.AffinityName)
	} else {
		r.decided.forget(key)
	}
	if schedErr != nil {
		ctrl.LoggerFrom(ctx).V(2).Info("No decision", "reason", cond.Reason, "message", cond.Message)
	}
	if schedErr != nil && wasOK {
		r.Recorder.Eventf(b, nil, corev1.EventTypeWarning, cond.Reason, "Schedule", "%s", cond.Message)
	}
	return ctrl.Result{RequeueAfter: requeue}, nil
}

// termOf names the affinity term of a decision, for messages.
func termOf(res *scheduler.Result) string {
	if res == nil || res.AffinityName == "" {
		return ""
	}
	return " (term " + res.AffinityName + ")"
}

// carryDecision marks the binding's new generation as decided when only the
// scheduler's own bookkeeping changed its spec (an ended eviction task or
// hand-over) and the generation before was decided: the Scheduled condition
// and schedulerObservedGeneration move to it, so the decision stands after
// a restart too.
func (r *Reconciler) carryDecision(ctx context.Context, b workv1alpha2.Binding, previous int64) error {
	status := b.BindingStatus()
	key := client.ObjectKeyFromObject(b).String()
	c := apimeta.FindStatusCondition(status.Conditions, workv1alpha2.ConditionScheduled)
	if c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != previous || status.SchedulerObservedGeneration != previous {
		if r.decided.decided(key, previous) {
			r.decided.record(key, b.GetGeneration())
		}
		return nil
	}
	carried := *c
	carried.ObservedGeneration = b.GetGeneration()
	apimeta.SetStatusCondition(&status.Conditions, carried)
	status.SchedulerObservedGeneration = b.GetGeneration()
	if err := patch.ApplyStatus(ctx, r.Client, b, workv1alpha2.GVK(b), owned(status), "kurator-scheduler"); err != nil {
		return err
	}
	r.decided.record(key, b.GetGeneration())
	return nil
}
