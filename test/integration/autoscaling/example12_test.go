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
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/test/framework"
	kubectlrun "kurator.dev/kurator/test/framework/kubectl"
)

// costSensitiveApp is example 11's Deployment (3 replicas, 100m CPU each;
// a simulated request costs 1 ms of CPU) behind a Service. Applying it
// again would reset the replicas the autoscaler wrote, as with any HPA.
var costSensitiveApp = framework.SimulatedWorkload("cost-sensitive-app", 3, "") + `---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: cost-sensitive-app-service}
spec:
  resourceSelectors: [{apiVersion: v1, kind: Service, name: cost-sensitive-app}]
  placement: {clusterAffinity: {clusterNames: [spot-cluster, ondemand-cluster]}}
`

// load is the Service's simulated load: each cluster takes rps in
// proportion to its replicas (an OverridePolicy writes each cluster's
// requests per second), as a global load balancer weighted like the
// placement would send it.
func load(rps int) string {
	return fmt.Sprintf(`
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: load}
spec:
  resourceSelectors: [{apiVersion: v1, kind: Service, name: cost-sensitive-app}]
  overrideRules:
  - targetCluster: {clusterNames: [spot-cluster]}
    overriders: {annotationsOverrider: [{operator: add, value: {sim.kurator.dev/rps: "%d"}}]}
  - targetCluster: {clusterNames: [ondemand-cluster]}
    overriders: {annotationsOverrider: [{operator: add, value: {sim.kurator.dev/rps: "%d"}}]}
`, rps*8/10, rps*2/10)
}

// TestExample12 applies the seed's examples 11 and 12 unchanged: the HPA on
// the control plane scales the propagated Deployment fleet-wide, and the
// scheduler divides its replicas 80:20. Load is simulated.
func TestExample12(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := "example12"
	createNamespace(t, ns)
	apply(t, ns, costSensitiveApp+"---"+load(60))
	g.Expect(framework.ApplySeed(ctx, fleet.ControlPlane, "11-cost-optimization.yaml", ns)).To(Succeed())
	g.Expect(framework.ApplySeed(ctx, fleet.ControlPlane, "12-cost-aware-hpa.yaml", ns)).To(Succeed())

	// At 60 requests/s the three replicas idle: the HPA reports its
	// metric, and minReplicas holds the count at 3.
	g.Eventually(func(g Gomega) {
		hpa := getHPA(g, ns)
		g.Expect(hpa.Status.CurrentMetrics).To(HaveLen(1), describeHPA(hpa))
		g.Expect(*hpa.Status.CurrentMetrics[0].Resource.Current.AverageUtilization).To(BeNumerically("<", 50), describeHPA(hpa))
		g.Expect(hpa.Status.DesiredReplicas).To(Equal(int32(3)), describeHPA(hpa))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	expectFHPAOwnedBy(g, ns, "cost-aware-hpa")

	// 600 requests/s need 600 ms of CPU plus idle time: about 12 pods at
	// 50% of 100m. The template grows (100% or 4 pods per 15 s) and the
	// members run what the scheduler gives them.
	apply(t, ns, load(600))
	g.Eventually(func(g Gomega) {
		hpa := getHPA(g, ns)
		g.Expect(hpa.Status.CurrentReplicas).To(BeNumerically(">=", 12), describeHPA(hpa))
		g.Expect(hpa.Status.CurrentReplicas).To(BeNumerically("<=", 20), describeHPA(hpa))
		g.Expect(*hpa.Status.CurrentMetrics[0].Resource.Current.AverageUtilization).To(BeNumerically("<=", 55), describeHPA(hpa))
	}).WithTimeout(4 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())
	replicas := templateReplicas(g, ns)
	g.Eventually(func(g Gomega) {
		rb := &workv1alpha2.ResourceBinding{}
		g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns, Name: "cost-sensitive-app-deployment"}, rb)).To(Succeed())
		split := map[string]int32{}
		for _, c := range rb.Spec.Clusters {
			split[c.Name] = c.Replicas
		}
		g.Expect(split["spot-cluster"]+split["ondemand-cluster"]).To(Equal(replicas), "binding %v", split)
		g.Expect(split["spot-cluster"]).To(BeNumerically(">=", 3*split["ondemand-cluster"]), "80:20 split %v", split)
		g.Expect(readyPods(g, "spot-cluster", ns) + readyPods(g, "ondemand-cluster", ns)).To(Equal(replicas))
	}).WithTimeout(2 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())

	// The load drops: the recommendation follows at once, the replicas do
	// not, for the scale-down stabilization window is 5 minutes.
	apply(t, ns, load(60))
	g.Eventually(func(g Gomega) {
		fhpa := getFHPA(g, ns, "cost-aware-hpa")
		recs := fhpa.Status.Recommendations
		g.Expect(recs).NotTo(BeEmpty())
		g.Expect(recs[len(recs)-1].Replicas).To(BeNumerically("<", replicas/2), "latest recommendation")
		g.Expect(fhpa.Status.DesiredReplicas).To(Equal(replicas), "held by the stabilization window")
		limited := condition(fhpa.Status.Conditions, autoscalingv2.ScalingLimited)
		g.Expect(limited).NotTo(BeNil())
		g.Expect(limited.Reason).To(Equal("ScaleDownLimit"), limited.Message)
	}).WithTimeout(2 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())
	g.Expect(templateReplicas(g, ns)).To(Equal(replicas))

	// kubectl shows the HPA as on one cluster.
	out := kubectl(t, "get", "hpa", "cost-aware-hpa", "-n", ns)
	g.Expect(out).To(MatchRegexp(fmt.Sprintf(`cost-aware-hpa\s+Deployment/cost-sensitive-app\s+cpu: \d+%%/50%%\s+3\s+20\s+%d\s`, replicas)), out)
}

func createNamespace(t *testing.T, ns string) {
	t.Helper()
	if err := fleet.ControlPlane.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
}

// apply creates or updates a YAML stream's objects in namespace ns.
func apply(t *testing.T, ns, manifests string) {
	t.Helper()
	if err := framework.Apply(t.Context(), fleet.ControlPlane, ns, "autoscaling-test", manifests); err != nil {
		t.Fatal(err)
	}
}

func getHPA(g Gomega, ns string) *autoscalingv2.HorizontalPodAutoscaler {
	hpa := &autoscalingv2.HorizontalPodAutoscaler{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "cost-aware-hpa"}, hpa)).To(Succeed())
	return hpa
}

func getFHPA(g Gomega, ns, name string) *autoscalingv1alpha1.FederatedHPA {
	fhpa := &autoscalingv1alpha1.FederatedHPA{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, fhpa)).To(Succeed())
	return fhpa
}

func expectFHPAOwnedBy(g Gomega, ns, hpa string) {
	fhpa := getFHPA(g, ns, hpa)
	owner := metav1.GetControllerOf(fhpa)
	g.Expect(owner).NotTo(BeNil())
	g.Expect(owner.Kind).To(Equal("HorizontalPodAutoscaler"))
	g.Expect(owner.Name).To(Equal(hpa))
}

func templateReplicas(g Gomega, ns string) int32 {
	return deploymentReplicas(g, ns, "cost-sensitive-app")
}

// deploymentReplicas is a Deployment template's replicas.
func deploymentReplicas(g Gomega, ns, name string) int32 {
	d := &appsv1.Deployment{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, d)).To(Succeed())
	return *d.Spec.Replicas
}

// readyPods counts the workload's ready pods in a member.
func readyPods(g Gomega, member, ns string) int32 {
	c, err := framework.ClientFor(fleet.Layout().ClusterKubeconfig(member))
	g.Expect(err).NotTo(HaveOccurred())
	d := &appsv1.Deployment{}
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "cost-sensitive-app"}, d); err != nil {
		return 0
	}
	return d.Status.ReadyReplicas
}

func condition(conds []autoscalingv2.HorizontalPodAutoscalerCondition, typ autoscalingv2.HorizontalPodAutoscalerConditionType) *autoscalingv2.HorizontalPodAutoscalerCondition {
	for i := range conds {
		if conds[i].Type == typ {
			return &conds[i]
		}
	}
	return nil
}

func describeHPA(hpa *autoscalingv2.HorizontalPodAutoscaler) string {
	var b strings.Builder
	fmt.Fprintf(&b, "current %d desired %d; ", hpa.Status.CurrentReplicas, hpa.Status.DesiredReplicas)
	for _, m := range hpa.Status.CurrentMetrics {
		if m.Resource != nil && m.Resource.Current.AverageUtilization != nil {
			fmt.Fprintf(&b, "%s %d%%; ", m.Resource.Name, *m.Resource.Current.AverageUtilization)
		}
	}
	for _, c := range hpa.Status.Conditions {
		fmt.Fprintf(&b, "%s=%s (%s: %s); ", c.Type, c.Status, c.Reason, c.Message)
	}
	return b.String()
}

// kubectl runs kubectl's own code against the control plane; it must
// succeed.
func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := kubectlrun.Run(fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName), args...)
	if err != nil {
		t.Fatalf("kubectl %v: %v\n%s", args, err, errOut)
	}
	return out
}
