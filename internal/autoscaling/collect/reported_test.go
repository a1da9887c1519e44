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

package collect

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/scheme"
)

// reportWork is the Work of Deployment shop/web in cluster's execution
// namespace, its manifest status carrying report.
func reportWork(cluster string, report *workv1alpha1.PodMetricsSummary) *workv1alpha1.Work {
	return &workv1alpha1.Work{
		ObjectMeta: metav1.ObjectMeta{Namespace: workv1alpha1.ExecutionNamespace(cluster), Name: "web-abc12", Labels: map[string]string{
			workv1alpha1.BindingNamespaceLabel: "shop", workv1alpha1.BindingNameLabel: "web-deployment"}},
		Status: workv1alpha1.WorkStatus{ManifestStatuses: []workv1alpha1.ManifestStatus{{
			Identifier: workv1alpha1.ResourceIdentifier{Group: "apps", Version: "v1", Kind: "Deployment", Resource: "deployments", Namespace: "shop", Name: "web"},
			PodMetrics: report,
		}}},
	}
}

func pullCluster(name string) *karmadaclusterv1alpha1.Cluster {
	return &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: karmadaclusterv1alpha1.ClusterSpec{SyncMode: karmadaclusterv1alpha1.Pull}}
}

// A pull member answers with its agent's last report while it is younger
// than three report intervals, whether or not the member is Ready (a lost
// heartbeat does not make the pods' report wrong), and is stale after,
// saying how old the report is.
func TestPullMemberAnswersWithItsAgentsReport(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	collected := now.Add(-20 * time.Second)
	report := Summarize(joined(podsOf(3, true, 80, 100), podsOf(1, false, -1, 100)), collected, 15*time.Second)
	works := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(
		reportWork("edge-fresh", report),
		reportWork("edge-old", Summarize(podsOf(2, true, 10, 100), now.Add(-47*time.Second), 15*time.Second)),
		reportWork("edge-silent", nil),
	).Build()
	clk := clocktesting.NewFakePassiveClock(now)
	c := &Collector{Works: works, Clock: clk}
	w := Workload{Namespace: "shop", Selector: labels.Everything(), Group: "apps", Kind: "Deployment", Name: "web"}
	got := c.Collect(context.Background(), w, []*karmadaclusterv1alpha1.Cluster{
		pullCluster("edge-fresh"), pullCluster("edge-old"), pullCluster("edge-silent"), pullCluster("edge-unknown"),
	})

	fresh := got[0]
	if fresh.Stale || fresh.Summary == nil || !fresh.CollectedAt.Equal(collected) {
		t.Fatalf("a 20s old report of a 15s interval: stale %v (%v), collected at %s", fresh.Stale, fresh.Err, fresh.CollectedAt)
	}
	if n, ready := fresh.Counts(); n != 4 || ready != 3 {
		t.Errorf("fresh report counts %d pods, %d ready; want 4 and 3", n, ready)
	}
	old := got[1]
	if !old.Stale || old.Err == nil || !strings.Contains(old.Err.Error(), "the agent's last report is 47s old") {
		t.Errorf("a 47s old report: stale %v, %v", old.Stale, old.Err)
	}
	for _, a := range got[2:] {
		if !a.Stale || !errors.Is(a.Err, ErrNoReport) {
			t.Errorf("%s without a report: stale %v, %v", a.Name, a.Stale, a.Err)
		}
	}

	// The same report once three intervals have passed.
	clk.SetTime(collected.Add(46 * time.Second))
	if a := c.Collect(context.Background(), w, []*karmadaclusterv1alpha1.Cluster{pullCluster("edge-fresh")})[0]; !a.Stale {
		t.Errorf("a 46s old report of a 15s interval is not stale")
	}
	// Another template of the namespace has no report.
	other := w
	other.Name = "api"
	if a := c.Collect(context.Background(), other, []*karmadaclusterv1alpha1.Cluster{pullCluster("edge-fresh")})[0]; !errors.Is(a.Err, ErrNoReport) {
		t.Errorf("another workload's report was taken: %v", a.Err)
	}
}
