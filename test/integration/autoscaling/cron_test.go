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

package autoscaling_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	"kurator.dev/kurator/test/framework"
)

var cronMembers = []string{"spot-cluster", "ondemand-cluster"}

// cronWaitLimit covers a wait for the next minute boundary, the run and
// the propagation of its result.
const cronWaitLimit = 2*time.Minute + 30*time.Second

// TestCronFederatedHPAScalesAWorkload: a rule due every minute sets a
// Divided Deployment's template to 4 replicas through its scale
// subresource; the members then run 4 ready pods between them, and the
// run is in status with an event.
func TestCronFederatedHPAScalesAWorkload(t *testing.T) {
	t.Parallel()
	const ns = "cron-workload"
	cronNamespace(t, ns)
	cronApply(t, ns, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: nginx}]}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: web}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
  placement:
    clusterAffinity: {clusterNames: [spot-cluster, ondemand-cluster]}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Weighted
      weightPreference:
        staticWeightList:
        - {targetCluster: {clusterNames: [spot-cluster]}, weight: 1}
        - {targetCluster: {clusterNames: [ondemand-cluster]}, weight: 1}
`)
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(readyPodsInMembers(g, ns, "web")).To(Equal(2))
	}).WithTimeout(2*time.Minute).WithPolling(time.Second).Should(Succeed(), "the Deployment runs before the rule")

	cronApply(t, ns, `
apiVersion: autoscaling.karmada.io/v1alpha1
kind: CronFederatedHPA
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  rules:
  - {name: every-minute, schedule: "* * * * *", targetReplicas: 4}
`)
	NewWithT(t).Eventually(func(g Gomega) {
		tpl := &appsv1.Deployment{}
		g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "web"}, tpl)).To(Succeed())
		g.Expect(tpl.Spec.Replicas).To(HaveValue(Equal(int32(4))))
		g.Expect(readyPodsInMembers(g, ns, "web")).To(Equal(4))
	}).WithTimeout(cronWaitLimit).WithPolling(time.Second).Should(Succeed())

	cron := cronFederatedHPA(NewWithT(t), ns, "web")
	NewWithT(t).Expect(cron.Status.ExecutionHistories).To(ConsistOf(And(
		HaveField("RuleName", "every-minute"),
		HaveField("NextExecutionTime", Not(BeNil())),
		HaveField("SuccessfulExecutions", ContainElement(HaveField("AppliedReplicas", HaveValue(Equal(int32(4)))))),
	)), describeCron(cron))
	NewWithT(t).Expect(apimeta.IsStatusConditionTrue(cron.Status.Conditions, "Ready")).To(BeTrue(), describeCron(cron))
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(cronEventReasons(g, ns, "web")).To(ContainElement("Scaled"))
	}).WithTimeout(30 * time.Second).Should(Succeed())
}

// TestCronFederatedHPAChangesFederatedHPABounds: a rule for a FederatedHPA
// sets its maxReplicas and leaves its minReplicas. Only the FederatedHPA's
// spec is checked: what its own controller does with it is tested apart.
func TestCronFederatedHPAChangesFederatedHPABounds(t *testing.T) {
	t.Parallel()
	const ns = "cron-fhpa"
	cronNamespace(t, ns)
	cronApply(t, ns, `
apiVersion: autoscaling.karmada.io/v1alpha1
kind: FederatedHPA
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
---
apiVersion: autoscaling.karmada.io/v1alpha1
kind: CronFederatedHPA
metadata: {name: web-bounds}
spec:
  scaleTargetRef: {apiVersion: autoscaling.karmada.io/v1alpha1, kind: FederatedHPA, name: web}
  rules:
  - {name: every-minute, schedule: "* * * * *", targetMaxReplicas: 8}
`)
	NewWithT(t).Eventually(func(g Gomega) {
		fhpa := &autoscalingv1alpha1.FederatedHPA{}
		g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "web"}, fhpa)).To(Succeed())
		g.Expect(fhpa.Spec.MaxReplicas).To(Equal(int32(8)))
		g.Expect(fhpa.Spec.MinReplicas).To(HaveValue(Equal(int32(2))))
		cron := cronFederatedHPA(g, ns, "web-bounds")
		g.Expect(cron.Status.ExecutionHistories).To(ConsistOf(
			HaveField("SuccessfulExecutions", ContainElement(And(
				HaveField("AppliedMaxReplicas", HaveValue(Equal(int32(8)))),
				HaveField("AppliedMinReplicas", BeNil()),
			))),
		), describeCron(cron))
	}).WithTimeout(cronWaitLimit).WithPolling(time.Second).Should(Succeed())
}

func cronNamespace(t *testing.T, ns string) {
	t.Helper()
	if err := fleet.ControlPlane.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
}

func cronApply(t *testing.T, ns, manifests string) {
	t.Helper()
	if err := framework.Apply(t.Context(), fleet.ControlPlane, ns, "cron-test", manifests); err != nil {
		t.Fatal(err)
	}
}

// readyPodsInMembers counts the ready pods labelled app=name over the
// members.
func readyPodsInMembers(g Gomega, ns, name string) int {
	total := 0
	for _, m := range cronMembers {
		c, err := fleet.Member(m)
		g.Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		pods, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + name})
		cancel()
		g.Expect(err).NotTo(HaveOccurred())
		for _, p := range pods.Items {
			if p.DeletionTimestamp == nil && podReady(&p) {
				total++
			}
		}
	}
	return total
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func cronFederatedHPA(g Gomega, ns, name string) *autoscalingv1alpha1.CronFederatedHPA {
	cron := &autoscalingv1alpha1.CronFederatedHPA{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, cron)).To(Succeed())
	return cron
}

// cronEventReasons lists the reasons of the events about a CronFederatedHPA.
func cronEventReasons(g Gomega, ns, name string) []string {
	list := &eventsv1.EventList{}
	g.Expect(fleet.ControlPlane.List(context.Background(), list, client.InNamespace(ns))).To(Succeed())
	var out []string
	for _, e := range list.Items {
		if e.Regarding.Kind == "CronFederatedHPA" && e.Regarding.Name == name {
			out = append(out, e.Reason)
		}
	}
	return out
}

func describeCron(cron *autoscalingv1alpha1.CronFederatedHPA) string {
	var b strings.Builder
	for _, h := range cron.Status.ExecutionHistories {
		fmt.Fprintf(&b, "rule %s next %v: %d succeeded, %d failed", h.RuleName, h.NextExecutionTime, len(h.SuccessfulExecutions), len(h.FailedExecutions))
		for _, f := range h.FailedExecutions {
			fmt.Fprintf(&b, " [%s]", f.Message)
		}
		b.WriteString("; ")
	}
	for _, c := range cron.Status.Conditions {
		fmt.Fprintf(&b, "%s=%s (%s: %s); ", c.Type, c.Status, c.Reason, c.Message)
	}
	return b.String()
}
