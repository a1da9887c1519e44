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
package propagation

import (
	"errors"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/message"
	"kurator.dev/kurator/internal/scheduler"
)

// scheduledMessageMax bounds the Scheduled condition's message: a fit
// error lists every cluster's reason.
const scheduledMessageMax = 4000

// ScheduledCondition is the binding's Scheduled condition for a decision,
// or for the scheduler's error.
func ScheduledCondition(schedErr error, generation int64) metav1.Condition {
	cond := metav1.Condition{Type: workv1alpha2.ConditionScheduled, Status: metav1.ConditionTrue, Reason: workv1alpha2.BindingReasonSuccess,
		Message: "binding has been scheduled", ObservedGeneration: generation}
	if schedErr == nil {
		return cond
	}
	cond.Status, cond.Message = metav1.ConditionFalse, message.Truncate(schedErr.Error(), scheduledMessageMax)
	var fit *scheduler.FitError
	var unsched *scheduler.UnschedulableError
	switch {
	case errors.As(schedErr, &fit):
		cond.Reason = workv1alpha2.BindingReasonNoClusterFit
	case errors.As(schedErr, &unsched):
		cond.Reason = workv1alpha2.BindingReasonUnschedulable
	default:
		cond.Reason = workv1alpha2.BindingReasonSchedulerError
	}
	return cond
}

// Decision is the scheduler's result in the binding's terms
// (spec.clusters).
func Decision(res *scheduler.Result) []workv1alpha2.TargetCluster {
	var clusters []workv1alpha2.TargetCluster
	for _, t := range res.Clusters {
		clusters = append(clusters, workv1alpha2.TargetCluster{Name: t.Name, Replicas: int32(t.Replicas)})
	}
	return clusters
}

// explanationDivisionMax bounds the division arithmetic kept in status.
const explanationDivisionMax = 4096

// explanationKarmadaMax bounds the note on how Karmada would differ.
const explanationKarmadaMax = 2048

// Explain converts the scheduler's explanation to its API form.
func Explain(e scheduler.Explanation) *workv1alpha2.SchedulingExplanation {
	out := &workv1alpha2.SchedulingExplanation{Strategy: e.Strategy, Division: message.Truncate(strings.TrimSpace(e.Division), explanationDivisionMax), Terms: e.Terms, KarmadaDifference: message.Truncate(e.KarmadaDifference, explanationKarmadaMax)}
	for _, c := range e.Candidates {
		ce := workv1alpha2.ClusterExplanation{Name: c.Name, Feasible: c.Feasible, Reasons: c.Reasons, Score: c.Score, AssignedReplicas: int32(c.Assigned)}
		if c.Available >= 0 {
			ce.AvailableReplicas = int32(min(c.Available, 1<<31-1))
		}
		if e := c.Eval; e != nil {
			ce.Objective = &workv1alpha2.ObjectiveEvaluation{BelowSLO: e.BelowSLO, Score: e.Score}
			if e.PriceKnown {
				ce.Objective.USDPerReplicaHour = strconv.FormatFloat(e.USDPerHour, 'g', 4, 64)
			}
			if e.CarbonKnown {
				ce.Objective.GramsPerReplicaHour = strconv.FormatFloat(e.GramsPerHour, 'g', 4, 64)
			}
			if e.SLIKnown {
				ce.Objective.SuccessRate = strconv.FormatFloat(e.SuccessRate, 'f', 2, 64)
			}
		}
		out.Candidates = append(out.Candidates, ce)
	}
	return out
}
