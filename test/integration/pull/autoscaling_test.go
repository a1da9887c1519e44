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
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/test/framework"
)

// web is a Deployment of 100m CPU pods (a simulated request costs 1 ms of
// CPU) behind an idle Service (without its annotation a simulated Service
// takes 100 requests/s). Its policy divides it between the pull
// member and a push member and keeps it on the pull member through an
// outage of its agent.
var web = framework.SimulatedWorkload("web", 2, "0") + `---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: web}
spec:
  resourceSelectors:
  - {apiVersion: apps/v1, kind: Deployment, name: web}
  - {apiVersion: v1, kind: Service, name: web}
  placement:
    clusterAffinity: {clusterNames: [cluster-shanghai, cluster-hangzhou]}
    clusterTolerations:
    - {key: cluster.karmada.io/not-ready, operator: Exists, effect: NoExecute}
    - {key: cluster.karmada.io/unreachable, operator: Exists, effect: NoExecute}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Weighted
      weightPreference:
        staticWeightList:
        - {targetCluster: {clusterNames: [cluster-shanghai]}, weight: 1}
        - {targetCluster: {clusterNames: [cluster-hangzhou]}, weight: 1}
---
apiVersion: autoscaling.karmada.io/v1alpha1
kind: FederatedHPA
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
`

// busy is the Service taking 300 requests/s in each member: 300m of CPU
// per member, three times what two pods serve at 50%.
const busy = `
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations: {sim.kurator.dev/rps: "300"}
spec: {selector: {app: web}, ports: [{port: 80}]}
`

// A FederatedHPA scales a workload divided between a push member and the
// pull member, whose pods the control plane cannot read: the agent reports
// them through the Work's status. When the agent goes away the member turns
// stale once its report is three intervals old, and fresh again once the
// agent is back.
func TestAutoscalingReadsThePullMemberThroughItsAgent(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := namespace(t, g, "autoscale")
	g.Expect(framework.Apply(ctx, fleet.ControlPlane, ns, "autoscaling-test", web)).To(Succeed())
	// Whatever happens, the next tests find the agent running.
	t.Cleanup(func() { _ = fleet.StartAgent(context.Background(), pulled) })

	// Idle, the template keeps its two replicas: the pull member is read
	// before any scaling.
	start := time.Now()
	bothRead := func(g Gomega) *autoscalingv1alpha1.FederatedHPA {
		fhpa := federatedHPA(g, ns)
		clusters := clusterStatuses(fhpa)
		g.Expect(clusters).To(HaveKey(pulled), "status %+v", fhpa.Status)
		g.Expect(clusters).To(HaveKey("cluster-hangzhou"), "status %+v", fhpa.Status)
		for name, c := range clusters {
			g.Expect(c.Stale).To(BeFalse(), "%s: %s", name, c.Message)
		}
		g.Expect(clusters[pulled].ReadyReplicas).To(BeNumerically(">", 0))
		g.Expect(clusters[pulled].ReadyReplicas).To(Equal(memberDeployment(g, pulled, ns, "web").Status.ReadyReplicas))
		return fhpa
	}
	g.Eventually(func(g Gomega) {
		bothRead(g)
		tpl := template(g, ns)
		g.Expect(tpl.Labels).To(HaveKeyWithValue(autoscalingv1alpha1.MetricsReportedLabel, "true"))
		g.Expect(*tpl.Spec.Replicas).To(Equal(int32(2)))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	t.Logf("both members read %s after the FederatedHPA was created", time.Since(start).Round(time.Second))

	g.Expect(framework.Apply(ctx, fleet.ControlPlane, ns, "autoscaling-test", busy)).To(Succeed())
	busySince := time.Now()
	g.Eventually(func(g Gomega) {
		fhpa := bothRead(g)
		g.Expect(*template(g, ns).Spec.Replicas).To(BeNumerically(">", 2), "the template did not scale up: %+v", fhpa.Status)
	}).WithTimeout(3 * time.Minute).WithPolling(time.Second).Should(Succeed())
	t.Logf("the template scaled up %s after the load came", time.Since(busySince).Round(time.Second))

	// The report lives in the pull member's Work, written by the agent.
	var works workv1alpha1.WorkList
	g.Expect(fleet.ControlPlane.List(ctx, &works, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)),
		client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: ns, workv1alpha1.BindingNameLabel: "web-deployment"})).To(Succeed())
	g.Expect(works.Items).To(HaveLen(1))
	g.Expect(works.Items[0].Status.ManifestStatuses).To(HaveLen(1))
	report := works.Items[0].Status.ManifestStatuses[0].PodMetrics
	g.Expect(report).NotTo(BeNil())
	g.Expect(report.Pods).To(BeNumerically(">", 0))
	g.Expect(works.Items[0].Status.ManifestStatuses[0].AppliedDigest).NotTo(BeEmpty(), "the executor's fields are kept")

	g.Expect(fleet.StopAgent(pulled)).To(Succeed())
	stopped := time.Now()
	g.Eventually(func(g Gomega) {
		clusters := clusterStatuses(federatedHPA(g, ns))
		g.Expect(clusters[pulled].Stale).To(BeTrue())
		g.Expect(clusters[pulled].Message).To(MatchRegexp(`the agent's last report is \d+s old`))
		g.Expect(clusters["cluster-hangzhou"].Stale).To(BeFalse(), clusters["cluster-hangzhou"].Message)
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	t.Logf("the pull member stale %s after its agent stopped: %s", time.Since(stopped).Round(time.Second),
		clusterStatuses(federatedHPA(g, ns))[pulled].Message)

	g.Expect(fleet.StartAgent(ctx, pulled)).To(Succeed())
	back := time.Now()
	g.Eventually(func(g Gomega) {
		clusters := clusterStatuses(federatedHPA(g, ns))
		g.Expect(clusters[pulled].Stale).To(BeFalse(), clusters[pulled].Message)
		g.Expect(clusters[pulled].LastCollectTime.Time).To(BeTemporally(">", back.Add(-time.Second)))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	t.Logf("the pull member fresh again %s after its agent came back", time.Since(back).Round(time.Second))

	// No FederatedHPA scales the template any more: the label goes, and
	// with it, though the template's generation stays, the label in the
	// pull member's Work and the agent's report.
	generation := template(g, ns).Generation
	g.Expect(fleet.ControlPlane.Delete(ctx, federatedHPA(g, ns))).To(Succeed())
	g.Eventually(func(g Gomega) {
		tpl := template(g, ns)
		g.Expect(tpl.Labels).NotTo(HaveKey(autoscalingv1alpha1.MetricsReportedLabel))
		g.Expect(tpl.Generation).To(Equal(generation))
		var works workv1alpha1.WorkList
		g.Expect(fleet.ControlPlane.List(ctx, &works, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)),
			client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: ns, workv1alpha1.BindingNameLabel: "web-deployment"})).To(Succeed())
		g.Expect(works.Items).To(HaveLen(1))
		g.Expect(string(works.Items[0].Spec.Workload.Manifests[0].Raw)).NotTo(ContainSubstring(autoscalingv1alpha1.MetricsReportedLabel))
		g.Expect(works.Items[0].Status.ManifestStatuses[0].PodMetrics).To(BeNil())
		g.Expect(apierrors.IsNotFound(fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns, Name: "web"}, &autoscalingv1alpha1.FederatedHPA{}))).To(BeTrue())
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())
}

func template(g Gomega, ns string) *appsv1.Deployment {
	tpl := &appsv1.Deployment{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "web"}, tpl)).To(Succeed())
	return tpl
}

func federatedHPA(g Gomega, ns string) *autoscalingv1alpha1.FederatedHPA {
	fhpa := &autoscalingv1alpha1.FederatedHPA{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "web"}, fhpa)).To(Succeed())
	return fhpa
}

func clusterStatuses(fhpa *autoscalingv1alpha1.FederatedHPA) map[string]autoscalingv1alpha1.ClusterAutoscalingStatus {
	out := map[string]autoscalingv1alpha1.ClusterAutoscalingStatus{}
	for _, c := range fhpa.Status.Clusters {
		out[c.Name] = c
	}
	return out
}
