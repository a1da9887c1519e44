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

package pull_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// outage is how long the pull member's agent stays away.
const outage = 5 * time.Minute

// An agent away for five minutes: the member is marked not ready and
// tainted, its last reports stay (marked stale), the workloads that do not
// tolerate the outage move to a push member, and the member itself keeps
// running everything. When the agent returns, the copy that moved away is
// removed and nothing else in the member is written.
func TestOutageMovesWhatMustMoveAndTouchesNothingElse(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	edge, works := workload(t, g, "outage", 10, true)
	moving := namespace(t, g, "moving")
	applySeed(t, g, "06-nginx-weighted.yaml", moving)
	g.Eventually(func(g Gomega) {
		g.Expect(memberDeployment(g, pulled, moving, "nginx").Status.ReadyReplicas).To(Equal(int32(4)))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	before := memberObjects(g, edge)
	g.Expect(before).To(HaveKey("configmap/cm-0"))
	configMapWrites, deploymentWrites := memberWrites(g, pulled, "configmaps"), memberWrites(g, pulled, "deployments")

	g.Expect(fleet.StopAgent(pulled)).To(Succeed())
	stopped := time.Now()
	waitReady(g, pulled, false, 30*time.Second)
	c := cluster(g, pulled)
	g.Expect(apimeta.FindStatusCondition(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady).Reason).To(Equal(karmadaclusterv1alpha1.ClusterNotReachable))
	t.Logf("not ready %s after the agent stopped", time.Since(stopped).Round(100*time.Millisecond))

	// The last reports stay, marked stale.
	g.Eventually(func(g Gomega) {
		var list workv1alpha1.WorkList
		g.Expect(fleet.ControlPlane.List(ctx, &list, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)),
			client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: edge})).To(Succeed())
		g.Expect(list.Items).To(HaveLen(works))
		for _, w := range list.Items {
			available := apimeta.FindStatusCondition(w.Status.Conditions, workv1alpha1.ConditionAvailable)
			g.Expect(available).NotTo(BeNil())
			g.Expect(available.Status).To(Equal(metav1.ConditionUnknown), w.Name)
			g.Expect(available.Reason).To(Equal(workv1alpha1.ReasonClusterNotReady), w.Name)
			g.Expect(w.Status.ManifestStatuses).To(HaveLen(1), "the last report of %s was dropped", w.Name)
		}
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	// What does not tolerate the outage moves to the push member.
	g.Eventually(func(g Gomega) {
		g.Expect(workReplicas(g, moving, "nginx-deployment")).To(Equal(map[string]int32{"cluster-hangzhou": 10}))
		g.Expect(memberDeployment(g, "cluster-hangzhou", moving, "nginx").Status.ReadyReplicas).To(Equal(int32(10)))
	}).WithTimeout(90 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())
	t.Logf("nginx running on cluster-hangzhou alone %s after the agent stopped", time.Since(stopped).Round(100*time.Millisecond))

	// For the rest of the outage the member runs everything it ran.
	g.Consistently(func(g Gomega) {
		g.Expect(memberObjects(g, edge)).To(Equal(before))
		g.Expect(memberDeployment(g, pulled, moving, "nginx").Status.ReadyReplicas).To(Equal(int32(4)))
	}).WithTimeout(outage - time.Since(stopped)).WithPolling(5 * time.Second).Should(Succeed())

	// Two updates of one template while the agent is away: on return only
	// the last is applied, with one write.
	for _, v := range []string{"2", "3"} {
		cm := &corev1.ConfigMap{}
		update(g, client.ObjectKey{Namespace: edge, Name: "cm-0"}, cm, func() { cm.Data["v"] = v })
		g.Eventually(func(g Gomega) {
			var works workv1alpha1.WorkList
			g.Expect(fleet.ControlPlane.List(ctx, &works, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)),
				client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: edge, workv1alpha1.BindingNameLabel: "cm-0-configmap"})).To(Succeed())
			g.Expect(works.Items).To(HaveLen(1))
			g.Expect(string(works.Items[0].Spec.Workload.Manifests[0].Raw)).To(ContainSubstring(`"v":"` + v + `"`))
		}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	}
	delete(before, "configmap/cm-0")

	// The copies to remove on return: those of the Works deleted meanwhile
	// (this test's nginx, and the copies of earlier tests that did not
	// tolerate the outage either).
	leaving := map[string]int{}
	var pending workv1alpha1.WorkList
	g.Expect(fleet.ControlPlane.List(ctx, &pending, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)))).To(Succeed())
	for _, w := range pending.Items {
		if !w.DeletionTimestamp.IsZero() {
			for _, st := range w.Status.ManifestStatuses {
				leaving[st.Identifier.Resource]++
			}
		}
	}
	g.Expect(leaving["deployments"]).To(BeNumerically(">=", 1), "this test's nginx is leaving")
	g.Expect(fleet.StartAgent(ctx, pulled)).To(Succeed())
	back := time.Now()
	waitReady(g, pulled, true, 30*time.Second)
	t.Logf("ready %s after the agent came back", time.Since(back).Round(100*time.Millisecond))
	g.Eventually(func(g Gomega) {
		_, err := member(g, pulled).AppsV1().Deployments(moving).Get(ctx, "nginx", metav1.GetOptions{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "the copy that moved away is still in the member: %v", err)
		var list workv1alpha1.WorkList
		g.Expect(fleet.ControlPlane.List(ctx, &list, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)),
			client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: edge})).To(Succeed())
		for _, w := range list.Items {
			g.Expect(apimeta.IsStatusConditionTrue(w.Status.Conditions, workv1alpha1.ConditionAvailable)).To(BeTrue(), "%s still stale", w.Name)
		}
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	t.Logf("the moved copy removed and every report fresh %s after the agent came back", time.Since(back).Round(100*time.Millisecond))

	g.Eventually(func(g Gomega) {
		var works workv1alpha1.WorkList
		g.Expect(fleet.ControlPlane.List(ctx, &works, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)))).To(Succeed())
		for _, w := range works.Items {
			g.Expect(w.DeletionTimestamp.IsZero()).To(BeTrue(), "Work %s/%s still leaving", w.Namespace, w.Name)
		}
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	g.Eventually(func(g Gomega) {
		cm, err := member(g, pulled).CoreV1().ConfigMaps(edge).Get(ctx, "cm-0", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(cm.Data).To(HaveKeyWithValue("v", "3"))
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	after := memberObjects(g, edge)
	delete(after, "configmap/cm-0")
	g.Expect(after).To(Equal(before), "the return touched a workload that stays")
	g.Expect(memberWrites(g, pulled, "configmaps")-configMapWrites).To(Equal(leaving["configmaps"]+1),
		"ConfigMap writes besides removing those that moved away and applying cm-0's last version once")
	g.Expect(memberWrites(g, pulled, "deployments")-deploymentWrites).To(Equal(leaving["deployments"]), "Deployment writes besides removing those that moved away")
}
