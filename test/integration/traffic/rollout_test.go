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
	"fmt"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	"kurator.dev/kurator/test/framework/kubectl"
)

// stagedApp is reviews in every member, rolled out by a strategy: the
// canary stage (cluster-shanghai, provider huawei) with an Argo analysis of
// its success rate after it, then the rest behind an approval.
func stagedApp(image, annotations string) string {
	return stagedAppWith(image, annotations, "")
}

// stagedAppWith adds YAML to the canary stage (indented 4 spaces).
func stagedAppWith(image, annotations, canaryStage string) string {
	return fmt.Sprintf(`
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: success-rate}
spec:
  args:
  - name: namespace
  - name: workload
  - name: cluster-regex
  metrics:
  - name: success-rate
    interval: 5s
    count: 3
    successCondition: result[0] >= 0.99
    provider:
      prometheus:
        query: |
          sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="{{args.namespace}}",destination_workload="{{args.workload}}",cluster=~"{{args.cluster-regex}}",response_code!~"5.."}[20s]))
          /
          sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="{{args.namespace}}",destination_workload="{{args.workload}}",cluster=~"{{args.cluster-regex}}"}[20s]))
---
apiVersion: rollout.kurator.dev/v1alpha1
kind: StagedUpdateStrategy
metadata: {name: canary-first}
spec:
  progressDeadline: 2m
  stages:
  - name: canary
    labelSelector: {matchLabels: {provider: huawei}}
%s
    afterStageTasks:
    - type: Analysis
      analysis: {templates: [{templateName: success-rate}]}
  - name: rest
    beforeStageTasks: [{type: Approval}]
    afterStageTasks: [{type: TimedWait, waitTime: 5s}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews}
spec:
  replicas: 3
  selector: {matchLabels: {app: reviews}}
  template:
    metadata: {labels: {app: reviews}, annotations: {%s}}
    spec: {containers: [{name: app, image: %s}]}
---
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec: {selector: {app: reviews}, ports: [{port: 80}]}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: reviews}
spec:
  resourceSelectors:
  - {apiVersion: apps/v1, kind: Deployment, name: reviews}
  - {apiVersion: v1, kind: Service, name: reviews}
  placement:
    clusterAffinity: {clusterNames: [cluster-hangzhou, cluster-shanghai, cluster-frankfurt]}
  rolloutStrategy: {name: canary-first}
`, canaryStage, annotations, image)
}

// imageIn reads the image the member's Deployment runs, once fully rolled out.
func imageIn(g Gomega, member, ns string) string {
	m, err := fleet.Member(member)
	g.Expect(err).NotTo(HaveOccurred())
	d, err := m.AppsV1().Deployments(ns).Get(context.Background(), "reviews", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(d.Status.UpdatedReplicas).To(Equal(int32(3)), "%s: rolled out", member)
	g.Expect(d.Status.AvailableReplicas).To(Equal(int32(3)), "%s: available", member)
	return d.Spec.Template.Spec.Containers[0].Image
}

func images(g Gomega, ns string) map[string]string {
	out := map[string]string{}
	for _, m := range members {
		out[m] = imageIn(g, m, ns)
	}
	return out
}

// currentRun is the newest run of the namespace.
func currentRun(g Gomega, ns string) *rolloutv1alpha1.StagedUpdateRun {
	runs := &rolloutv1alpha1.StagedUpdateRunList{}
	g.Expect(fleet.ControlPlane.List(context.Background(), runs, client.InNamespace(ns))).To(Succeed())
	g.Expect(runs.Items).NotTo(BeEmpty(), "no run yet")
	newest := &runs.Items[0]
	for i := range runs.Items {
		if runs.Items[i].CreationTimestamp.After(newest.CreationTimestamp.Time) {
			newest = &runs.Items[i]
		}
	}
	return newest
}

func runSummary(run *rolloutv1alpha1.StagedUpdateRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "phase %s (%s); ", run.Status.Phase, run.Status.Message)
	for _, c := range run.Status.Clusters {
		fmt.Fprintf(&b, "%s=%s %s; ", c.Name, c.Phase, c.Message)
	}
	return b.String()
}

func startStaged(t *testing.T, ns string) {
	createNamespace(t, ns)
	apply(t, ns, stagedApp("reviews:v1", ""))
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(images(g, ns)).To(HaveEach("reviews:v1"))
	}).WithTimeout(2*time.Minute).WithPolling(time.Second).Should(Succeed(), "a first placement is not held")
}

// TestStagedRolloutPromotesStageByStage: v2 reaches the canary first, passes
// its analysis, waits for approval while the other clusters keep v1, then
// reaches them; an undo, and v2 once more, are staged rollouts of their own.
func TestStagedRolloutPromotesStageByStage(t *testing.T) {
	t.Parallel()
	const ns = "rollout-good"
	startStaged(t, ns)
	apply(t, ns, stagedApp("reviews:v2", ""))

	var run *rolloutv1alpha1.StagedUpdateRun
	NewWithT(t).Eventually(func(g Gomega) {
		run = currentRun(g, ns)
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhasePaused), runSummary(run))
		g.Expect(images(g, ns)).To(Equal(map[string]string{"cluster-shanghai": "reviews:v2", "cluster-hangzhou": "reviews:v1", "cluster-frankfurt": "reviews:v1"}))
	}).WithTimeout(3*time.Minute).WithPolling(time.Second).Should(Succeed(), "the canary is updated and analysed; the rest waits")
	canary := run.Status.Stages[0]
	NewWithT(t).Expect(canary.AfterStageTasks[0].Phase).To(Equal(rolloutv1alpha1.TaskSucceeded), "%+v", canary.AfterStageTasks)
	NewWithT(t).Expect(canary.AfterStageTasks[0].Analyses).To(HaveLen(2), "per cluster and fleet-wide")

	kubeconfig := fleet.Layout().ClusterKubeconfig("kurator")
	// The control plane's Deployment still says the fleet is rolling out.
	_, stderr, err := kubectl.Run(kubeconfig, "rollout", "status", "deploy/reviews", "-n", ns, "--timeout=3s")
	NewWithT(t).Expect(err).To(HaveOccurred(), "kubectl rollout status must wait for the held clusters: %s", stderr)
	out := kurator(t, "rollout", "status", "deploy/reviews", "-n", ns, "--kubeconfig", kubeconfig)
	NewWithT(t).Expect(out).To(And(ContainSubstring("Phase:     Paused: stage rest waits for ApprovalRequest"),
		MatchRegexp(`canary\s+cluster-shanghai=Updated\s+Analysis Succeeded`)))
	out = kurator(t, "rollout", "approve", "deploy/reviews", "-n", ns, "--kubeconfig", kubeconfig)
	NewWithT(t).Expect(out).To(ContainSubstring("approved (stage rest)"))

	// kubectl-like: status --watch follows the run to its end.
	out = kurator(t, "rollout", "status", "deploy/reviews", "-n", ns, "--watch", "--kubeconfig", kubeconfig)
	NewWithT(t).Expect(out).To(ContainSubstring("Phase:     Succeeded"))
	NewWithT(t).Eventually(func(g Gomega) {
		run = currentRun(g, ns)
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseSucceeded), runSummary(run))
		g.Expect(run.Status.Stages[1].AfterStageTasks[0].Message).To(Equal("waited 5s"))
		g.Expect(images(g, ns)).To(HaveEach("reviews:v2"))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())
	out = kurator(t, "rollout", "history", "deploy/reviews", "-n", ns, "--kubeconfig", kubeconfig)
	NewWithT(t).Expect(out).To(MatchRegexp(run.Name + `\s+` + run.Spec.Revision + `\s+Succeeded`))
	NewWithT(t).Eventually(func(g Gomega) {
		out, stderr, err := kubectl.Run(kubeconfig, "rollout", "status", "deploy/reviews", "-n", ns, "--timeout=5s")
		g.Expect(err).NotTo(HaveOccurred(), stderr)
		g.Expect(out).To(ContainSubstring("successfully rolled out"))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())

	// Undo goes back to v1, itself stage by stage.
	NewWithT(t).Expect(kurator(t, "rollout", "undo", "deploy/reviews", "-n", ns, "--kubeconfig", kubeconfig)).To(ContainSubstring("rolled back to revision 1"))
	NewWithT(t).Eventually(func(g Gomega) {
		undo := currentRun(g, ns)
		g.Expect(undo.Name).NotTo(Equal(run.Name))
		g.Expect(undo.Status.Phase).To(Equal(rolloutv1alpha1.RunPhasePaused), runSummary(undo))
		g.Expect(images(g, ns)).To(Equal(map[string]string{"cluster-shanghai": "reviews:v1", "cluster-hangzhou": "reviews:v2", "cluster-frankfurt": "reviews:v2"}))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	kurator(t, "rollout", "approve", "deploy/reviews", "-n", ns, "--kubeconfig", kubeconfig)
	var undo *rolloutv1alpha1.StagedUpdateRun
	NewWithT(t).Eventually(func(g Gomega) {
		undo = currentRun(g, ns)
		g.Expect(undo.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseSucceeded))
		g.Expect(images(g, ns)).To(HaveEach("reviews:v1"))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())

	// v2 again is a rollout of its own, stage by stage, not a replay of the
	// first v2 run that already succeeded.
	apply(t, ns, stagedApp("reviews:v2", ""))
	NewWithT(t).Eventually(func(g Gomega) {
		again := currentRun(g, ns)
		g.Expect(again.Name).NotTo(BeElementOf(run.Name, undo.Name))
		g.Expect(again.Spec.Revision).To(Equal(run.Spec.Revision))
		g.Expect(again.Status.Phase).To(Equal(rolloutv1alpha1.RunPhasePaused), runSummary(again))
		g.Expect(images(g, ns)).To(Equal(map[string]string{"cluster-shanghai": "reviews:v2", "cluster-hangzhou": "reviews:v1", "cluster-frankfurt": "reviews:v1"}))
	}).WithTimeout(3*time.Minute).WithPolling(time.Second).Should(Succeed(), "the canary is updated and analysed again; the rest waits")
}

// TestRolloutResumesAfterRestart: the controller-manager stopped while a run
// waits for approval resumes it where it was: the canary's analysis is not
// run again and nothing is lost. Not parallel: it stops the controller-manager.
func TestRolloutResumesAfterRestart(t *testing.T) {
	const ns = "rollout-restart"
	startStaged(t, ns)
	apply(t, ns, stagedApp("reviews:v2", ""))
	var before *rolloutv1alpha1.StagedUpdateRun
	NewWithT(t).Eventually(func(g Gomega) {
		before = currentRun(g, ns)
		g.Expect(before.Status.Phase).To(Equal(rolloutv1alpha1.RunPhasePaused), runSummary(before))
	}).WithTimeout(3 * time.Minute).WithPolling(time.Second).Should(Succeed())

	if err := fleet.StopControllerManager(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
	if err := fleet.StartControllerManager(t.Context()); err != nil {
		t.Fatal(err)
	}
	NewWithT(t).Consistently(func(g Gomega) {
		after := currentRun(g, ns)
		g.Expect(after.Name).To(Equal(before.Name))
		g.Expect(after.Status.Phase).To(Equal(rolloutv1alpha1.RunPhasePaused))
		g.Expect(after.Status.StartTime).To(Equal(before.Status.StartTime))
		g.Expect(after.Status.Stages[0].AfterStageTasks).To(Equal(before.Status.Stages[0].AfterStageTasks), "the analysis is not run again")
		g.Expect(images(g, ns)["cluster-hangzhou"]).To(Equal("reviews:v1"))
	}).WithTimeout(10 * time.Second).WithPolling(time.Second).Should(Succeed())

	kurator(t, "rollout", "approve", "deploy/reviews", "-n", ns, "--kubeconfig", fleet.Layout().ClusterKubeconfig("kurator"))
	NewWithT(t).Eventually(func(g Gomega) {
		run := currentRun(g, ns)
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseSucceeded), runSummary(run))
		g.Expect(images(g, ns)).To(HaveEach("reviews:v2"))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
}

// TestPlacementChangeEndsTheRun: a cluster leaving the placement mid-run
// abandons the run, naming the cluster.
func TestPlacementChangeEndsTheRun(t *testing.T) {
	t.Parallel()
	const ns = "rollout-placement"
	startStaged(t, ns)
	apply(t, ns, stagedApp("reviews:v2", ""))
	var first string
	NewWithT(t).Eventually(func(g Gomega) {
		run := currentRun(g, ns)
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhasePaused), runSummary(run))
		first = run.Name
	}).WithTimeout(3 * time.Minute).WithPolling(time.Second).Should(Succeed())
	apply(t, ns, strings.Replace(stagedApp("reviews:v2", ""), "cluster-hangzhou, cluster-shanghai, cluster-frankfurt", "cluster-hangzhou, cluster-shanghai", 1))
	NewWithT(t).Eventually(func(g Gomega) {
		run := &rolloutv1alpha1.StagedUpdateRun{}
		g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: first}, run)).To(Succeed())
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseAbandoned), runSummary(run))
		g.Expect(run.Status.Message).To(ContainSubstring("removed cluster-frankfurt"))
		// The new placement is a new revision: its own run starts where the
		// clusters are (shanghai already on v2) and waits at the next gate.
		next := currentRun(g, ns)
		g.Expect(next.Name).NotTo(Equal(first))
		g.Expect(next.Status.Phase).To(Equal(rolloutv1alpha1.RunPhasePaused), runSummary(next))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
}

// TestAbortRollsBack: a run waiting for approval is aborted; its canary
// returns to v1.
func TestAbortRollsBack(t *testing.T) {
	t.Parallel()
	const ns = "rollout-abort"
	startStaged(t, ns)
	apply(t, ns, stagedApp("reviews:v2", ""))
	NewWithT(t).Eventually(func(g Gomega) {
		run := currentRun(g, ns)
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhasePaused), runSummary(run))
	}).WithTimeout(3 * time.Minute).WithPolling(time.Second).Should(Succeed())
	out := kurator(t, "rollout", "abort", "deployment/reviews", "-n", ns, "--kubeconfig", fleet.Layout().ClusterKubeconfig("kurator"))
	NewWithT(t).Expect(out).To(ContainSubstring("aborted"))
	NewWithT(t).Eventually(func(g Gomega) {
		run := currentRun(g, ns)
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseRolledBack), runSummary(run))
		g.Expect(run.Status.Message).To(ContainSubstring("aborted by the user"))
		g.Expect(images(g, ns)).To(HaveEach("reviews:v1"))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
}

// TestFailingCanaryRollsBack: v2 fails half its requests; the canary's
// analysis fails, cluster-shanghai returns to v1, the others never leave it,
// and the run ends RolledBack showing the measurement.
func TestFailingCanaryRollsBack(t *testing.T) {
	t.Parallel()
	const ns = "rollout-bad"
	startStaged(t, ns)
	apply(t, ns, stagedApp("reviews:v2", `sim.kurator.dev/error-rate: "0.5"`))

	var run *rolloutv1alpha1.StagedUpdateRun
	NewWithT(t).Eventually(func(g Gomega) {
		run = currentRun(g, ns)
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseRolledBack), runSummary(run))
		g.Expect(images(g, ns)).To(HaveEach("reviews:v1"))
	}).WithTimeout(4*time.Minute).WithPolling(time.Second).Should(Succeed(), "rolled back")
	g := NewWithT(t)
	g.Expect(run.Status.Message).To(And(ContainSubstring("success-rate"), ContainSubstring("cluster-shanghai")), "the failing measurement is shown")
	g.Expect(clusterPhase(run, "cluster-shanghai")).To(Equal(rolloutv1alpha1.ClusterRolledBack))
	g.Expect(clusterPhase(run, "cluster-hangzhou")).To(Equal(rolloutv1alpha1.ClusterPending), "never released")
	c := apimeta.FindStatusCondition(run.Status.Conditions, "RolledBack")
	g.Expect(c).NotTo(BeNil())
	g.Expect(c.Status).To(Equal(metav1.ConditionTrue))
	t.Logf("rolled back: %s", run.Status.Message)

	// A retry runs the same revision again: it fails the same way.
	kubeconfig := fleet.Layout().ClusterKubeconfig("kurator")
	NewWithT(t).Expect(kurator(t, "rollout", "retry", "deploy/reviews", "-n", ns, "--kubeconfig", kubeconfig)).To(ContainSubstring("-retry-"))
	NewWithT(t).Eventually(func(g Gomega) {
		retried := currentRun(g, ns)
		g.Expect(retried.Name).NotTo(Equal(run.Name))
		g.Expect(retried.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseRolledBack), runSummary(retried))
		g.Expect(images(g, ns)).To(HaveEach("reviews:v1"))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	history := kurator(t, "rollout", "history", "deploy/reviews", "-n", ns, "--kubeconfig", kubeconfig)
	NewWithT(t).Expect(strings.Count(history, "RolledBack")).To(Equal(2), history)
}

func clusterPhase(run *rolloutv1alpha1.StagedUpdateRun, name string) rolloutv1alpha1.ClusterPhase {
	for _, c := range run.Status.Clusters {
		if c.Name == name {
			return c.Phase
		}
	}
	return ""
}

// TestCanaryStepsRampTheStagesTraffic: the canary stage's cluster gets 10%,
// then 50%, then all of its share of the host's traffic through the
// TrafficPolicy, before its analysis; the weights are back to normal after.
func TestCanaryStepsRampTheStagesTraffic(t *testing.T) {
	t.Parallel()
	const ns = "rollout-canary"
	createNamespace(t, ns)
	canary := "    canary: {trafficPolicy: reviews, steps: [10, 50, 100], stepDuration: 8s}"
	apply(t, ns, stagedAppWith("reviews:v1", "", canary))
	apply(t, ns, `
apiVersion: networking.kurator.dev/v1alpha1
kind: TrafficPolicy
metadata: {name: reviews}
spec:
  host: reviews.rollout-canary.svc.cluster.local
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: reviews}
  guards: {cooldown: 2s}
`)
	expectWeights(t, ns, map[string]int32{"cluster-hangzhou": 33, "cluster-shanghai": 33, "cluster-frankfurt": 34}, 2*time.Minute)

	apply(t, ns, stagedAppWith("reviews:v2", "", canary))
	seen := map[int32]bool{}
	NewWithT(t).Eventually(func(g Gomega) {
		w, tp := weightsOf(g, ns)
		seen[w["cluster-shanghai"]] = true
		run := currentRun(g, ns)
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhasePaused), runSummary(run)+describe(tp))
	}).WithTimeout(3 * time.Minute).WithPolling(250 * time.Millisecond).Should(Succeed())
	// 3 : 3 : 3 with shanghai at 10% gives it 5 points, at 50% 20.
	NewWithT(t).Expect(seen).To(And(HaveKey(int32(5)), HaveKey(int32(20)), HaveKey(int32(33))), "weights seen for cluster-shanghai")
	_, tp := weightsOf(NewWithT(t), ns)
	NewWithT(t).Expect(tp.Annotations).NotTo(HaveKey(rolloutv1alpha1.CanaryWeightsAnnotation), "the stage ended: no canary left")
}
