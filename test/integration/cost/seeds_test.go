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

package cost_test

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"

	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	"kurator.dev/kurator/internal/controller/intelligentscheduler"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/metricsprovider"
	"kurator.dev/kurator/test/framework"
)

// TestSeedExamples11And13 applies examples 11 and 13 unchanged. Example
// 11's own weights stand (80:20) under its cost-weight annotation; the same
// annotation on a policy without weights divides by inverse price.
// Example 13 governs the fleet's other workloads: a divided one goes to the
// cheapest cluster, status reports the spend against the budget, and the
// forecast says plainly which algorithm served the model it names.
func TestSeedExamples11And13(t *testing.T) {
	g := NewWithT(t)
	ns := "seed-cost"
	createNamespace(t, ns)
	backfillSpend(t, "ai-powered-scheduling")
	setPrices(t, map[string]string{"spot-cluster": "0.008", "ondemand-cluster": "0.032"})

	apply(t, ns, framework.SimulatedWorkload("cost-sensitive-app", 10, ""))
	g.Expect(framework.ApplySeed(t.Context(), fleet.ControlPlane, "11-cost-optimization.yaml", ns)).To(Succeed())
	apply(t, ns, framework.SimulatedWorkload("inverse-app", 10, "")+`---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata:
  name: inverse-app
  annotations: {scheduling.karmada.io/cost-weight: "true"}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: inverse-app}]
  placement:
    clusterAffinity: {clusterNames: [spot-cluster, ondemand-cluster]}
    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}
`)
	g.Eventually(func(g Gomega) {
		g.Expect(split(g, ns, "cost-sensitive-app")).To(Equal(map[string]int32{"spot-cluster": 8, "ondemand-cluster": 2}))
		expl := binding(g, ns, "cost-sensitive-app").Status.SchedulingExplanation
		g.Expect(expl).NotTo(BeNil())
		g.Expect(expl.Division).To(ContainSubstring("own weights stand"))
		// 0.032 is four times 0.008: weights 1000 and 250.
		g.Expect(split(g, ns, "inverse-app")).To(Equal(map[string]int32{"spot-cluster": 8, "ondemand-cluster": 2}))
		g.Expect(explanation(g, ns, "inverse-app").Division).To(ContainSubstring("inverse to each cluster's price"))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())

	g.Expect(framework.ApplySeed(t.Context(), fleet.ControlPlane, "13-intelligent-scheduler.yaml", "")).To(Succeed())
	apply(t, ns, dividedApp("governed-app", 4, ""))
	g.Eventually(func(g Gomega) {
		g.Expect(split(g, ns, "governed-app")).To(Equal(map[string]int32{"spot-cluster": 4}))
		o, ok := intelligent.ReadObjective(binding(g, ns, "governed-app").Annotations)
		g.Expect(ok).To(BeTrue())
		g.Expect(o.Scheduler).To(Equal("ai-powered-scheduling"))
		g.Expect(o.MinSuccessRate).To(Equal(99.9))
		var spot *float64
		for _, c := range explanation(g, ns, "governed-app").Candidates {
			if c.Name == "spot-cluster" && c.Objective != nil {
				v := 0.0
				_, err := fmt.Sscan(c.Objective.USDPerReplicaHour, &v)
				g.Expect(err).NotTo(HaveOccurred())
				spot = &v
			}
		}
		g.Expect(spot).NotTo(BeNil(), "the explanation prices the spot cluster")
		g.Expect(*spot).To(BeNumerically("~", 0.0008, 1e-9), "100m at 0.008 USD per vCPU-hour")

		s := scheduler(g, "ai-powered-scheduling")
		g.Expect(apimeta.IsStatusConditionTrue(s.Status.Conditions, schedulingv1alpha1.ConditionReady)).To(BeTrue(), "%+v", s.Status.Conditions)
		g.Expect(apimeta.IsStatusConditionFalse(s.Status.Conditions, schedulingv1alpha1.ConditionBudgetExceeded)).To(BeTrue(), "%+v", s.Status.Conditions)
		g.Expect(s.Status.Workloads).To(BeNumerically(">=", 3))
		g.Expect(s.Status.Spend).NotTo(BeNil())
		g.Expect(s.Status.Spend.BudgetPerDay).To(Equal("1000.00"))
		g.Expect(s.Status.Carbon).NotTo(BeNil())
		g.Expect(s.Status.Carbon.Method).To(ContainSubstring("location-based"))
		p := s.Status.Prediction
		g.Expect(p).NotTo(BeNil())
		g.Expect(p.RequestedModel).To(Equal("transformer-time-series"))
		g.Expect(p.Algorithm).To(Equal("Seasonal"))
		g.Expect(p.Message).To(ContainSubstring(`model "transformer-time-series" is not implemented in Kurator`))
		g.Expect(p.ProjectedPerDay).NotTo(BeEmpty(), p.Message)
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	// The live spend reaches Prometheus, which scrapes the controller-
	// manager: the history the forecast reads grows by itself.
	s, err := fleet.State()
	g.Expect(err).NotTo(HaveOccurred())
	prom, err := metricsprovider.NewPrometheus(s.Prometheus.URL())
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func(g Gomega) {
		samples, err := prom.Query(t.Context(), intelligentscheduler.SpendSeries("ai-powered-scheduling"), time.Now())
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(samples).To(HaveLen(1))
		g.Expect(samples[0].Value).To(BeNumerically(">", 0))
	}).WithTimeout(time.Minute).WithPolling(2 * time.Second).Should(Succeed())
	// The history swings daily between 1 and 3 USD/h: a day's forecast is
	// about 48 USD.
	projected := 0.0
	_, err = fmt.Sscan(scheduler(g, "ai-powered-scheduling").Status.Prediction.ProjectedPerDay, &projected)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(projected).To(BeNumerically("~", 48, 6))
}

// backfillSpend writes two days of a scheduler's spend history (swinging
// daily between 1 and 3 USD/h, up to three hours ago, clear of Prometheus'
// head block) into blocks Prometheus loads when it restarts.
func backfillSpend(t *testing.T, scheduler string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# HELP kurator_intelligentscheduler_spend_usd_per_hour Synthetic spend.\n# TYPE kurator_intelligentscheduler_spend_usd_per_hour gauge\n")
	end := time.Now().Add(-3 * time.Hour).Truncate(5 * time.Minute)
	for at := end.Add(-48 * time.Hour); !at.After(end); at = at.Add(5 * time.Minute) {
		v := 2 + math.Cos(float64(at.Unix())/86400*2*math.Pi)
		fmt.Fprintf(&b, "kurator_intelligentscheduler_spend_usd_per_hour{scheduler=%q} %.4f %d\n", scheduler, v, at.Unix())
	}
	b.WriteString("# EOF\n")
	file := filepath.Join(t.TempDir(), "spend.om")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := fleet.StopPrometheus(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("promtool", "tsdb", "create-blocks-from", "openmetrics", file, fleet.Layout().PrometheusDataDir()).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool: %v\n%s", err, out)
	}
	if err := fleet.StartPrometheus(t.Context()); err != nil {
		t.Fatal(err)
	}
}
