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
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	argoprojv1alpha1 "kurator.dev/kurator/api/argoproj/v1alpha1"
	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	"kurator.dev/kurator/internal/analysis"
)

// runTasks runs a stage's tasks in order and reports whether all succeeded.
// A failed or errored analysis starts the rollback; an inconclusive one, and
// an Approval task, wait for an ApprovalRequest to be approved.
func (r *Reconciler) runTasks(ctx context.Context, s *scope, stage int, tasks []rolloutv1alpha1.StageTask, statuses []rolloutv1alpha1.TaskStatus, position string) (bool, error) {
	promoted := s.run.Annotations[rolloutv1alpha1.PromoteAnnotation] == s.run.Status.Stages[stage].Name
	for j := range statuses {
		t, ts := tasks[j], &statuses[j]
		if ts.Phase == rolloutv1alpha1.TaskSucceeded {
			continue
		}
		if ts.StartTime == nil {
			ts.StartTime = &metav1.Time{Time: s.now}
		}
		if promoted {
			succeed(s, ts, "skipped: the stage was promoted by the user")
			continue
		}
		var err error
		switch t.Type {
		case rolloutv1alpha1.StageTaskTimedWait:
			end := ts.StartTime.Add(t.WaitTime.Duration)
			if !s.now.Before(end) {
				succeed(s, ts, fmt.Sprintf("waited %s", t.WaitTime.Duration))
			} else {
				ts.Phase, ts.Message = rolloutv1alpha1.TaskRunning, fmt.Sprintf("waiting until %s", end.UTC().Format("15:04:05"))
				s.after(end)
			}
		case rolloutv1alpha1.StageTaskApproval:
			err = r.awaitApproval(ctx, s, stage, ts, position)
		case rolloutv1alpha1.StageTaskAnalysis:
			err = r.runAnalysis(ctx, s, stage, t.Analysis, ts)
			if err == nil && ts.Phase == rolloutv1alpha1.TaskInconclusive {
				err = r.awaitApproval(ctx, s, stage, ts, "Inconclusive")
			}
		}
		if err != nil {
			return false, err
		}
		switch ts.Phase {
		case rolloutv1alpha1.TaskSucceeded:
			continue
		case rolloutv1alpha1.TaskFailed, rolloutv1alpha1.TaskError:
			r.startRollback(s, "Analysis"+string(ts.Phase), fmt.Sprintf("stage %s: %s", s.run.Status.Stages[stage].Name, ts.Message))
		}
		return false, nil
	}
	return true, nil
}

func succeed(s *scope, ts *rolloutv1alpha1.TaskStatus, message string) {
	ts.Phase, ts.EndTime, ts.Message = rolloutv1alpha1.TaskSucceeded, &metav1.Time{Time: s.now}, message
}

// approvalName names the request of a run's stage gate.
func approvalName(run, stage, position string) string {
	name := strings.ToLower(run + "-" + stage + "-" + position)
	if len(name) > 253 {
		name = name[:253]
	}
	return name
}

// awaitApproval creates the stage gate's ApprovalRequest and succeeds the
// task once it is approved; meanwhile the run is Paused.
func (r *Reconciler) awaitApproval(ctx context.Context, s *scope, stage int, ts *rolloutv1alpha1.TaskStatus, reason string) error {
	stageName := s.run.Status.Stages[stage].Name
	name := approvalName(s.run.Name, stageName, reason)
	req := &rolloutv1alpha1.ApprovalRequest{}
	err := r.Client.Get(ctx, client.ObjectKey{Namespace: s.run.Namespace, Name: name}, req)
	if apierrors.IsNotFound(err) {
		req = &rolloutv1alpha1.ApprovalRequest{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: s.run.Namespace, Labels: map[string]string{rolloutv1alpha1.BindingLabel: s.run.Spec.BindingName}},
			Spec:       rolloutv1alpha1.ApprovalRequestSpec{RunName: s.run.Name, StageName: stageName, Reason: reason},
		}
		if err := ctrl.SetControllerReference(s.run, req, r.Client.Scheme()); err != nil {
			return err
		}
		if err := r.Client.Create(ctx, req); err != nil && !apierrors.IsAlreadyExists(err) {
			return err
		}
	} else if err != nil {
		return err
	}
	ts.ApprovalRequest = name
	if apimeta.IsStatusConditionTrue(req.Status.Conditions, rolloutv1alpha1.ConditionApproved) {
		if ts.Phase == rolloutv1alpha1.TaskInconclusive {
			ts.Message += "; approved to continue"
		}
		succeed(s, ts, strings.TrimPrefix(ts.Message+"; approved", "; "))
		return nil
	}
	if ts.Phase != rolloutv1alpha1.TaskInconclusive {
		ts.Phase = rolloutv1alpha1.TaskRunning
		ts.Message = "waiting for ApprovalRequest " + name
	}
	s.run.Status.Phase = rolloutv1alpha1.RunPhasePaused
	s.run.Status.Message = fmt.Sprintf("stage %s waits for ApprovalRequest %s ('kurator rollout approve')", stageName, name)
	r.condition(s, "Paused", metav1.ConditionTrue, "AwaitingApproval", s.run.Status.Message)
	return nil
}

// runAnalysis steps every analysis of the task: per cluster of the stage
// (argument cluster) and fleet-wide, by scope, and sets the task's phase to
// the worst of them.
func (r *Reconciler) runAnalysis(ctx context.Context, s *scope, stage int, task *rolloutv1alpha1.AnalysisTask, ts *rolloutv1alpha1.TaskStatus) error {
	scope := task.Scope
	if scope == "" {
		scope = rolloutv1alpha1.AnalysisScopeClusterAndFleet
	}
	var targets []string
	if scope != rolloutv1alpha1.AnalysisScopeFleet {
		for _, name := range s.run.Status.Stages[stage].Clusters {
			if clusterStatus(s.run, name).Phase == rolloutv1alpha1.ClusterUpdated {
				targets = append(targets, name)
			}
		}
	}
	if scope != rolloutv1alpha1.AnalysisScopeCluster {
		targets = append(targets, "")
	}
	worst := argoprojv1alpha1.AnalysisPhaseSuccessful
	messages := map[argoprojv1alpha1.AnalysisPhase][]string{}
	for _, cluster := range targets {
		for _, ref := range task.Templates {
			entry := analysisEntry(ts, cluster, ref.TemplateName)
			if entry.Phase.Completed() {
				worst = analysis.Worst(worst, entry.Phase)
				continue
			}
			msg, err := r.stepAnalysis(ctx, s, ref, task.Args, cluster, ts.StartTime, entry)
			if err != nil {
				return err
			}
			where := "fleet-wide"
			if cluster != "" {
				where = "in " + cluster
			}
			messages[entry.Phase] = append(messages[entry.Phase], fmt.Sprintf("analysis %s %s: %s", ref.TemplateName, where, msg))
			worst = analysis.Worst(worst, entry.Phase)
		}
	}
	worstMsg := strings.Join(messages[worst], "; ")
	if worstMsg == "" {
		worstMsg = ts.Message
	}
	ts.Phase, ts.Message = taskPhase(worst), worstMsg
	if ts.Phase == rolloutv1alpha1.TaskSucceeded {
		succeed(s, ts, fmt.Sprintf("%d analyses passed", len(ts.Analyses)))
	}
	return nil
}

// stepAnalysis prepares one template for one target and takes one step.
func (r *Reconciler) stepAnalysis(ctx context.Context, s *scope, ref rolloutv1alpha1.AnalysisTemplateRef, extra []rolloutv1alpha1.AnalysisArg, cluster string, startedAt *metav1.Time, entry *rolloutv1alpha1.AnalysisRunStatus) (string, error) {
	spec, err := r.template(ctx, s.run.Namespace, ref)
	if err != nil {
		if apierrors.IsNotFound(err) {
			entry.Phase = argoprojv1alpha1.AnalysisPhaseError
			return "template not found: " + err.Error(), nil
		}
		return "", err
	}
	args := analysis.RunArgs(cluster, s.binding.Spec.Resource.Namespace, s.binding.Spec.Resource.Name)
	for _, a := range extra {
		args[a.Name] = a.Value
	}
	prepared, err := analysis.Prepare(*spec, args, r.Measurer.Evaluator)
	if err != nil {
		entry.Phase = argoprojv1alpha1.AnalysisPhaseError
		return err.Error(), nil
	}
	res := prepared.Step(ctx, r.Measurer, r.Metrics, entry.Metrics, startedAt.Time, s.now)
	entry.Metrics, entry.Phase = res.Results, res.Phase
	if !res.RequeueAt.IsZero() {
		s.after(res.RequeueAt)
	}
	return res.Message + figures(prepared, res.Results), nil
}

// figures says what a metric that did not pass measured, against its
// condition: "success-rate measured [0.5], successCondition result[0] >= 0.99".
func figures(a *analysis.Analysis, results []argoprojv1alpha1.MetricResult) string {
	var parts []string
	for i, m := range a.Metrics {
		if i >= len(results) || len(results[i].Measurements) == 0 {
			continue
		}
		switch results[i].Phase {
		case argoprojv1alpha1.AnalysisPhaseFailed, argoprojv1alpha1.AnalysisPhaseError, argoprojv1alpha1.AnalysisPhaseInconclusive:
		default:
			continue
		}
		last := results[i].Measurements[len(results[i].Measurements)-1]
		part := fmt.Sprintf("%s measured %s", m.Spec.Name, last.Value)
		if c := m.Spec.SuccessCondition; c != "" {
			part += ", successCondition " + c
		}
		if c := m.Spec.FailureCondition; c != "" {
			part += ", failureCondition " + c
		}
		if last.Message != "" {
			part += " (" + last.Message + ")"
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}

func (r *Reconciler) template(ctx context.Context, namespace string, ref rolloutv1alpha1.AnalysisTemplateRef) (*argoprojv1alpha1.AnalysisTemplateSpec, error) {
	if ref.ClusterScope {
		t := &argoprojv1alpha1.ClusterAnalysisTemplate{}
		if err := r.Client.Get(ctx, client.ObjectKey{Name: ref.TemplateName}, t); err != nil {
			return nil, err
		}
		return &t.Spec, nil
	}
	t := &argoprojv1alpha1.AnalysisTemplate{}
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.TemplateName}, t); err != nil {
		return nil, err
	}
	return &t.Spec, nil
}

func analysisEntry(ts *rolloutv1alpha1.TaskStatus, cluster, template string) *rolloutv1alpha1.AnalysisRunStatus {
	for i := range ts.Analyses {
		if ts.Analyses[i].Cluster == cluster && ts.Analyses[i].Template == template {
			return &ts.Analyses[i]
		}
	}
	ts.Analyses = append(ts.Analyses, rolloutv1alpha1.AnalysisRunStatus{Cluster: cluster, Template: template, Phase: argoprojv1alpha1.AnalysisPhasePending})
	return &ts.Analyses[len(ts.Analyses)-1]
}

func taskPhase(p argoprojv1alpha1.AnalysisPhase) rolloutv1alpha1.TaskPhase {
	switch p {
	case argoprojv1alpha1.AnalysisPhaseSuccessful:
		return rolloutv1alpha1.TaskSucceeded
	case argoprojv1alpha1.AnalysisPhaseFailed:
		return rolloutv1alpha1.TaskFailed
	case argoprojv1alpha1.AnalysisPhaseError:
		return rolloutv1alpha1.TaskError
	case argoprojv1alpha1.AnalysisPhaseInconclusive:
		return rolloutv1alpha1.TaskInconclusive
	}
	return rolloutv1alpha1.TaskRunning
}
