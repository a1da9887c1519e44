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

package execution_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// TestRestartRewritesNothingInTheMember restarts the controller-manager
// after it applied Works and counts the writes the member's API server
// receives for the propagated kinds: a restarted executor that re-applied
// unchanged manifests would send one apply per object, each accepted as a
// no-op that leaves no trace on the objects. It is not parallel: the count
// covers the whole member.
func TestRestartRewritesNothingInTheMember(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	m := memberClient(g, hangzhou)
	const ns, configMaps = "exec-restart", 20
	var works []*workv1alpha1.Work
	for i := range configMaps {
		works = append(works, newWork(hangzhou, fmt.Sprintf("restart-config-%02d", i), configMap(ns, fmt.Sprintf("config-%02d", i), "v1")))
	}
	works = append(works, newWork(hangzhou, "restart-web", configMap(ns, "web-config", "v1"), deployment(ns, "web", 2)))
	for _, w := range works {
		g.Expect(fleet.ControlPlane.Create(ctx, w)).To(Succeed())
	}
	t.Cleanup(func() {
		for _, w := range works {
			_ = fleet.ControlPlane.Delete(context.Background(), w)
		}
	})
	g.Eventually(func(g Gomega) {
		for _, w := range works {
			got := getWork(g, w)
			expectCondition(g, got, workv1alpha1.ConditionApplied, metav1.ConditionTrue, workv1alpha1.ReasonAppliedSuccessful)
			expectCondition(g, got, workv1alpha1.ConditionAvailable, metav1.ConditionTrue, workv1alpha1.ReasonAllHealthy)
		}
	}).WithTimeout(rolloutTimeout).Should(Succeed())

	before := memberWrites(g, m)
	g.Expect(fleet.StopControllerManager(ctx, "")).To(Succeed())
	g.Expect(fleet.StartControllerManager(ctx)).To(Succeed())
	waitUntilEveryWorkReconciled(g, ctx)
	after := memberWrites(g, m)
	t.Logf("member writes by resource and verb: before the restart %v, after %v", before, after)
	g.Expect(after).To(Equal(before), "member writes after the restart (by resource and verb)")

	for _, w := range works {
		for _, st := range getWork(g, w).Status.ManifestStatuses {
			g.Expect(st.AppliedDigest).NotTo(BeEmpty(), "%s %s has no applied digest", st.Identifier.Kind, st.Identifier.Name)
		}
	}
}

// writeVerbs are the API server's request verbs that change objects.
var writeVerbs = []string{"APPLY", "PATCH", "UPDATE", "POST", "DELETE", "DELETECOLLECTION"}

// memberWrites counts, by resource and verb, the requests the member's API
// server served that write ConfigMaps, Deployments or Namespaces (not
// their status: the member's own controllers report it).
func memberWrites(g Gomega, m kubernetes.Interface) map[string]float64 {
	raw, err := m.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	g.Expect(err).NotTo(HaveOccurred())
	families := parseMetrics(g, bytes.NewReader(raw))
	out := map[string]float64{}
	for _, s := range families["apiserver_request_total"].GetMetric() {
		l := labels(s)
		if l["subresource"] == "" && slices.Contains([]string{"configmaps", "deployments", "namespaces"}, l["resource"]) &&
			slices.Contains(writeVerbs, l["verb"]) {
			out[l["resource"]+" "+l["verb"]] += s.GetCounter().GetValue()
		}
	}
	return out
}

// waitUntilEveryWorkReconciled waits until the restarted controller-manager
// has reconciled every Work once. Its Work informer queues all of them
// before the first reconcile, so once it reconciled at least that many
// times with an empty queue and no reconcile running, each was handled.
func waitUntilEveryWorkReconciled(g Gomega, ctx context.Context) {
	all := &workv1alpha1.WorkList{}
	g.Expect(fleet.ControlPlane.List(ctx, all)).To(Succeed())
	executed := 0
	for _, w := range all.Items {
		if _, ok := workv1alpha1.ClusterForExecutionNamespace(w.Namespace); ok {
			executed++
		}
	}
	execution := map[string]string{"controller": "execution"}
	g.Eventually(func(g Gomega) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+controllerManagerMetrics+"/metrics", nil)
		g.Expect(err).NotTo(HaveOccurred())
		resp, err := http.DefaultClient.Do(req)
		g.Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		families := parseMetrics(g, resp.Body)
		g.Expect(sum(families["controller_runtime_reconcile_total"], execution)).To(BeNumerically(">=", executed))
		g.Expect(sum(families["workqueue_depth"], execution)).To(BeZero())
		g.Expect(sum(families["controller_runtime_active_workers"], execution)).To(BeZero())
	}).WithTimeout(rolloutTimeout).WithPolling(200 * time.Millisecond).Should(Succeed())
}

func parseMetrics(g Gomega, in io.Reader) map[string]*dto.MetricFamily {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(in)
	g.Expect(err).NotTo(HaveOccurred())
	return families
}

func labels(s *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range s.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// sum adds up the samples of a counter or gauge whose labels include want.
func sum(f *dto.MetricFamily, want map[string]string) float64 {
	total := 0.0
	for _, s := range f.GetMetric() {
		l := labels(s)
		match := true
		for k, v := range want {
			match = match && l[k] == v
		}
		if match {
			total += s.GetCounter().GetValue() + s.GetGauge().GetValue()
		}
	}
	return total
}
