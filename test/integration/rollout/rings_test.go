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

package rollout_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	"kurator.dev/kurator/test/framework"
)

var members = []string{"canary-1", "ring1-a", "ring1-b", "ring2-a", "ring2-b", "ring2-c"}

// rings rolls web out by ring: the canary, ring 1 two at a time, ring 2 one
// at a time by its order label.
func rings(image string) string {
	return ringsWith(image, "")
}

// ringsWith adds YAML to ring 1's stage (indented 4 spaces).
func ringsWith(image, ring1 string) string {
	return fmt.Sprintf(`
apiVersion: rollout.kurator.dev/v1alpha1
kind: StagedUpdateStrategy
metadata: {name: rings}
spec:
  progressDeadline: 20s
  stages:
  - name: canary
    labelSelector: {matchLabels: {ring: "0"}}
  - name: ring1
    labelSelector: {matchLabels: {ring: "1"}}
    maxConcurrency: 2
%s
  - name: ring2
    labelSelector: {matchLabels: {ring: "2"}}
    sortingLabelKey: order
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: %s}]}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: web}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
  placement:
    clusterAffinity: {labelSelector: {matchExpressions: [{key: ring, operator: Exists}]}}
  rolloutStrategy: {name: rings}
`, ring1, image)
}

func apply(t *testing.T, ns, manifests string) {
	t.Helper()
	if err := framework.Apply(t.Context(), fleet.ControlPlane, ns, "rings-test", manifests); err != nil {
		t.Fatal(err)
	}
}

func images(g Gomega, ns string) map[string]string {
	out := map[string]string{}
	for _, m := range members {
		cs, err := fleet.Member(m)
		g.Expect(err).NotTo(HaveOccurred())
		d, err := cs.AppsV1().Deployments(ns).Get(context.Background(), "web", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred(), m)
		g.Expect(d.Status.AvailableReplicas).To(Equal(int32(1)), "%s available", m)
		g.Expect(d.Status.UpdatedReplicas).To(Equal(int32(1)), "%s rolled out", m)
		out[m] = d.Spec.Template.Spec.Containers[0].Image
	}
	return out
}

func newestRun(g Gomega, ns string) *rolloutv1alpha1.StagedUpdateRun {
	runs := &rolloutv1alpha1.StagedUpdateRunList{}
	g.Expect(fleet.ControlPlane.List(context.Background(), runs, client.InNamespace(ns))).To(Succeed())
	g.Expect(runs.Items).NotTo(BeEmpty())
	sort.Slice(runs.Items, func(i, j int) bool { return runs.Items[i].CreationTimestamp.Before(&runs.Items[j].CreationTimestamp) })
	return &runs.Items[len(runs.Items)-1]
}

func summary(run *rolloutv1alpha1.StagedUpdateRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s); ", run.Status.Phase, run.Status.Message)
	for _, c := range run.Status.Clusters {
		fmt.Fprintf(&b, "%s=%s; ", c.Name, c.Phase)
	}
	return b.String()
}

// releaseOrder lists the clusters by release time; ties (a batch) sorted by name.
func releaseOrder(run *rolloutv1alpha1.StagedUpdateRun) [][]string {
	byTime := map[time.Time][]string{}
	for _, c := range run.Status.Clusters {
		if c.ReleasedAt != nil {
			byTime[c.ReleasedAt.Time] = append(byTime[c.ReleasedAt.Time], c.Name)
		}
	}
	var times []time.Time
	for at := range byTime {
		times = append(times, at)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	var out [][]string
	for _, at := range times {
		batch := byTime[at]
		sort.Strings(batch)
		out = append(out, batch)
	}
	return out
}

// TestThreeRingsOnSixMembers: a good revision goes ring by ring, each ring at
// its concurrency and order; a revision that never becomes healthy in the
// last cluster of ring 2 rolls every updated cluster back, in reverse.
func TestThreeRingsOnSixMembers(t *testing.T) {
	const ns = "rings"
	if err := fleet.ControlPlane.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	apply(t, ns, rings("web:v1"))
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(images(g, ns)).To(HaveEach("web:v1"))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())

	apply(t, ns, rings("web:v2"))
	var run *rolloutv1alpha1.StagedUpdateRun
	NewWithT(t).Eventually(func(g Gomega) {
		run = newestRun(g, ns)
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseSucceeded), summary(run))
		g.Expect(images(g, ns)).To(HaveEach("web:v2"))
	}).WithTimeout(3 * time.Minute).WithPolling(time.Second).Should(Succeed())
	NewWithT(t).Expect(releaseOrder(run)).To(Equal([][]string{{"canary-1"}, {"ring1-a", "ring1-b"}, {"ring2-b"}, {"ring2-c"}, {"ring2-a"}}),
		"stages in order; ring 1 together; ring 2 one at a time by its order label")

	// An override that keeps ring2-a's pods from becoming Ready is a release
	// of its own: it fails in ring2-a and rolls back.
	apply(t, ns, `
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: broken-in-ring2-a}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
  overrideRules:
  - targetCluster: {clusterNames: [ring2-a]}
    overriders:
      plaintext:
      - {path: /spec/template/metadata/annotations, operator: add, value: {sim.kurator.dev/ready: "false"}}
`)
	NewWithT(t).Eventually(func(g Gomega) {
		run = newestRun(g, ns)
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseRolledBack), summary(run))
		g.Expect(images(g, ns)).To(HaveEach("web:v2"))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	overrideRun := run.Name

	// v3 with that override: the five other clusters update, ring2-a, the
	// last of ring 2, never becomes healthy.
	apply(t, ns, rings("web:v3"))
	NewWithT(t).Eventually(func(g Gomega) {
		run = newestRun(g, ns)
		g.Expect(run.Name).NotTo(Equal(overrideRun))
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseRolledBack), summary(run))
	}).WithTimeout(3 * time.Minute).WithPolling(time.Second).Should(Succeed())
	g := NewWithT(t)
	g.Expect(run.Status.Message).To(ContainSubstring("ring2-a: not healthy within the progress deadline (20s)"))
	// Rolled back in reverse: ring 2 (a, c, b), ring 1, then the canary.
	var back []string
	finished := map[string]time.Time{}
	for _, c := range run.Status.Clusters {
		g.Expect(c.Phase).To(Equal(rolloutv1alpha1.ClusterRolledBack), c.Name)
		back = append(back, c.Name)
		finished[c.Name] = c.FinishedAt.Time
	}
	sort.SliceStable(back, func(i, j int) bool { return finished[back[i]].Before(finished[back[j]]) })
	g.Expect(back[0]).To(Equal("ring2-a"))
	g.Expect(back[len(back)-1]).To(Equal("canary-1"))
	g.Expect(indexOf(back, "ring2-b")).To(BeNumerically("<", indexOf(back, "ring1-a")), "ring 2 before ring 1: %v", back)
	NewWithT(t).Eventually(func(g Gomega) {
		got := map[string]string{}
		for _, m := range members {
			cs, err := fleet.Member(m)
			g.Expect(err).NotTo(HaveOccurred())
			d, err := cs.AppsV1().Deployments(ns).Get(context.Background(), "web", metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			got[m] = d.Spec.Template.Spec.Containers[0].Image
		}
		g.Expect(got).To(HaveEach("web:v2"), "every cluster back on the previous revision")
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// TestMemberOutageDuringAStageRollsBack: a member of ring 1 goes down while
// the run waits before ring 1; released, it counts as a failure with its
// reason and the run rolls back.
func TestMemberOutageDuringAStageRollsBack(t *testing.T) {
	const ns = "outage"
	if err := fleet.ControlPlane.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	gate := "    beforeStageTasks: [{type: Approval}]"
	apply(t, ns, ringsWith("web:v1", gate))
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(images(g, ns)).To(HaveEach("web:v1"))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	apply(t, ns, ringsWith("web:v2", gate))
	var run *rolloutv1alpha1.StagedUpdateRun
	NewWithT(t).Eventually(func(g Gomega) {
		run = newestRun(g, ns)
		g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhasePaused), summary(run))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())

	if err := fleet.StopCluster("ring1-a"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := fleet.StartCluster(context.Background(), "ring1-a"); err != nil {
			t.Error(err)
		}
	}()
	NewWithT(t).Eventually(func(g Gomega) {
		c := &karmadaclusterv1alpha1.Cluster{}
		g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Name: "ring1-a"}, c)).To(Succeed())
		g.Expect(apimeta.IsStatusConditionFalse(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)).To(BeTrue())
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).Should(Succeed())
	req := &rolloutv1alpha1.ApprovalRequest{}
	NewWithT(t).Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: run.Status.Stages[1].BeforeStageTasks[0].ApprovalRequest}, req)).To(Succeed())
	apimeta.SetStatusCondition(&req.Status.Conditions, metav1.Condition{Type: rolloutv1alpha1.ConditionApproved, Status: metav1.ConditionTrue, Reason: "Test"})
	NewWithT(t).Expect(fleet.ControlPlane.Status().Update(t.Context(), req)).To(Succeed())

	// The run that was waiting fails on the member and rolls back. The
	// member's eviction then changes the placement, a new revision whose run
	// takes over, so the rollback may end superseded; either way the failure
	// and its reason are kept.
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKeyFromObject(run), run)).To(Succeed())
		g.Expect(run.Status.Phase).To(BeElementOf(rolloutv1alpha1.RunPhaseRolledBack, rolloutv1alpha1.RunPhaseSuperseded), summary(run))
		g.Expect(run.Status.Message).To(ContainSubstring("ring1-a: the cluster is not Ready"))
		g.Expect(clusterPhase(run, "ring1-a")).To(BeElementOf(rolloutv1alpha1.ClusterRollingBack, rolloutv1alpha1.ClusterRolledBack), "released, then sent back")
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
}

func clusterPhase(run *rolloutv1alpha1.StagedUpdateRun, name string) rolloutv1alpha1.ClusterPhase {
	for _, c := range run.Status.Clusters {
		if c.Name == name {
			return c.Phase
		}
	}
	return ""
}
