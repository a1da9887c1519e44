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
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/kubeletsim"
	"kurator.dev/kurator/internal/metricsprovider"
)

// TestWeightsFollowTheReplicaSplit: base weights are the replica split, the
// Istio objects in every member carry them, the simulated load follows them
// (Q_i = Q_total × w_i / 100), and a new split moves them.
func TestWeightsFollowTheReplicaSplit(t *testing.T) {
	t.Parallel()
	const ns = "traffic-split"
	createNamespace(t, ns)
	apply(t, ns, reviewsApp(ns, 6, 4))
	expectWeights(t, ns, map[string]int32{"cluster-hangzhou": 60, "cluster-shanghai": 40}, 2*time.Minute)

	NewWithT(t).Eventually(func(g Gomega) {
		_, tp := weightsOf(g, ns)
		g.Expect(apimeta.IsStatusConditionTrue(tp.Status.Conditions, networkingv1alpha1.ConditionProgrammed)).To(BeTrue(), describe(tp))
		g.Expect(apimeta.IsStatusConditionTrue(tp.Status.Conditions, networkingv1alpha1.ConditionMetricsAvailable)).To(BeTrue(), describe(tp))
	}).WithTimeout(time.Minute).Should(Succeed())

	// The simulated load is routed by the weights in force.
	prom := prometheus(t)
	NewWithT(t).Eventually(func(g Gomega) {
		slis, err := metricsprovider.WorkloadSLIs(t.Context(), prom, metricsprovider.Workload{Namespace: ns, Name: "reviews"}, 20*time.Second, time.Now())
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(slis["cluster-hangzhou"].RPS).To(BeNumerically("~", 120, 8))
		g.Expect(slis["cluster-shanghai"].RPS).To(BeNumerically("~", 80, 8))
	}).WithTimeout(time.Minute).WithPolling(2 * time.Second).Should(Succeed())

	// The CLI explains the weights in force.
	kubeconfig := fleet.Layout().ClusterKubeconfig("kurator")
	out := kurator(t, "traffic", "get", "-n", ns, "--kubeconfig", kubeconfig)
	NewWithT(t).Expect(out).To(ContainSubstring("cluster-hangzhou=60,cluster-shanghai=40"))
	out = kurator(t, "traffic", "describe", "reviews", "-n", ns, "--kubeconfig", kubeconfig)
	NewWithT(t).Expect(out).To(And(ContainSubstring("Base weights: replica split"), MatchRegexp(`cluster-hangzhou\s+60\s+60\s+60\s+6\s+100%\s+100.00%`)))

	apply(t, ns, reviewsApp(ns, 1, 1))
	expectWeights(t, ns, map[string]int32{"cluster-hangzhou": 50, "cluster-shanghai": 50}, 2*time.Minute)
}

// TestFailingClusterDrainsAndReturnsInSteps: a release that fails half its
// requests in one cluster (an OverridePolicy, as a bad rollout there would)
// drains that cluster within 30 s of the fault being in force; fixed, it
// ramps back in at least three steps.
func TestFailingClusterDrainsAndReturnsInSteps(t *testing.T) {
	t.Parallel()
	const ns = "traffic-drain"
	createNamespace(t, ns)
	apply(t, ns, reviewsApp(ns, 1, 1))
	expectWeights(t, ns, map[string]int32{"cluster-hangzhou": 50, "cluster-shanghai": 50}, 2*time.Minute)

	apply(t, ns, `
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: bad-release}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: reviews}]
  overrideRules:
  - targetCluster: {clusterNames: [cluster-hangzhou]}
    overriders:
      plaintext:
      - {path: /spec/template/metadata/annotations, operator: add, value: {sim.kurator.dev/error-rate: "0.5"}}
`)
	// The pods fail once the member rolled out the overridden template.
	hangzhou, err := fleet.Member("cluster-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	NewWithT(t).Eventually(func(g Gomega) {
		pods, err := hangzhou.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{LabelSelector: labels.Set{"app": "reviews"}.String()})
		g.Expect(err).NotTo(HaveOccurred())
		failing := 0
		for _, p := range pods.Items {
			if p.Annotations[kubeletsim.ErrorRateAnnotation] == "0.5" && p.Status.Phase == corev1.PodRunning {
				failing++
			}
		}
		g.Expect(failing).To(BeNumerically(">=", 5))
	}).WithTimeout(time.Minute).WithPolling(500 * time.Millisecond).Should(Succeed())
	inForce := time.Now()

	// Drained within 30 s of the breach.
	NewWithT(t).Eventually(func(g Gomega) {
		w, tp := weightsOf(g, ns)
		g.Expect(w["cluster-hangzhou"]).To(BeZero(), describe(tp))
		g.Expect(w["cluster-shanghai"]).To(Equal(int32(100)))
	}).WithTimeout(30 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())
	t.Logf("cluster-hangzhou drained %.1fs after its failing pods served", time.Since(inForce).Seconds())
	expectWeights(t, ns, map[string]int32{"cluster-hangzhou": 0, "cluster-shanghai": 100}, 10*time.Second)

	// Fixed: it comes back in steps.
	if err := fleet.ControlPlane.Delete(t.Context(), &policyv1alpha1.OverridePolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "bad-release"}}); err != nil {
		t.Fatal(err)
	}
	seen := map[int32]bool{}
	NewWithT(t).Eventually(func(g Gomega) {
		w, tp := weightsOf(g, ns)
		seen[w["cluster-hangzhou"]] = true
		g.Expect(w["cluster-hangzhou"]).To(Equal(int32(50)), describe(tp))
	}).WithTimeout(3 * time.Minute).WithPolling(250 * time.Millisecond).Should(Succeed())
	steps := 0
	for w := range seen {
		if w > 0 && w < 50 {
			steps++
		}
	}
	if steps < 2 {
		t.Errorf("cluster-hangzhou returned through weights %v; want at least two steps before 50", seen)
	}
}

// TestSubThresholdFaultMovesNothing: one of five endpoints failing in a
// cluster is ejected by outlier detection (as Envoy would) and the cluster's
// success rate stays within its objective: weights stay put for 2 minutes.
func TestSubThresholdFaultMovesNothing(t *testing.T) {
	t.Parallel()
	const ns = "traffic-steady"
	createNamespace(t, ns)
	apply(t, ns, reviewsApp(ns, 1, 1))
	expectWeights(t, ns, map[string]int32{"cluster-hangzhou": 50, "cluster-shanghai": 50}, 2*time.Minute)
	_, before := weightsOf(NewWithT(t), ns)

	hangzhou, err := fleet.Member("cluster-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	pods, err := hangzhou.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{LabelSelector: "app=reviews"})
	if err != nil || len(pods.Items) != 5 {
		t.Fatalf("want 5 pods in cluster-hangzhou, got %d (%v)", len(pods.Items), err)
	}
	p := &pods.Items[0]
	patch := client.MergeFrom(p.DeepCopy())
	p.Annotations = map[string]string{kubeletsim.ErrorRateAnnotation: "1"}
	c, err := clientForMember("cluster-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Patch(t.Context(), p, patch); err != nil {
		t.Fatal(err)
	}
	NewWithT(t).Consistently(func(g Gomega) {
		w, tp := weightsOf(g, ns)
		g.Expect(w).To(Equal(map[string]int32{"cluster-hangzhou": 50, "cluster-shanghai": 50}), describe(tp))
		g.Expect(tp.Status.LastChangeTime).To(Equal(before.Status.LastChangeTime))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
}

// TestPrometheusDownKeepsWeights: without metrics the policy says so in a
// condition and keeps the weights in force; the controller does not crash.
func TestPrometheusDownKeepsWeights(t *testing.T) {
	const ns = "traffic-nometrics"
	createNamespace(t, ns)
	apply(t, ns, reviewsApp(ns, 6, 4))
	expectWeights(t, ns, map[string]int32{"cluster-hangzhou": 60, "cluster-shanghai": 40}, 2*time.Minute)

	if err := fleet.StopPrometheus(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := fleet.StartPrometheus(context.Background()); err != nil {
			t.Error(err)
		}
	}()
	NewWithT(t).Eventually(func(g Gomega) {
		_, tp := weightsOf(g, ns)
		c := apimeta.FindStatusCondition(tp.Status.Conditions, networkingv1alpha1.ConditionMetricsAvailable)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(c.Reason).To(Equal(networkingv1alpha1.ReasonMetricsUnavailable))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())
	NewWithT(t).Consistently(func(g Gomega) {
		w, tp := weightsOf(g, ns)
		g.Expect(w).To(Equal(map[string]int32{"cluster-hangzhou": 60, "cluster-shanghai": 40}), describe(tp))
	}).WithTimeout(20 * time.Second).WithPolling(time.Second).Should(Succeed())
}
