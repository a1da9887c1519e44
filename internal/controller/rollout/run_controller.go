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

// Package rollout runs StagedUpdateRuns: it releases a workload's new
// revision stage by stage (the binding controller's gate writes what each
// cluster gets), waits for each released cluster to be healthy, runs the
// gates around each stage, and rolls every updated cluster back when a gate
// fails. Every decision that depends on time is derived from the run's
// timestamps, so a restarted controller resumes where the run was.
package rollout

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/analysis"
	"kurator.dev/kurator/internal/bindingworks"
	"kurator.dev/kurator/internal/controller/retry"
	"kurator.dev/kurator/internal/metricsprovider"
	"kurator.dev/kurator/internal/rollout"
)

// pollInterval is how often a progressing run looks again when nothing
// else wakes it (Work status changes usually do first).
const pollInterval = 5 * time.Second

// defaultProgressDeadline bounds how long a released cluster may take.
const defaultProgressDeadline = 10 * time.Minute

// Reconciler owns StagedUpdateRun status and the ApprovalRequests of runs.
type Reconciler struct {
	Client   client.Client
	Metrics  metricsprovider.Provider
	Measurer *analysis.Measurer
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
}

// scope is one reconcile of one run.
type scope struct {
	run      *rolloutv1alpha1.StagedUpdateRun
	binding  *workv1alpha2.ResourceBinding
	snapshot *rollout.Snapshot
	stages   []rollout.Stage
	now      time.Time
	wake     time.Time
}

// after asks to be woken at t at the latest.
func (s *scope) after(t time.Time) {
	if s.wake.IsZero() || t.Before(s.wake) {
		s.wake = t
	}
}

// Reconcile advances one run.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	run := &rolloutv1alpha1.StagedUpdateRun{}
	if err := r.Client.Get(ctx, req.NamespacedName, run); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if run.Status.Phase.Terminal() {
		return ctrl.Result{}, nil
	}
	before := run.Status.DeepCopy()
	s := &scope{run: run, now: r.Clock.Now()}
	err := r.reconcileRun(ctx, s)
	run.Status.ObservedGeneration = run.Generation
	if !apiequality.Semantic.DeepEqual(before, &run.Status) {
		if werr := r.Client.Status().Update(ctx, run); werr != nil {
			return ctrl.Result{}, werr
		}
		r.recordTransition(run, before.Phase)
	}
	if err != nil || run.Status.Phase.Terminal() {
		return ctrl.Result{}, err
	}
	next := pollInterval
	if !s.wake.IsZero() && s.wake.Sub(s.now) < next {
		next = max(s.wake.Sub(s.now), 100*time.Millisecond)
	}
	return ctrl.Result{RequeueAfter: next}, nil
}

// reconcileRun runs the phases: load, initialise, check the run still
// stands, then roll forward or back.
func (r *Reconciler) reconcileRun(ctx context.Context, s *scope) error {
	run := s.run
	s.binding = &workv1alpha2.ResourceBinding{}
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: run.Namespace, Name: run.Spec.BindingName}, s.binding); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.end(s, rolloutv1alpha1.RunPhaseAbandoned, "BindingDeleted", "the binding "+run.Spec.BindingName+" is gone")
			return nil
		}
		return err
	}
	cr := &appsv1.ControllerRevision{}
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: run.Namespace, Name: run.Spec.SnapshotName}, cr); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.end(s, rolloutv1alpha1.RunPhaseFailed, "SnapshotMissing", "the snapshot "+run.Spec.SnapshotName+" is gone")
			return nil
		}
		return err
	}
	s.snapshot = &rollout.Snapshot{}
	if err := json.Unmarshal(cr.Data.Raw, s.snapshot); err != nil {
		r.end(s, rolloutv1alpha1.RunPhaseFailed, "SnapshotInvalid", err.Error())
		return nil
	}
	if run.Status.Strategy == nil {
		if done, err := r.initialize(ctx, s); err != nil || done {
			return err
		}
	}
	s.stages = orderedAs(run.Status.Strategy, run.Status.Stages)
	// A placement change (which also yields a new revision: the clusters
	// are part of it) ends the run as what it is, and a newer revision
	// supersedes it. A run rolling back is superseded too, since the binding
	// then follows the newer revision's run; its reason stays in the message.
	if run.Status.Phase != rolloutv1alpha1.RunPhaseRollingBack {
		if msg := placementChange(s); msg != "" {
			r.end(s, rolloutv1alpha1.RunPhaseAbandoned, "PlacementChanged", msg)
			return nil
		}
	}
	if superseded, err := r.superseded(ctx, s); err != nil || superseded {
		return err
	}
	if run.Spec.State == rolloutv1alpha1.RunStateAbort && run.Status.Phase != rolloutv1alpha1.RunPhaseRollingBack {
		r.startRollback(s, "Aborted", "aborted by the user")
	}
	if run.Status.Phase != rolloutv1alpha1.RunPhaseRollingBack {
		if err := r.progress(ctx, s); err != nil {
			return err
		}
	}
	// A rollback starts in the same pass as the failure that calls for it.
	if run.Status.Phase == rolloutv1alpha1.RunPhaseRollingBack {
		return r.rollBack(ctx, s)
	}
	return nil
}

// end puts the run in a terminal phase with its reason.
func (r *Reconciler) end(s *scope, phase rolloutv1alpha1.RunPhase, reason, message string) {
	st := &s.run.Status
	st.Phase, st.Message, st.EndTime = phase, message, &metav1.Time{Time: s.now}
	r.condition(s, "Progressing", metav1.ConditionFalse, reason, message)
	switch phase {
	case rolloutv1alpha1.RunPhaseSucceeded:
		r.condition(s, "Succeeded", metav1.ConditionTrue, reason, message)
	case rolloutv1alpha1.RunPhaseRolledBack:
		r.condition(s, "RolledBack", metav1.ConditionTrue, reason, message)
	default:
		r.condition(s, "Succeeded", metav1.ConditionFalse, reason, message)
	}
}

func (r *Reconciler) condition(s *scope, typ string, status metav1.ConditionStatus, reason, message string) {
	apimeta.SetStatusCondition(&s.run.Status.Conditions, metav1.Condition{
		Type: typ, Status: status, Reason: reason, Message: truncate(message), ObservedGeneration: s.run.Generation,
	})
}

func truncate(s string) string {
	if len(s) > 1000 {
		return s[:1000] + "…"
	}
	return s
}

// event records a transition within the run (a stage done, a cluster
// failed); each happens once, as its status field changes.
func (r *Reconciler) event(s *scope, kind, reason, message string) {
	if r.Recorder != nil {
		r.Recorder.Eventf(s.run, nil, kind, reason, "Rollout", "%s", truncate(message))
	}
}

// recordTransition emits one event per phase change, with the run's message.
func (r *Reconciler) recordTransition(run *rolloutv1alpha1.StagedUpdateRun, before rolloutv1alpha1.RunPhase) {
	if r.Recorder == nil || run.Status.Phase == before {
		return
	}
	kind := "Normal"
	switch run.Status.Phase {
	case rolloutv1alpha1.RunPhaseRollingBack, rolloutv1alpha1.RunPhaseRolledBack, rolloutv1alpha1.RunPhaseFailed, rolloutv1alpha1.RunPhaseAbandoned:
		kind = "Warning"
	}
	r.Recorder.Eventf(run, nil, kind, string(run.Status.Phase), "Rollout", "%s", truncate(fmt.Sprintf("%s: %s", run.Status.Phase, run.Status.Message)))
}

// SetupWithManager watches runs, their Works and approvals.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	if r.Metrics == nil {
		r.Metrics = metricsprovider.None{}
	}
	if r.Measurer == nil {
		r.Measurer = analysis.NewMeasurer()
	}
	return ctrl.NewControllerManagedBy(mgr).Named("stagedupdaterun").
		For(&rolloutv1alpha1.StagedUpdateRun{}, builder.WithPredicates()).
		Watches(&workv1alpha1.Work{}, handler.EnqueueRequestsFromMapFunc(r.runsOfWork)).
		Watches(&rolloutv1alpha1.ApprovalRequest{}, handler.EnqueueRequestsFromMapFunc(runOfApproval)).
		Complete(retry.OnConflict(r))
}

// runsOfWork wakes the active runs of a Work's binding.
func (r *Reconciler) runsOfWork(ctx context.Context, obj client.Object) []reconcile.Request {
	key, ok := bindingworks.Binding(obj, false)
	if !ok {
		return nil
	}
	runs := &rolloutv1alpha1.StagedUpdateRunList{}
	if err := r.Client.List(ctx, runs, client.InNamespace(key.Namespace), client.MatchingLabels{rolloutv1alpha1.BindingLabel: key.Name}); err != nil {
		return nil
	}
	var out []reconcile.Request
	for _, run := range runs.Items {
		if !run.Status.Phase.Terminal() {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&run)})
		}
	}
	return out
}

func runOfApproval(_ context.Context, obj client.Object) []reconcile.Request {
	a, ok := obj.(*rolloutv1alpha1.ApprovalRequest)
	if !ok {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: a.Namespace, Name: a.Spec.RunName}}}
}
