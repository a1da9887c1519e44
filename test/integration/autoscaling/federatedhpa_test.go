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
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/test/framework"
)

// web is a Deployment (100m CPU per replica, 1 ms of CPU per simulated
// request) and its Service, divided evenly between the two clusters.
func web(replicas int) string {
	return framework.SimulatedWorkload("web", replicas, "") + `---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: web}
spec:
  resourceSelectors:
  - {apiVersion: apps/v1, kind: Deployment, name: web}
  - {apiVersion: v1, kind: Service, name: web}
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
}

// webLoad gives each cluster's copy of the Service its simulated requests
// per second.
func webLoad(spot, ondemand int) string {
	return fmt.Sprintf(`
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: web-load}
spec:
  resourceSelectors: [{apiVersion: v1, kind: Service, name: web}]
  overrideRules:
  - targetCluster: {clusterNames: [spot-cluster]}
    overriders: {annotationsOverrider: [{operator: add, value: {sim.kurator.dev/rps: "%d"}}]}
  - targetCluster: {clusterNames: [ondemand-cluster]}
    overriders: {annotationsOverrider: [{operator: add, value: {sim.kurator.dev/rps: "%d"}}]}
`, spot, ondemand)
}

// TestFederatedHPAScalesDownAtTheBehavioursPace: Karmada's YAML, with a
// short stabilization window and at most 2 pods removed per 20 s.
func TestFederatedHPAScalesDownAtTheBehavioursPace(t *testing.T) {
	g := NewWithT(t)
	ns := "fhpa-pace"
	createNamespace(t, ns)
	apply(t, ns, web(2)+"---"+webLoad(300, 300)+`---
apiVersion: autoscaling.karmada.io/v1alpha1
kind: FederatedHPA
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 12
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 10
      policies: [{type: Pods, value: 2, periodSeconds: 20}]
`)
	// 600 requests/s need 12 pods at 50%: the maximum.
	g.Eventually(func(g Gomega) {
		fhpa := getFHPA(g, ns, "web")
		g.Expect(fhpa.Status.CurrentReplicas).To(Equal(int32(12)), "%+v", fhpa.Status)
		g.Expect(fhpa.Status.Clusters).To(HaveLen(2))
		for _, c := range fhpa.Status.Clusters {
			g.Expect(c.Stale).To(BeFalse(), c.Message)
			g.Expect(c.ReadyReplicas).To(Equal(int32(6)), c.Name)
		}
	}).WithTimeout(3 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())

	// A scale-down's limit counts from the replicas at the start of the
	// policy's period, before any scale-up within it (as the HPA's does):
	// let the scale-up age out of the period first.
	g.Eventually(func(g Gomega) {
		last := getFHPA(g, ns, "web").Status.LastScaleTime
		g.Expect(last).NotTo(BeNil())
		g.Expect(time.Since(last.Time)).To(BeNumerically(">", 21*time.Second))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())

	apply(t, ns, webLoad(20, 20))
	type observation struct {
		at       time.Time
		replicas int32
	}
	var seen []observation
	g.Eventually(func(g Gomega) {
		r := deploymentReplicas(g, ns, "web")
		seen = append(seen, observation{time.Now(), r})
		g.Expect(r).To(Equal(int32(2)))
	}).WithTimeout(4 * time.Minute).WithPolling(time.Second).Should(Succeed())
	// Within any 20 s, at most 2 pods went (one poll of slack on each side).
	for i, o := range seen {
		for _, later := range seen[i:] {
			if later.at.Sub(o.at) < 18*time.Second {
				g.Expect(o.replicas-later.replicas).To(BeNumerically("<=", 2), "observed %+v", seen)
			}
		}
	}
	g.Expect(seen[len(seen)-1].at.Sub(seen[0].at)).To(BeNumerically(">=", 75*time.Second), "12 → 2 by 2 pods per 20 s")
}

// TestExternalMetric scales on a metric read from Prometheus and summed over
// the clusters: the working-set memory of the workload's containers (a
// gauge of the simulated kubelet: 32Mi idle plus 256Ki per request/s).
func TestExternalMetric(t *testing.T) {
	g := NewWithT(t)
	ns := "fhpa-external"
	createNamespace(t, ns)
	apply(t, ns, web(2)+"---"+webLoad(400, 400)+fmt.Sprintf(`---
apiVersion: autoscaling.karmada.io/v1alpha1
kind: FederatedHPA
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 20
  metrics:
  - type: External
    external:
      metric:
        name: container_memory_working_set_bytes
        selector: {matchLabels: {namespace: %s, container: app}}
      target: {type: AverageValue, averageValue: 48Mi}
`, ns))
	// 800 requests/s add 200Mi to the 32Mi of each pod: at most 48Mi each
	// needs 13 pods, or 11 within the 10% tolerance.
	g.Eventually(func(g Gomega) {
		fhpa := getFHPA(g, ns, "web")
		g.Expect(fhpa.Status.CurrentMetrics).To(HaveLen(1), "%+v", fhpa.Status.Conditions)
		g.Expect(fhpa.Status.CurrentMetrics[0].External).NotTo(BeNil())
		current := fhpa.Status.CurrentMetrics[0].External.Current.AverageValue
		g.Expect(current).NotTo(BeNil())
		g.Expect(deploymentReplicas(g, ns, "web")).To(BeNumerically(">=", 10), "average %s", current)
		g.Expect(current.Cmp(resource.MustParse("52.8Mi"))).To(BeNumerically("<=", 0), "average %s above 48Mi + 10%%", current)
	}).WithTimeout(3 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())
}

// TestMemberDownWhileScaling: a member that stops answering is marked stale
// and the others' load still scales the fleet up.
func TestMemberDownWhileScaling(t *testing.T) {
	g := NewWithT(t)
	ns := "fhpa-stale"
	createNamespace(t, ns)
	apply(t, ns, web(4)+"---"+webLoad(60, 60)+`---
apiVersion: autoscaling.karmada.io/v1alpha1
kind: FederatedHPA
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 4
  maxReplicas: 16
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
`)
	g.Eventually(func(g Gomega) {
		fhpa := getFHPA(g, ns, "web")
		g.Expect(fhpa.Status.Clusters).To(HaveLen(2))
		g.Expect(fhpa.Status.DesiredReplicas).To(Equal(int32(4)))
	}).WithTimeout(2 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())

	g.Expect(fleet.StopCluster("ondemand-cluster")).To(Succeed())
	t.Cleanup(func() { restartMember(t, "ondemand-cluster") })
	apply(t, ns, webLoad(400, 60))
	g.Eventually(func(g Gomega) {
		fhpa := getFHPA(g, ns, "web")
		var stale bool
		for _, c := range fhpa.Status.Clusters {
			if c.Name == "ondemand-cluster" {
				stale = c.Stale
			}
		}
		g.Expect(stale).To(BeTrue(), "%+v", fhpa.Status.Clusters)
		g.Expect(deploymentReplicas(g, ns, "web")).To(BeNumerically(">", 4))
	}).WithTimeout(3 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())
}

// restartMember starts a stopped member and waits until it is Ready, for
// the tests after it.
func restartMember(t *testing.T, name string) {
	g := NewWithT(t)
	g.Expect(fleet.StartCluster(context.Background(), name)).To(Succeed())
	g.Eventually(func(g Gomega) {
		c := &karmadaclusterv1alpha1.Cluster{}
		g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Name: name}, c)).To(Succeed())
		ready := false
		for _, cond := range c.Status.Conditions {
			if cond.Type == karmadaclusterv1alpha1.ClusterConditionReady {
				ready = cond.Status == metav1.ConditionTrue
			}
		}
		g.Expect(ready).To(BeTrue())
	}).WithTimeout(3 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())
}
