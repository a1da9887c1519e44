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
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// The agent's pod metrics report is the agent's: the executor rewrites the
// manifest statuses on every apply and keeps the report of each object as
// it read it.
func TestApplyKeepsTheAgentsReport(t *testing.T) {
	work := &workv1alpha1.Work{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "w", Generation: 1}}
	work.Spec.Workload.Manifests = append(work.Spec.Workload.Manifests,
		manifest(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"n"},"data":{"k":"v"}}`),
		manifest(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"n"},"data":{"k":"v"}}`))
	member := fakeMember(t)
	first := applyWorkOnce(t, freshMemberClient(t, member), work, workv1alpha1.WorkStatus{})
	if len(first.ManifestStatuses) != 2 {
		t.Fatalf("first apply: %d manifest statuses, want 2", len(first.ManifestStatuses))
	}
	report := &workv1alpha1.PodMetricsSummary{CollectTime: metav1.NewTime(time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)),
		ReportInterval: metav1.Duration{Duration: 15 * time.Second}, Pods: 2, ReadyPods: 2}
	reported := *first.DeepCopy()
	reported.ManifestStatuses[1].PodMetrics = report

	// The second manifest moves first: the report follows its object.
	work.Spec.Workload.Manifests[0], work.Spec.Workload.Manifests[1] = work.Spec.Workload.Manifests[1], work.Spec.Workload.Manifests[0]
	work.Generation = 2
	again := applyWorkOnce(t, freshMemberClient(t, member), work, reported)
	for _, st := range again.ManifestStatuses {
		want := (*workv1alpha1.PodMetricsSummary)(nil)
		if st.Identifier.Name == "b" {
			want = report
		}
		if st.PodMetrics != want {
			t.Errorf("%s: report %+v after an apply; want %+v", st.Identifier.Name, st.PodMetrics, want)
		}
	}
}
