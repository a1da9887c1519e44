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
package bindingstatus

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/bindingworks"
	"kurator.dev/kurator/internal/patch"
	"kurator.dev/kurator/internal/propagation"
)

// fieldOwner owns aggregatedStatus and the FullyApplied condition.
const fieldOwner = "kurator-binding"

// updateBindingStatus, called once the Works of the binding's generation
// are written, folds the Works' status into aggregatedStatus and the
// FullyApplied condition. While Works written for a new spec have not
// reported yet, the write waits for them (up to statusSettle, returned as
// the time to check again), so that a decision costs one status write, not
// one per cluster.
func (r *Reconciler) updateBindingStatus(ctx context.Context, b workv1alpha2.Binding, works []workv1alpha1.Work) (time.Duration, error) {
	// Every target cluster counts, those only dependent bindings ask for too.
	spec, status := &workv1alpha2.ResourceBindingSpec{Clusters: propagation.Targets(b.BindingSpec())}, b.BindingStatus()
	// The clusters whose manifest could not be rendered, as the binding
	// controller reported them.
	failures := propagation.RenderFailures(status.Conditions, spec.Clusters)
	if len(spec.Clusters) == 0 && apimeta.FindStatusCondition(status.Conditions, workv1alpha2.ConditionScheduled) == nil &&
		apimeta.FindStatusCondition(status.Conditions, workv1alpha2.ConditionFullyApplied) == nil {
		// A new binding the scheduler has not decided yet: nothing to
		// summarise, and the decision wakes this controller again.
		return 0, nil
	}
	before := ownedStatus(status)
	byNS := bindingworks.ByNamespace(works)
	items := make([]workv1alpha2.AggregatedStatusItem, 0, len(spec.Clusters))
	applied := 0
	for _, t := range spec.Clusters {
		item := workv1alpha2.AggregatedStatusItem{ClusterName: t.Name, Health: workv1alpha2.ResourceUnknown}
		if w := byNS[workv1alpha1.ExecutionNamespace(t.Name)]; w != nil && current(w) {
			if c := apimeta.FindStatusCondition(w.Status.Conditions, workv1alpha1.ConditionApplied); c != nil {
				item.Applied = c.Status == metav1.ConditionTrue
				if !item.Applied {
					item.AppliedMessage = c.Message
				}
			}
			if len(w.Status.ManifestStatuses) > 0 {
				ms := w.Status.ManifestStatuses[0]
				item.Status = ms.Status
				item.Health = workv1alpha2.ResourceHealth(ms.Health)
			}
		}
		if msg, failed := failures[t.Name]; failed {
			item.Applied, item.AppliedMessage = false, workv1alpha2.BindingReasonOverrideFailed+": "+msg
		}
		if item.Applied {
			applied++
		}
		items = append(items, item)
	}
	status.AggregatedStatus = items
	cond := metav1.Condition{Type: workv1alpha2.ConditionFullyApplied, Status: metav1.ConditionTrue, Reason: workv1alpha2.BindingReasonFullyAppliedSuccess,
		Message: fmt.Sprintf("applied to all %d clusters", len(spec.Clusters)), ObservedGeneration: b.GetGeneration()}
	switch {
	case len(spec.Clusters) == 0:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, workv1alpha2.BindingReasonAwaitingSchedule, awaitingSchedule(status)
	case applied < len(spec.Clusters):
		cond.Status, cond.Reason = metav1.ConditionFalse, workv1alpha2.BindingReasonFullyAppliedFailed
		cond.Message = fmt.Sprintf("applied to %d of %d clusters", applied, len(spec.Clusters))
	}
	apimeta.SetStatusCondition(&status.Conditions, cond)
	after := ownedStatus(status)
	key := client.ObjectKeyFromObject(b).String()
	if equality.Semantic.DeepEqual(before, after) {
		r.settling.forget(key)
		return 0, nil
	}
	if sameRendering(before.AggregatedStatus, after.AggregatedStatus) && r.awaitingReport(ctx, spec.Clusters, byNS, failures) > 0 {
		if wait := r.settling.wait(key, r.Clock.Now()); wait > 0 {
			return wait, nil
		}
	}
	r.settling.forget(key)
	ctrl.LoggerFrom(ctx).V(4).Info("Writing aggregated status", "applied", applied, "clusters", len(spec.Clusters))
	return 0, patch.ApplyStatus(ctx, r.Client, b, workv1alpha2.GVK(b), after, fieldOwner)
}

// bindingStatus is the part of a binding's status this controller owns.
type bindingStatus struct {
	Conditions       []metav1.Condition                  `json:"conditions"`
	AggregatedStatus []workv1alpha2.AggregatedStatusItem `json:"aggregatedStatus"`
}

func ownedStatus(s *workv1alpha2.ResourceBindingStatus) bindingStatus {
	out := bindingStatus{Conditions: []metav1.Condition{}, AggregatedStatus: s.AggregatedStatus}
	if out.AggregatedStatus == nil {
		out.AggregatedStatus = []workv1alpha2.AggregatedStatusItem{}
	}
	for _, t := range []string{workv1alpha2.ConditionFullyApplied} {
		if c := apimeta.FindStatusCondition(s.Conditions, t); c != nil {
			out.Conditions = append(out.Conditions, *c)
		}
	}
	return out
}

// current reports whether a Work's status describes its current spec: the
// Applied condition was written for this generation.
func current(w *workv1alpha1.Work) bool {
	c := apimeta.FindStatusCondition(w.Status.Conditions, workv1alpha1.ConditionApplied)
	return c != nil && c.ObservedGeneration == w.Generation
}

// awaitingSchedule says why a binding has no cluster to apply to, from its
// Scheduled condition.
func awaitingSchedule(status *workv1alpha2.ResourceBindingStatus) string {
	sc := apimeta.FindStatusCondition(status.Conditions, workv1alpha2.ConditionScheduled)
	if sc == nil || sc.Status == metav1.ConditionTrue || sc.Message == "" {
		return "waiting for a schedule: no cluster is chosen yet"
	}
	return fmt.Sprintf("waiting for a schedule: %s: %s", sc.Reason, sc.Message)
}
