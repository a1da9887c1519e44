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
