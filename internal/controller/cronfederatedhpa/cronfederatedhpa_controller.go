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

// Package cronfederatedhpa runs CronFederatedHPA rules: at each rule's
// scheduled time it sets a workload's replicas through its scale
// subresource, or a FederatedHPA's bounds, and records the run in status.
// Every time decision is read from status (each rule's next execution
// time), never from memory, so a restarted controller neither repeats a run
// nor loses one: runs missed while it was down apply once, the latest.
package cronfederatedhpa

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	"kurator.dev/kurator/internal/controller/retry"
)

// Condition type and reasons of a CronFederatedHPA.
const (
	ConditionReady = "Ready"

	// ReasonScheduled: every rule's schedule is valid and the last run applied.
	ReasonScheduled = "Scheduled"
	// ReasonInvalidSchedule: a rule's schedule or time zone cannot be parsed.
	ReasonInvalidSchedule = "InvalidSchedule"
	// ReasonTargetNotFound: the target object, or its kind, does not exist.
	ReasonTargetNotFound = "TargetNotFound"
	// ReasonNoScaleSubresource: the target kind has no scale subresource.
	ReasonNoScaleSubresource = "NoScaleSubresource"
	// ReasonForbidden: the controller may not change the target.
	ReasonForbidden = "Forbidden"
	// ReasonInvalidBounds: a rule's minimum exceeds its maximum.
	ReasonInvalidBounds = "InvalidBounds"
	// ReasonInvalidRule: a rule does not set what its target needs.
	ReasonInvalidRule = "InvalidRule"
	// ReasonScaleFailed: any other failure to change the target.
	ReasonScaleFailed = "ScaleFailed"
)

// Event reasons, one event per run.
const (
	EventScaled      = "Scaled"
	EventScaleFailed = "ScaleFailed"
)

// Reconciler owns CronFederatedHPA status; it writes the targets' scale
// subresource or FederatedHPA spec, never a CronFederatedHPA's spec.
type Reconciler struct {
	Client client.Client
	// Reader reads scale targets uncached (nil: Client), so that targeting
	// a kind does not start a cache of every object of that kind.
	Reader   client.Reader
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
}

// event is one run's event, emitted once its record is in status.
type event struct {
	kind, reason, message string
}

// Reconcile runs the rules that are due and records them.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	cron := &autoscalingv1alpha1.CronFederatedHPA{}
	if err := r.Client.Get(ctx, req.NamespacedName, cron); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	now := r.Clock.Now()
	before := cron.Status.DeepCopy()
	p := plan(cron, now)
	var emitted []event
	var last *outcome
	for _, run := range p.runs {
		o, err := r.execute(ctx, cron, run)
		if err != nil {
			return ctrl.Result{}, err
		}
		record(run, o, now)
		emitted = append(emitted, eventOf(run, o))
		last = &o
		ctrl.LoggerFrom(ctx).Info("Rule ran", "rule", run.rule.Name, "scheduleTime", run.scheduleTime,
			"succeeded", o.failure == nil, "message", o.describe())
	}
	cron.Status.ExecutionHistories = p.histories
	r.setReady(cron, p.invalid, last)
	cron.Status.ObservedGeneration = cron.Generation
	if !apiequality.Semantic.DeepEqual(before, &cron.Status) {
		if err := r.Client.Status().Update(ctx, cron); err != nil {
			return ctrl.Result{}, fmt.Errorf("update status of CronFederatedHPA %s: %w", req.NamespacedName, err)
		}
	}
	for _, e := range emitted {
		r.event(cron, e)
	}
	if p.wake.IsZero() {
		return ctrl.Result{}, nil
	}
	return ctrl.Result{RequeueAfter: max(p.wake.Sub(now), time.Millisecond)}, nil
}

// setReady is False while a rule's schedule is invalid, or when the last
// run failed (until a later run applies or the object is edited); True
// otherwise.
func (r *Reconciler) setReady(cron *autoscalingv1alpha1.CronFederatedHPA, invalid []string, last *outcome) {
	status, reason, message := metav1.ConditionTrue, ReasonScheduled, "every rule's schedule is valid"
	prev := apimeta.FindStatusCondition(cron.Status.Conditions, ConditionReady)
	switch {
	case len(invalid) > 0:
		status, reason, message = metav1.ConditionFalse, ReasonInvalidSchedule, strings.Join(invalid, "; ")
	case last != nil && last.failure != nil:
		status, reason, message = metav1.ConditionFalse, last.failure.reason, last.failure.message
	case last == nil && prev != nil && prev.Status == metav1.ConditionFalse && prev.Reason != ReasonInvalidSchedule &&
		prev.ObservedGeneration == cron.Generation:
		// The last run failed and neither a run nor an edit came since.
		status, reason, message = prev.Status, prev.Reason, prev.Message
	}
	apimeta.SetStatusCondition(&cron.Status.Conditions, metav1.Condition{
		Type: ConditionReady, Status: status, Reason: reason, Message: truncate(message), ObservedGeneration: cron.Generation,
	})
}

func (r *Reconciler) event(cron *autoscalingv1alpha1.CronFederatedHPA, e event) {
	if r.Recorder != nil {
		r.Recorder.Eventf(cron, nil, e.kind, e.reason, "Scale", "%s", truncate(e.message))
	}
}

func eventOf(run run, o outcome) event {
	if o.failure != nil {
		return event{corev1.EventTypeWarning, EventScaleFailed,
			fmt.Sprintf("rule %s (due %s): %s", run.rule.Name, run.scheduleTime.UTC().Format(time.RFC3339), o.failure.message)}
	}
	return event{corev1.EventTypeNormal, EventScaled,
		fmt.Sprintf("rule %s (due %s): %s", run.rule.Name, run.scheduleTime.UTC().Format(time.RFC3339), o.describe())}
}

func truncate(s string) string {
	if len(s) > 1000 {
		return s[:1000] + "…"
	}
	return s
}

// SetupWithManager watches CronFederatedHPAs' spec changes; runs are timed
// by RequeueAfter, so status writes need not wake the controller.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	if r.Reader == nil {
		r.Reader = r.Client
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("cronfederatedhpa").
		For(&autoscalingv1alpha1.CronFederatedHPA{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Complete(retry.OnConflict(r))
}
