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

package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
)

func pausedRun(now time.Time) rolloutv1alpha1.StagedUpdateRun {
	return rolloutv1alpha1.StagedUpdateRun{
		ObjectMeta: metav1.ObjectMeta{Name: "reviews-deployment-ab12", Namespace: "prod", CreationTimestamp: metav1.NewTime(now.Add(-3 * time.Minute))},
		Spec:       rolloutv1alpha1.StagedUpdateRunSpec{BindingName: "reviews-deployment", StrategyName: "canary-first", Revision: "ab12", SnapshotName: "reviews-deployment-ab12"},
		Status: rolloutv1alpha1.StagedUpdateRunStatus{
			Phase: rolloutv1alpha1.RunPhasePaused, Message: "stage rest waits for ApprovalRequest x ('kurator rollout approve')",
			StartTime: &metav1.Time{Time: now.Add(-2 * time.Minute)},
			Stages: []rolloutv1alpha1.StageStatus{
				{Name: "canary", Clusters: []string{"sh"}, AfterStageTasks: []rolloutv1alpha1.TaskStatus{{Type: rolloutv1alpha1.StageTaskAnalysis, Phase: rolloutv1alpha1.TaskSucceeded}}},
				{Name: "rest", Clusters: []string{"fra", "hz"}, BeforeStageTasks: []rolloutv1alpha1.TaskStatus{{Type: rolloutv1alpha1.StageTaskApproval, Phase: rolloutv1alpha1.TaskRunning, ApprovalRequest: "x"}}},
			},
			Clusters: []rolloutv1alpha1.ClusterRollout{
				{Name: "sh", Stage: "canary", Phase: rolloutv1alpha1.ClusterUpdated},
				{Name: "fra", Stage: "rest", Phase: rolloutv1alpha1.ClusterPending},
				{Name: "hz", Stage: "rest", Phase: rolloutv1alpha1.ClusterPending, Message: "waiting"},
			},
		},
	}
}

func TestDescribeRun(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	run := pausedRun(now)
	var out bytes.Buffer
	describeRun(&out, &run, now)
	for _, want := range []string{
		"Run:       reviews-deployment-ab12 (revision ab12, strategy canary-first)",
		"Phase:     Paused: stage rest waits for ApprovalRequest x",
		"Started:   2m ago",
		"canary  sh=Updated",
		"Analysis Succeeded",
		"rest    fra=Pending,hz=Pending",
		"Approval Running",
		"hz: waiting",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunHistory(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	printRunHistory(&out, []rolloutv1alpha1.StagedUpdateRun{pausedRun(now)}, now)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "RUN") || !strings.Contains(lines[1], "ab12") || !strings.Contains(lines[1], "Paused") {
		t.Fatalf("history:\n%s", out.String())
	}
}

func TestRolloutNeedsKindSlashName(t *testing.T) {
	code, out := run(t, "rollout", "status", "reviews")
	if code != 2 || !strings.Contains(out, "is not KIND/NAME") {
		t.Fatalf("exit %d, output %q", code, out)
	}
}
