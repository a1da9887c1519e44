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
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	eventsv1 "k8s.io/api/events/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/cli"
	"kurator.dev/kurator/internal/controller/intelligentscheduler"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/metricsprovider"
	"kurator.dev/kurator/test/framework"
)

func scheduler(g Gomega, name string) *schedulingv1alpha1.IntelligentScheduler {
	s := &schedulingv1alpha1.IntelligentScheduler{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Name: name}, s)).To(Succeed())
	return s
}

func optimization(g Gomega, ns, name string) intelligent.OptimizationState {
	return intelligent.ReadOptimization(binding(g, ns, name).Annotations)
}

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

// TestPriceChangeMovesGradually: a saving below the threshold moves
// nothing; one past it that lasts moves the replicas a quarter at a time;
// a reversal within the cooldown moves nothing.
func TestPriceChangeMovesGradually(t *testing.T) {
	g := NewWithT(t)
	ns := "price-moves"
	createNamespace(t, ns)
	setPrices(t, map[string]string{"spot-cluster": "0.010", "ondemand-cluster": "0.020"})
	apply(t, "", `
apiVersion: scheduling.kurator.dev/v1alpha1
kind: IntelligentScheduler
metadata: {name: a-price-moves}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, namespace: price-moves, name: price-app}]
  optimization:
    objective: [cost]
    stability: {minSavingPercent: 10, sustainFor: 6s, cooldown: 10m, maxMovePercent: 25, stepInterval: 4s}
`)
	apply(t, ns, dividedApp("price-app", 4, ""))
	g.Eventually(func(g Gomega) {
		g.Expect(split(g, ns, "price-app")).To(Equal(map[string]int32{"spot-cluster": 4}))
		o, ok := intelligent.ReadObjective(binding(g, ns, "price-app").Annotations)
		g.Expect(ok).To(BeTrue())
		g.Expect(o.Scheduler).To(Equal("a-price-moves"))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())

	// On-demand 4% cheaper: below the threshold, nothing moves.
	setPrices(t, map[string]string{"ondemand-cluster": "0.0096"})
	g.Eventually(func(g Gomega) {
		st := optimization(g, ns, "price-app")
		g.Expect(st.Reason).To(ContainSubstring("below the 10% threshold"))
		g.Expect(st.SavingPercent).To(BeNumerically("~", 4, 0.2))
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).Should(Succeed())
	g.Expect(split(g, ns, "price-app")).To(Equal(map[string]int32{"spot-cluster": 4}))

	// Spot now 56% dearer than on-demand: after 6 s, a replica every 4 s.
	setPrices(t, map[string]string{"spot-cluster": "0.015"})
	var history []map[string]int32
	var firstSeen time.Time
	g.Eventually(func(g Gomega) {
		s := split(g, ns, "price-app")
		if len(history) == 0 || !equalSplit(history[len(history)-1], s) {
			history = append(history, s)
		}
		if st := optimization(g, ns, "price-app"); firstSeen.IsZero() && st.SavingSince != nil {
			firstSeen = st.SavingSince.Time
		}
		g.Expect(s).To(Equal(map[string]int32{"ondemand-cluster": 4}))
	}).WithTimeout(2 * time.Minute).WithPolling(100 * time.Millisecond).Should(Succeed())
	g.Expect(len(history)).To(BeNumerically(">=", 4), "moved in steps: %v", history)
	for i := 1; i < len(history); i++ {
		g.Expect(history[i]["ondemand-cluster"]-history[i-1]["ondemand-cluster"]).To(BeNumerically("<=", 1), "a quarter of 4 per step: %v", history)
	}
	g.Expect(firstSeen.IsZero()).To(BeFalse())
	rb := binding(g, ns, "price-app")
	g.Expect(rb.Status.LastScheduledTime.Sub(firstSeen)).To(BeNumerically(">=", 6*time.Second+3*4*time.Second-time.Second),
		"the saving lasted 6 s, then three steps 4 s apart")

	// The prices swap back within the cooldown: nothing moves.
	setPrices(t, map[string]string{"spot-cluster": "0.0096", "ondemand-cluster": "0.015"})
	g.Eventually(func(g Gomega) {
		g.Expect(optimization(g, ns, "price-app").Reason).To(ContainSubstring("cooldown 10m0s"))
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).Should(Succeed())
	g.Expect(split(g, ns, "price-app")).To(Equal(map[string]int32{"ondemand-cluster": 4}))
}

func equalSplit(a, b map[string]int32) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestBudgetExceededBlocksScaleUp: over its budget a scheduler says so, and
// its workloads do not grow until the budget allows it again.
func TestBudgetExceededBlocksScaleUp(t *testing.T) {
	g := NewWithT(t)
	ns := "budget"
	createNamespace(t, ns)
	setPrices(t, map[string]string{"spot-cluster": "0.01", "ondemand-cluster": "0.01"})
	// 100m at 0.01 USD per vCPU-hour is 0.001 USD/h a replica: six
	// replicas spend 0.006 USD/h against 0.0045.
	apply(t, "", `
apiVersion: scheduling.kurator.dev/v1alpha1
kind: IntelligentScheduler
metadata: {name: a-budget}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, namespace: budget, name: budget-app}]
  optimization:
    objective: [cost]
    constraints: {maxCost: 0.0045 USD/hour}
`)
	apply(t, ns, dividedApp("budget-app", 6, ""))
	g.Eventually(func(g Gomega) {
		s := scheduler(g, "a-budget")
		c := apimeta.FindStatusCondition(s.Status.Conditions, schedulingv1alpha1.ConditionBudgetExceeded)
		g.Expect(c).NotTo(BeNil())
		g.Expect(string(c.Status)).To(Equal("True"), c.Message)
		g.Expect(c.Message).To(ContainSubstring("0.14 USD/day of 0.0045 USD/hour"))
		g.Expect(s.Status.Spend.PerHour).To(Equal("0.01"))
		g.Expect(*s.Status.Spend.BudgetUsedPercent).To(Equal(int32(133)))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())
	// The CLI reports the same from the live control plane.
	code, out := kurator(t, "cost", "-n", ns, "-o", "json")
	g.Expect(code).To(Equal(0), out)
	var report struct {
		Workloads []struct {
			Name      string  `json:"name"`
			USDPerDay float64 `json:"usdPerDay"`
			Scheduler string  `json:"scheduler"`
		} `json:"workloads"`
		Schedulers []struct {
			Name   string `json:"name"`
			Budget *struct {
				UsedPercent *float64 `json:"usedPercent"`
				Over        bool     `json:"over"`
			} `json:"budget"`
		} `json:"schedulers"`
	}
	g.Expect(json.Unmarshal([]byte(out), &report)).To(Succeed(), out)
	g.Expect(report.Workloads).To(HaveLen(1), out)
	g.Expect(report.Workloads[0].Name).To(Equal("budget-app"))
	g.Expect(report.Workloads[0].Scheduler).To(Equal("a-budget"))
	g.Expect(report.Workloads[0].USDPerDay).To(BeNumerically("~", 0.144, 1e-6), "6 x 100m x 0.01 USD x 24 h")
	var budget *struct {
		UsedPercent *float64 `json:"usedPercent"`
		Over        bool     `json:"over"`
	}
	for _, s := range report.Schedulers {
		if s.Name == "a-budget" {
			budget = s.Budget
		}
	}
	g.Expect(budget).NotTo(BeNil(), out)
	g.Expect(budget.Over).To(BeTrue(), out)
	code, out = kurator(t, "get", "clusters", "-o", "wide")
	g.Expect(code).To(Equal(0), out)
	g.Expect(out).To(MatchRegexp(`spot-cluster\s.*\s0\.01\s+0\.004\s`), out)

	scale(t, ns, "budget-app", 9)
	g.Eventually(func(g Gomega) {
		rb := binding(g, ns, "budget-app")
		g.Expect(rb.Spec.Replicas).To(Equal(int32(9)))
		st := intelligent.ReadOptimization(rb.Annotations)
		g.Expect(st.ScaleUpBlockedAt).NotTo(BeNil())
		g.Expect(st.Reason).To(ContainSubstring("over budget: 3 more replicas held back"))
		var sum int32
		for _, n := range split(g, ns, "budget-app") {
			sum += n
		}
		g.Expect(sum).To(Equal(int32(6)))
	}).WithTimeout(time.Minute).WithPolling(500 * time.Millisecond).Should(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(eventNotes(g, ns, "budget-app-deployment")).To(ContainElement(ContainSubstring("Scale-up of 3 replicas blocked: IntelligentScheduler a-budget is over its budget")))
	}).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Succeed())

	apply(t, "", `
apiVersion: scheduling.kurator.dev/v1alpha1
kind: IntelligentScheduler
metadata: {name: a-budget}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, namespace: budget, name: budget-app}]
  optimization:
    objective: [cost]
    constraints: {maxCost: 1 USD/hour}
`)
	g.Eventually(func(g Gomega) {
		var sum int32
		for _, n := range split(g, ns, "budget-app") {
			sum += n
		}
		g.Expect(sum).To(Equal(int32(9)))
		g.Expect(apimeta.IsStatusConditionFalse(scheduler(g, "a-budget").Status.Conditions, schedulingv1alpha1.ConditionBudgetExceeded)).To(BeTrue())
		g.Expect(optimization(g, ns, "budget-app").ScaleUpBlockedAt).To(BeNil())
	}).WithTimeout(time.Minute).WithPolling(500 * time.Millisecond).Should(Succeed())
}

// TestCheapClusterBelowSLOIsNeverChosen: once the cheap cluster's copy
// answers 2% of its requests with errors (simulated), it keeps what it runs
// and gets nothing more, however cheap it gets.
func TestCheapClusterBelowSLOIsNeverChosen(t *testing.T) {
	g := NewWithT(t)
	ns := "slo"
	createNamespace(t, ns)
	setPrices(t, map[string]string{"spot-cluster": "0.005", "ondemand-cluster": "0.02"})
	apply(t, "", `
apiVersion: scheduling.kurator.dev/v1alpha1
kind: IntelligentScheduler
metadata: {name: a-slo}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, namespace: slo, name: slo-app}]
  optimization:
    objective: [cost, performance]
    constraints: {minPerformance: 99.9% SLO, sliWindow: 30s}
`)
	apply(t, ns, dividedApp("slo-app", 2, "40")+`---
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: flaky-spot}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: slo-app}]
  overrideRules:
  - targetCluster: {clusterNames: [spot-cluster]}
    overriders:
      plaintext:
      - {path: /spec/template/metadata/annotations/sim.kurator.dev~1error-rate, operator: add, value: "0.02"}
`)
	g.Eventually(func(g Gomega) {
		g.Expect(split(g, ns, "slo-app")).To(Equal(map[string]int32{"spot-cluster": 2}))
		s := scheduler(g, "a-slo")
		g.Expect(s.Status.ClustersBelowSLO).To(ConsistOf("spot-cluster"), "%+v", s.Status.Conditions)
		o, _ := intelligent.ReadObjective(binding(g, ns, "slo-app").Annotations)
		g.Expect(o.SuccessRate["spot-cluster"]).To(BeNumerically("<", 99.9))
	}).WithTimeout(3 * time.Minute).WithPolling(time.Second).Should(Succeed())

	scale(t, ns, "slo-app", 6)
	setPrices(t, map[string]string{"spot-cluster": "0.001"})
	maxSpot := int32(0)
	g.Eventually(func(g Gomega) {
		s := split(g, ns, "slo-app")
		maxSpot = max(maxSpot, s["spot-cluster"])
		g.Expect(s).To(Equal(map[string]int32{"spot-cluster": 2, "ondemand-cluster": 4}))
		for _, c := range explanation(g, ns, "slo-app").Candidates {
			if c.Name == "spot-cluster" {
				g.Expect(c.Objective).NotTo(BeNil())
				g.Expect(c.Objective.BelowSLO).To(BeTrue())
			}
		}
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).Should(Succeed())
	g.Expect(maxSpot).To(Equal(int32(2)), "the cluster below its SLO never got more replicas")
}

// eventNotes lists the notes of the events about a binding.
func eventNotes(g Gomega, ns, name string) []string {
	list := &eventsv1.EventList{}
	g.Expect(fleet.ControlPlane.List(context.Background(), list, client.InNamespace(ns))).To(Succeed())
	var out []string
	for _, e := range list.Items {
		if e.Regarding.Kind == "ResourceBinding" && e.Regarding.Name == name {
			out = append(out, e.Note)
		}
	}
	return out
}

// scale sets a Deployment template's replicas.
func scale(t *testing.T, ns, name string, replicas int) {
	t.Helper()
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	body := fmt.Sprintf(`{"spec":{"replicas":%d}}`, replicas)
	if err := fleet.ControlPlane.Patch(t.Context(), d, client.RawPatch(types.MergePatchType, []byte(body))); err != nil {
		t.Fatal(err)
	}
}

func explanation(g Gomega, ns, name string) *workv1alpha2.SchedulingExplanation {
	e := binding(g, ns, name).Status.SchedulingExplanation
	g.Expect(e).NotTo(BeNil(), "%s has no explanation yet", name)
	return e
}

// kurator runs the CLI against the fleet's control plane.
func kurator(t *testing.T, args ...string) (int, string) {
	t.Helper()
	out := &bytes.Buffer{}
	code := cli.ExecuteContext(t.Context(), "kurator", append(args, "--kubeconfig", fleet.Layout().Kubeconfig(), "--context", "kurator"),
		genericiooptions.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: out})
	return code, out.String()
}
