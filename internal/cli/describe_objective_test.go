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
	"regexp"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/intelligent"
)

func TestDescribeShowsTheObjective(t *testing.T) {
	now := time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)
	since := metav1.NewTime(now.Add(-90 * time.Second))
	b := &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "app-deployment", Namespace: "default", Annotations: map[string]string{
			intelligent.ObjectiveAnnotation: intelligent.Encode(intelligent.Objective{Scheduler: "ai-powered-scheduling", Cost: 1, Performance: 1, Carbon: 1, MinSuccessRate: 99.9}),
			intelligent.OptimizationAnnotation: intelligent.Encode(intelligent.OptimizationState{
				Reason: "over budget: 2 more replicas held back. the optimum would save 4.0%, below the 10% threshold: placement stays", ScaleUpBlockedAt: &since,
				Agnostic: map[string]int32{"spot": 2, "ondemand": 2},
			}),
		}},
		Spec: workv1alpha2.ResourceBindingSpec{Replicas: 4, Clusters: []workv1alpha2.TargetCluster{{Name: "spot", Replicas: 4}}},
		Status: workv1alpha2.ResourceBindingStatus{SchedulingExplanation: &workv1alpha2.SchedulingExplanation{Candidates: []workv1alpha2.ClusterExplanation{
			{Name: "ondemand", Feasible: true, Objective: &workv1alpha2.ObjectiveEvaluation{USDPerReplicaHour: "0.0032", GramsPerReplicaHour: "0.1", SuccessRate: "99.95", Score: 40}},
			{Name: "spot", Feasible: true, AssignedReplicas: 4, Objective: &workv1alpha2.ObjectiveEvaluation{USDPerReplicaHour: "0.0008", GramsPerReplicaHour: "0.2", Score: 75}},
		}}},
	}
	var out bytes.Buffer
	describeBinding(&out, b, nil, now)
	for _, want := range []string{
		"Objective:    IntelligentScheduler ai-powered-scheduling (cost 1, performance 1, carbon 1; SLO 99.9%)",
		"Placement:  over budget: 2 more replicas held back.",
		"Budget:     over budget, scale-up held back for 1m30s",
		"Policy alone would place: ondemand:2, spot:2",
		"Preferred:  spot (score 75) over ondemand (score 40): cost per replica-hour 0.0008 against 0.0032",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
	// spot runs 4 replicas at 0.0008: 0.0032 USD/h and 0.8 g/h.
	if !regexpLine(out.String(), `spot\s+4\s+0.0032\s+0.8\s+-\s+75`) {
		t.Errorf("per-cluster figures:\n%s", out.String())
	}
}

func regexpLine(s, pattern string) bool {
	for _, line := range strings.Split(s, "\n") {
		if regexp.MustCompile(pattern).MatchString(line) {
			return true
		}
	}
	return false
}
