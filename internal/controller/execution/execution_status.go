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

package execution

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/message"
)

func (r *Reconciler) setCondition(work *workv1alpha1.Work, condType string, status metav1.ConditionStatus, reason, msg string) {
	apimeta.SetStatusCondition(&work.Status.Conditions, metav1.Condition{
		Type: condType, Status: status, Reason: reason, Message: message.Truncate(msg, message.ConditionMax),
		ObservedGeneration: work.Generation, LastTransitionTime: metav1.NewTime(r.Clock.Now()),
	})
}

func (r *Reconciler) setDispatching(work *workv1alpha1.Work, suspended bool) {
	if suspended {
		r.setCondition(work, workv1alpha1.ConditionDispatching, metav1.ConditionFalse, workv1alpha1.ReasonSuspendDispatching, "dispatching is suspended by spec.suspendDispatching")
		return
	}
	r.setCondition(work, workv1alpha1.ConditionDispatching, metav1.ConditionTrue, workv1alpha1.ReasonDispatching, "the Work is applied to its cluster")
}

// setClusterNotReady records that nothing could be applied; the last known
// manifest statuses stay, marked stale by Available=Unknown.
func (r *Reconciler) setClusterNotReady(work *workv1alpha1.Work, message string) {
	r.setCondition(work, workv1alpha1.ConditionApplied, metav1.ConditionFalse, workv1alpha1.ReasonClusterNotReady, message)
	r.setCondition(work, workv1alpha1.ConditionAvailable, metav1.ConditionUnknown, workv1alpha1.ReasonClusterNotReady, message)
}

func (r *Reconciler) setApplied(work *workv1alpha1.Work, res *applyResult) {
	switch {
	case len(res.conflicts) > 0:
		r.setCondition(work, workv1alpha1.ConditionApplied, metav1.ConditionFalse, workv1alpha1.ReasonConflictExists,
			strings.Join(append(res.conflicts, res.failures...), "; "))
	case len(res.failures) > 0:
		r.setCondition(work, workv1alpha1.ConditionApplied, metav1.ConditionFalse, workv1alpha1.ReasonAppliedFailed,
			fmt.Sprintf("%d manifest(s) not applied: %s", len(res.failures), strings.Join(res.failures, "; ")))
	default:
		r.setCondition(work, workv1alpha1.ConditionApplied, metav1.ConditionTrue, workv1alpha1.ReasonAppliedSuccessful,
			fmt.Sprintf("%d manifest(s) applied", len(res.statuses)))
	}
}

// setAvailable is True when every manifest was applied and is healthy.
func (r *Reconciler) setAvailable(work *workv1alpha1.Work, statuses []workv1alpha1.ManifestStatus, manifests int) {
	var notHealthy []string
	healthy := 0
	for _, st := range statuses {
		if st.Health == workv1alpha1.ResourceHealthy {
			healthy++
			continue
		}
		notHealthy = append(notHealthy, fmt.Sprintf("%s %s is %s", st.Identifier.Kind, describe(st.Identifier), st.Health))
	}
	if healthy == manifests {
		r.setCondition(work, workv1alpha1.ConditionAvailable, metav1.ConditionTrue, workv1alpha1.ReasonAllHealthy, "all applied objects are healthy")
		return
	}
	if len(notHealthy) == 0 {
		notHealthy = []string{"not every manifest was applied"}
	}
	r.setCondition(work, workv1alpha1.ConditionAvailable, metav1.ConditionFalse, workv1alpha1.ReasonNotHealthy, strings.Join(notHealthy, "; "))
}

// writeStatus patches the status when it changed, then records events for
// the conditions that changed. The patch is optimistically locked: a Work
// read from a stale cache must not announce transitions twice.
func (r *Reconciler) writeStatus(ctx context.Context, s *scope) error {
	if equality.Semantic.DeepEqual(s.before.Status, s.work.Status) ||
		r.statuses.alreadyWritten(s.key(), s.before.ResourceVersion, s.work.Generation, s.work.Status) {
		return nil
	}
	patch := client.MergeFromWithOptions(s.before, client.MergeFromWithOptimisticLock{})
	if err := r.Client.Status().Patch(ctx, s.work, patch); err != nil {
		return err
	}
	r.statuses.record(s.key(), s.before.ResourceVersion, s.work.Generation, s.work.Status)
	r.recordTransitions(s.before, s.work)
	return nil
}

// recordTransitions emits an event per condition transition, never for a
// condition that kept its status and reason. The first success of a new
// Work, and the end of its rollout, are not events (the binding's
// FullyApplied condition and the template's status say them, and an event
// per Work and cluster would double the writes of a fan-out); failures, and
// recoveries from them, are.
func (r *Reconciler) recordTransitions(before, after *workv1alpha1.Work) {
	changed := func(condType string) (now, was *metav1.Condition) {
		now = apimeta.FindStatusCondition(after.Status.Conditions, condType)
		was = apimeta.FindStatusCondition(before.Status.Conditions, condType)
		if now == nil || (was != nil && was.Status == now.Status && was.Reason == now.Reason) {
			return nil, was
		}
		return now, was
	}
	if c, was := changed(workv1alpha1.ConditionApplied); c != nil {
		if c.Status != metav1.ConditionTrue {
			r.Recorder.Eventf(after, nil, corev1.EventTypeWarning, c.Reason, "Apply", "%s", c.Message)
		} else if was != nil && was.Reason != workv1alpha1.ReasonDispatching {
			r.Recorder.Eventf(after, nil, corev1.EventTypeNormal, workv1alpha1.ReasonAppliedSuccessful, "Apply", "%s", c.Message)
		}
	}
	if c, was := changed(workv1alpha1.ConditionAvailable); c != nil && c.Status == metav1.ConditionTrue && was != nil &&
		r.availability.observe(client.ObjectKeyFromObject(after), after.Generation, true) {
		r.Recorder.Eventf(after, nil, corev1.EventTypeNormal, "Available", "Observe", "%s", c.Message)
	} else if apimeta.IsStatusConditionTrue(after.Status.Conditions, workv1alpha1.ConditionAvailable) {
		r.availability.observe(client.ObjectKeyFromObject(after), after.Generation, true)
	}
	if c, _ := changed(workv1alpha1.ConditionDispatching); c != nil {
		if c.Status == metav1.ConditionFalse {
			r.Recorder.Eventf(after, nil, corev1.EventTypeNormal, workv1alpha1.ReasonSuspendDispatching, "Suspend", "%s", c.Message)
		} else if was := apimeta.FindStatusCondition(before.Status.Conditions, workv1alpha1.ConditionDispatching); was != nil {
			r.Recorder.Eventf(after, nil, corev1.EventTypeNormal, "ResumeDispatching", "Resume", "%s", c.Message)
		}
	}
}

// clusterReady reports whether the Cluster's Ready condition is True, and
// otherwise why not.
func clusterReady(cluster *karmadaclusterv1alpha1.Cluster) (bool, string) {
	c := apimeta.FindStatusCondition(cluster.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)
	switch {
	case c == nil:
		return false, "readiness not reported yet"
	case c.Status != metav1.ConditionTrue:
		return false, c.Reason + ": " + c.Message
	default:
		return true, ""
	}
}

// inExecutionNamespace keeps Works that live in an execution namespace.
func inExecutionNamespace() predicate.Predicate {
	return predicate.NewPredicateFuncs(func(obj client.Object) bool {
		_, ok := workv1alpha1.ClusterForExecutionNamespace(obj.GetNamespace())
		return ok
	})
}

// deletionStarted passes the update that sets deletionTimestamp.
func deletionStarted() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		return e.ObjectOld.GetDeletionTimestamp().IsZero() && !e.ObjectNew.GetDeletionTimestamp().IsZero()
	}}
}

// readinessChanged passes Cluster events that can change what Works see:
// creation, deletion, a Ready flip and the start of deletion.
func readinessChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		oldC, okOld := e.ObjectOld.(*karmadaclusterv1alpha1.Cluster)
		newC, okNew := e.ObjectNew.(*karmadaclusterv1alpha1.Cluster)
		if !okOld || !okNew {
			return false
		}
		wasReady, _ := clusterReady(oldC)
		isReady, _ := clusterReady(newC)
		return wasReady != isReady || oldC.DeletionTimestamp.IsZero() != newC.DeletionTimestamp.IsZero()
	}}
}
