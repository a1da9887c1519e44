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
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/test/framework"
)

// retainApp is a Deployment (100m CPU, a simulated request costs 1 ms of
// CPU), its Service and an HPA (2 to 10 replicas at 50% CPU), all three
// propagated by one policy, divided 50:50 over both clusters: each member
// autoscales its own copy between 1 and 5.
var retainApp = framework.SimulatedWorkload("retain-app", 2, "") + `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: retain-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: retain-app}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: retain}
spec:
  resourceSelectors:
  - {apiVersion: apps/v1, kind: Deployment, name: retain-app}
  - {apiVersion: v1, kind: Service, name: retain-app}
  - {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: retain-hpa}
  placement:
    clusterAffinity: {clusterNames: [spot-cluster, ondemand-cluster]}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Weighted
      weightPreference:
        staticWeightList:
        - {targetCluster: {clusterNames: [spot-cluster]}, weight: 1}
        - {targetCluster: {clusterNames: [ondemand-cluster]}, weight: 1}
`

// retainLoad sets each member's simulated requests per second on the
// Service's copy there.
func retainLoad(spot, ondemand int) string {
	return fmt.Sprintf(`
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: retain-load}
spec:
  resourceSelectors: [{apiVersion: v1, kind: Service, name: retain-app}]
  overrideRules:
  - targetCluster: {clusterNames: [spot-cluster]}
    overriders: {annotationsOverrider: [{operator: add, value: {sim.kurator.dev/rps: "%d"}}]}
  - targetCluster: {clusterNames: [ondemand-cluster]}
    overriders: {annotationsOverrider: [{operator: add, value: {sim.kurator.dev/rps: "%d"}}]}
`, spot, ondemand)
}

// TestRetainPropagatedHPA: a policy propagates an HPA with its Deployment.
// Each member's HPA scales its own copy, with the bounds divided; the
// control plane keeps what the members chose (Karmada's retain
// behaviour) and shows their sum in the template, and no FederatedHPA
// serves the HPA.
func TestRetainPropagatedHPA(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	const ns = "retain"
	createNamespace(t, ns)
	apply(t, ns, retainApp+"---"+retainLoad(10, 10))

	// At 10 requests/s one replica per member idles: the members run the
	// scheduler's 1 + 1, and the HPA's bounds are halved in each.
	g.Eventually(func(g Gomega) {
		tpl := &appsv1.Deployment{}
		g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns, Name: "retain-app"}, tpl)).To(Succeed())
		g.Expect(tpl.Labels).To(HaveKeyWithValue(workv1alpha1.RetainReplicasLabel, workv1alpha1.RetainReplicasValue))
		for _, member := range cronMembers {
			hpa := &autoscalingv2.HorizontalPodAutoscaler{}
			g.Expect(memberClient(g, member).Get(ctx, client.ObjectKey{Namespace: ns, Name: "retain-hpa"}, hpa)).To(Succeed())
			g.Expect(hpa.Spec.MinReplicas).To(HaveValue(Equal(int32(1))), member)
			g.Expect(hpa.Spec.MaxReplicas).To(Equal(int32(5)), member)
			g.Expect(hpa.Status.CurrentMetrics).NotTo(BeEmpty(), "%s: %s", member, describeHPA(hpa))
			g.Expect(memberDeployment(g, member, ns).Status.ReadyReplicas).To(Equal(int32(1)), member)
		}
	}).WithTimeout(3 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())
	err := fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns, Name: "retain-hpa"}, &autoscalingv1alpha1.FederatedHPA{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "a FederatedHPA serves the propagated HPA: %v", err)

	// 250 requests/s on spot need 252m of CPU: its HPA scales to its
	// maximum, 5, while on-demand's stays at 1. The template shows 6, which
	// the scheduler divides 3:3; the members keep 5 and 1.
	apply(t, ns, retainLoad(250, 10))
	g.Eventually(func(g Gomega) {
		g.Expect(memberDeployment(g, "spot-cluster", ns).Status.ReadyReplicas).To(Equal(int32(5)))
		g.Expect(*memberDeployment(g, "ondemand-cluster", ns).Spec.Replicas).To(Equal(int32(1)))
		g.Expect(retainTemplateReplicas(g, ns)).To(Equal(int32(6)), "the template shows the members' sum")
		g.Expect(workShares(g, ns)).To(Equal(map[string]int32{"spot-cluster": 3, "ondemand-cluster": 3}))
	}).WithTimeout(3 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())

	// Nothing puts the members back to their shares, and nothing churns:
	// the Works are not rewritten and no member spec changes (a fight
	// would bump the member Deployments' generations).
	works := retainWorkGenerations(g, ns)
	spotGeneration := memberDeployment(g, "spot-cluster", ns).Generation
	ondemandGeneration := memberDeployment(g, "ondemand-cluster", ns).Generation
	g.Consistently(func(g Gomega) {
		spot, ondemand := memberDeployment(g, "spot-cluster", ns), memberDeployment(g, "ondemand-cluster", ns)
		g.Expect(*spot.Spec.Replicas).To(Equal(int32(5)))
		g.Expect(*ondemand.Spec.Replicas).To(Equal(int32(1)))
		g.Expect(spot.Generation).To(Equal(spotGeneration))
		g.Expect(ondemand.Generation).To(Equal(ondemandGeneration))
		g.Expect(retainTemplateReplicas(g, ns)).To(Equal(int32(6)))
		g.Expect(retainWorkGenerations(g, ns)).To(Equal(works))
	}).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Succeed())

	// Spot's HPA wrote the replicas last and owns them: Kurator's apply
	// no longer claims them.
	d := &appsv1.Deployment{}
	g.Expect(memberClient(g, "spot-cluster").Get(ctx, client.ObjectKey{Namespace: ns, Name: "retain-app"}, d)).To(Succeed())
	for _, f := range d.ManagedFields {
		if f.Manager == "kurator" && f.Subresource == "" {
			g.Expect(f.FieldsV1.GetRawString()).NotTo(ContainSubstring(`"f:replicas"`), "Kurator's apply owns spec.replicas")
		}
	}
}

func memberClient(g Gomega, member string) client.Client {
	c, err := framework.ClientFor(fleet.Layout().ClusterKubeconfig(member))
	g.Expect(err).NotTo(HaveOccurred())
	return c
}

// memberDeployment is a member's copy of retain-app.
func memberDeployment(g Gomega, member, ns string) *appsv1.Deployment {
	d := &appsv1.Deployment{}
	g.Expect(memberClient(g, member).Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "retain-app"}, d)).To(Succeed())
	return d
}

// retainTemplateReplicas is the control plane's retain-app's spec.replicas.
func retainTemplateReplicas(g Gomega, ns string) int32 {
	d := &appsv1.Deployment{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "retain-app"}, d)).To(Succeed())
	return *d.Spec.Replicas
}

// workShares is the scheduler's division of retain-app's template.
func workShares(g Gomega, ns string) map[string]int32 {
	rb := &workv1alpha2.ResourceBinding{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "retain-app-deployment"}, rb)).To(Succeed())
	out := map[string]int32{}
	for _, c := range rb.Spec.Clusters {
		out[c.Name] = c.Replicas
	}
	return out
}

// retainWorkGenerations are the generations of retain-app's Works, by
// namespace.
func retainWorkGenerations(g Gomega, ns string) map[string]int64 {
	works := &workv1alpha1.WorkList{}
	g.Expect(fleet.ControlPlane.List(context.Background(), works, client.MatchingLabels{
		workv1alpha1.BindingNamespaceLabel: ns, workv1alpha1.BindingNameLabel: "retain-app-deployment"})).To(Succeed())
	out := map[string]int64{}
	for _, w := range works.Items {
		out[w.Namespace] = w.Generation
	}
	g.Expect(out).To(HaveLen(2))
	return out
}
