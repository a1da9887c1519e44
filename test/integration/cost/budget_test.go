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
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"

	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	"kurator.dev/kurator/internal/intelligent"
)

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
		g.Expect(total(g, ns, "budget-app")).To(Equal(int32(6)))
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
		g.Expect(total(g, ns, "budget-app")).To(Equal(int32(9)))
		g.Expect(apimeta.IsStatusConditionFalse(scheduler(g, "a-budget").Status.Conditions, schedulingv1alpha1.ConditionBudgetExceeded)).To(BeTrue())
		g.Expect(optimization(g, ns, "budget-app").ScaleUpBlockedAt).To(BeNil())
	}).WithTimeout(time.Minute).WithPolling(500 * time.Millisecond).Should(Succeed())
}
