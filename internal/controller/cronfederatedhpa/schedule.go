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

package cronfederatedhpa

import (
	"fmt"
	"sort"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	"kurator.dev/kurator/internal/autoscaling"
)

// Defaults of a rule's history limits, as the API's.
const (
	defaultSuccessfulHistoryLimit = 3
	defaultFailedHistoryLimit     = 3
)

// run is one rule's run due now.
type run struct {
	rule         *autoscalingv1alpha1.CronFederatedHPARule
	history      *autoscalingv1alpha1.ExecutionHistory
	scheduleTime time.Time
}

// schedulePlan is what the rules' schedules and status say at now.
type schedulePlan struct {
	// histories has one entry per rule, in the rules' order; the entries
	// of renamed or removed rules are gone.
	histories []autoscalingv1alpha1.ExecutionHistory
	// runs are the runs due, oldest first, so that the latest applies last.
	runs []run
	// invalid names each rule whose schedule cannot be parsed, and why.
	invalid []string
	// wake is the earliest next execution time (zero: none).
	wake time.Time
}

// plan reads each rule's next execution time from status. A rule without
// one is scheduled from now, with no run; a rule whose time has come runs
// once, at the latest scheduled time up to now, however many it missed.
func plan(cron *autoscalingv1alpha1.CronFederatedHPA, now time.Time) schedulePlan {
	recorded := map[string]autoscalingv1alpha1.ExecutionHistory{}
	for _, h := range cron.Status.ExecutionHistories {
		recorded[h.RuleName] = h
	}
	// A spec edit may have changed a schedule or time zone: a future next
	// time is then recomputed from the rule as it now is.
	specChanged := cron.Generation != cron.Status.ObservedGeneration
	p := schedulePlan{histories: make([]autoscalingv1alpha1.ExecutionHistory, len(cron.Spec.Rules))}
	for i := range cron.Spec.Rules {
		rule := &cron.Spec.Rules[i]
		h := &p.histories[i]
		*h = recorded[rule.Name]
		h.RuleName = rule.Name
		trimHistory(h, rule)
		schedule, err := autoscaling.ParseSchedule(rule.Schedule, ptr.Deref(rule.TimeZone, ""))
		if err != nil {
			h.NextExecutionTime = nil
			p.invalid = append(p.invalid, fmt.Sprintf("rule %s: %v", rule.Name, err))
			continue
		}
		if ptr.Deref(rule.Suspend, false) {
			// Unsuspended, the rule starts from then: no catch-up.
			h.NextExecutionTime = nil
			continue
		}
		var next time.Time
		switch {
		case h.NextExecutionTime == nil:
			next = schedule.Next(now)
		case !h.NextExecutionTime.After(now):
			due := h.NextExecutionTime.Time
			if latest, ok := schedule.Due(due, now); ok {
				due = latest
			}
			p.runs = append(p.runs, run{rule: rule, history: h, scheduleTime: due})
			next = schedule.Next(due)
		case specChanged:
			next = schedule.Next(now)
		default:
			next = h.NextExecutionTime.Time
		}
		h.NextExecutionTime = &metav1.Time{Time: next}
		if p.wake.IsZero() || next.Before(p.wake) {
			p.wake = next
		}
	}
	sort.SliceStable(p.runs, func(i, j int) bool { return p.runs[i].scheduleTime.Before(p.runs[j].scheduleTime) })
	return p
}

// record puts a run first in its rule's history and trims the history to
// the rule's limits.
func record(r run, o outcome, now time.Time) {
	h, scheduled, executed := r.history, &metav1.Time{Time: r.scheduleTime}, &metav1.Time{Time: now}
	if o.failure != nil {
		h.FailedExecutions = append([]autoscalingv1alpha1.FailedExecution{{
			ScheduleTime: scheduled, ExecutionTime: executed, Message: truncate(o.failure.message),
		}}, h.FailedExecutions...)
	} else {
		h.SuccessfulExecutions = append([]autoscalingv1alpha1.SuccessfulExecution{{
			ScheduleTime: scheduled, ExecutionTime: executed,
			AppliedReplicas: o.replicas, AppliedMinReplicas: o.minReplicas, AppliedMaxReplicas: o.maxReplicas,
		}}, h.SuccessfulExecutions...)
	}
	trimHistory(h, r.rule)
}

// trimHistory keeps the newest runs within the rule's limits (which the
// user may have lowered since the runs were recorded).
func trimHistory(h *autoscalingv1alpha1.ExecutionHistory, rule *autoscalingv1alpha1.CronFederatedHPARule) {
	h.SuccessfulExecutions = trim(h.SuccessfulExecutions, ptr.Deref(rule.SuccessfulHistoryLimit, defaultSuccessfulHistoryLimit))
	h.FailedExecutions = trim(h.FailedExecutions, ptr.Deref(rule.FailedHistoryLimit, defaultFailedHistoryLimit))
}

func trim[T any](list []T, limit int32) []T {
	if limit < 0 {
		limit = 0
	}
	if len(list) > int(limit) {
		list = list[:limit]
	}
	if len(list) == 0 {
		return nil
	}
	return list
}
