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

package traffic_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"kurator.dev/kurator/internal/metricsprovider"
)

// TestCanarySubsetsKeepTheUsersSplit is the seed's canary (example 07) as a
// TrafficPolicy: v1 runs in hangzhou and shanghai, v2 only in shanghai, and
// the user's 90/10 between versions is kept while each version's share is
// split across the clusters that run it.
func TestCanarySubsetsKeepTheUsersSplit(t *testing.T) {
	t.Parallel()
	const ns = "traffic-canary"
	createNamespace(t, ns)
	apply(t, ns, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1}
spec:
  replicas: 4
  selector: {matchLabels: {app: reviews, version: v1}}
  template:
    metadata: {labels: {app: reviews, version: v1}}
    spec: {containers: [{name: app, image: reviews:v1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v2}
spec:
  replicas: 2
  selector: {matchLabels: {app: reviews, version: v2}}
  template:
    metadata: {labels: {app: reviews, version: v2}}
    spec: {containers: [{name: app, image: reviews:v2}]}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, annotations: {sim.kurator.dev/rps: "200"}}
spec: {selector: {app: reviews}, ports: [{port: 80}]}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: reviews-v1}
spec:
  resourceSelectors:
  - {apiVersion: apps/v1, kind: Deployment, name: reviews-v1}
  - {apiVersion: v1, kind: Service, name: reviews}
  placement:
    clusterAffinity: {clusterNames: [cluster-hangzhou, cluster-shanghai]}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Weighted
      weightPreference:
        staticWeightList:
        - {targetCluster: {clusterNames: [cluster-hangzhou]}, weight: 1}
        - {targetCluster: {clusterNames: [cluster-shanghai]}, weight: 1}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: reviews-canary}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: reviews-v2}]
  placement:
    clusterAffinity: {clusterNames: [cluster-shanghai]}
    spreadConstraints: [{maxGroups: 1, minGroups: 1}]
---
apiVersion: networking.kurator.dev/v1alpha1
kind: TrafficPolicy
metadata: {name: reviews}
spec:
  host: reviews.traffic-canary.svc.cluster.local
  subsets:
  - {name: v1, labels: {version: v1}, weight: 90, workloadRef: {apiVersion: apps/v1, kind: Deployment, name: reviews-v1}}
  - {name: v2, labels: {version: v2}, weight: 10, workloadRef: {apiVersion: apps/v1, kind: Deployment, name: reviews-v2}}
  slo: {minSuccessRate: "99", interval: 5s}
  guards: {cooldown: 5s}
`)
	want := map[string]int64{"v1-cluster-hangzhou": 45, "v1-cluster-shanghai": 45, "v2-cluster-shanghai": 10}
	NewWithT(t).Eventually(func(g Gomega) {
		_, tp := weightsOf(g, ns)
		got := map[string]int64{}
		for _, c := range tp.Status.Clusters {
			got[c.Subset+"-"+c.Name] = int64(c.RouteWeight)
		}
		g.Expect(got).To(Equal(want), describe(tp))
		for _, m := range members {
			g.Expect(memberWeights(g, m, ns)).To(Equal(want), "VirtualService in %s", m)
		}
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())

	// The load follows: a tenth of the requests reach v2, in shanghai.
	prom := prometheus(t)
	NewWithT(t).Eventually(func(g Gomega) {
		v2, err := metricsprovider.WorkloadSLIs(t.Context(), prom, metricsprovider.Workload{Namespace: ns, Name: "reviews-v2"}, 20*time.Second, time.Now())
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(v2).To(HaveLen(1))
		g.Expect(v2["cluster-shanghai"].RPS).To(BeNumerically("~", 20, 3))
		v1, err := metricsprovider.WorkloadSLIs(t.Context(), prom, metricsprovider.Workload{Namespace: ns, Name: "reviews-v1"}, 20*time.Second, time.Now())
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(v1["cluster-hangzhou"].RPS).To(BeNumerically("~", 90, 8))
		g.Expect(v1["cluster-shanghai"].RPS).To(BeNumerically("~", 90, 8))
	}).WithTimeout(time.Minute).WithPolling(2 * time.Second).Should(Succeed())
}

// TestNotReadyClusterDrainsAndReturns: a member that stops is drained within
// 30 s of going away; back, it ramps in again. Not parallel: it stops a member.
func TestNotReadyClusterDrainsAndReturns(t *testing.T) {
	const ns = "traffic-notready"
	createNamespace(t, ns)
	apply(t, ns, reviewsAppOn(ns, "cluster-hangzhou", 1, "cluster-frankfurt", 1))
	expectWeights(t, ns, map[string]int32{"cluster-hangzhou": 50, "cluster-frankfurt": 50}, 2*time.Minute)

	stopped := time.Now()
	if err := fleet.StopCluster("cluster-frankfurt"); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			_ = fleet.StartCluster(t.Context(), "cluster-frankfurt")
		}
	}()
	NewWithT(t).Eventually(func(g Gomega) {
		w, tp := weightsOf(g, ns)
		g.Expect(w["cluster-frankfurt"]).To(BeZero(), describe(tp))
		g.Expect(w["cluster-hangzhou"]).To(Equal(int32(100)), describe(tp))
		for _, m := range []string{"cluster-hangzhou", "cluster-shanghai"} {
			g.Expect(memberWeights(g, m, ns)).To(HaveKeyWithValue("cluster-hangzhou", int64(100)), "VirtualService in %s", m)
		}
	}).WithTimeout(30 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())
	t.Logf("cluster-frankfurt drained %.1fs after it was told to stop", time.Since(stopped).Seconds())

	if err := fleet.StartCluster(t.Context(), "cluster-frankfurt"); err != nil {
		t.Fatal(err)
	}
	restarted = true
	seen := map[int32]bool{}
	NewWithT(t).Eventually(func(g Gomega) {
		w, tp := weightsOf(g, ns)
		seen[w["cluster-frankfurt"]] = true
		g.Expect(w).To(Equal(map[string]int32{"cluster-hangzhou": 50, "cluster-frankfurt": 50}), describe(tp))
	}).WithTimeout(3 * time.Minute).WithPolling(250 * time.Millisecond).Should(Succeed())
	steps := 0
	for w := range seen {
		if w > 0 && w < 50 {
			steps++
		}
	}
	if steps < 2 {
		t.Errorf("cluster-frankfurt returned through weights %v; want at least two steps before 50", seen)
	}
	expectWeights(t, ns, map[string]int32{"cluster-hangzhou": 50, "cluster-frankfurt": 50}, time.Minute)
}
