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
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"kurator.dev/kurator/internal/intelligent"
)

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
