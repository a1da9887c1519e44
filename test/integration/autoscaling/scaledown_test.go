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
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/test/framework"
)

// TestScaleDownRemovesUnreadyReplicasFirst: a workload divided by the
// clusters' room scales down (as a FederatedHPA would make it); the
// on-demand cluster's replicas are not ready, so they go first, where
// Karmada would take from both clusters in proportion.
func TestScaleDownRemovesUnreadyReplicasFirst(t *testing.T) {
	g := NewWithT(t)
	ns := "scale-down"
	createNamespace(t, ns)
	apply(t, ns, framework.SimulatedWorkload("api", 8, "")+`---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: api}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: api}]
  placement:
    clusterAffinity: {clusterNames: [spot-cluster, ondemand-cluster]}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Weighted
      weightPreference: {dynamicWeight: AvailableReplicas}
---
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: api-unready}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: api}]
  overrideRules:
  - targetCluster: {clusterNames: [ondemand-cluster]}
    overriders:
      plaintext:
      - {path: /spec/template/metadata/annotations/sim.kurator.dev~1ready, operator: add, value: "false"}
`)
	split := func(g Gomega) (map[string]int32, *workv1alpha2.ResourceBinding) {
		rb := &workv1alpha2.ResourceBinding{}
		g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "api-deployment"}, rb)).To(Succeed())
		out := map[string]int32{}
		for _, c := range rb.Spec.Clusters {
			out[c.Name] = c.Replicas
		}
		return out, rb
	}
	var before map[string]int32
	g.Eventually(func(g Gomega) {
		var rb *workv1alpha2.ResourceBinding
		before, rb = split(g)
		g.Expect(before["spot-cluster"] + before["ondemand-cluster"]).To(Equal(int32(8)))
		g.Expect(before["ondemand-cluster"]).To(BeNumerically(">", 0))
		g.Expect(readyPodsOf(g, "spot-cluster", ns, "api")).To(Equal(before["spot-cluster"]))
		g.Expect(podsOf(g, "ondemand-cluster", ns, "api")).To(Equal(before["ondemand-cluster"]), "ondemand runs its replicas, not ready")
		// The scheduler reads readiness from the binding's aggregated status.
		reported := false
		for _, st := range rb.Status.AggregatedStatus {
			if st.ClusterName == "ondemand-cluster" && st.Status != nil {
				reported = strings.Contains(string(st.Status.Raw), fmt.Sprintf(`"replicas":%d`, before["ondemand-cluster"]))
			}
		}
		g.Expect(reported).To(BeTrue(), "ondemand's status in the binding")
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())

	target := 8 - before["ondemand-cluster"]
	g.Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d := &appsv1.Deployment{}
		if err := fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "api"}, d); err != nil {
			return err
		}
		d.Spec.Replicas = ptr.To(target)
		return fleet.ControlPlane.Update(t.Context(), d)
	})).To(Succeed())
	g.Eventually(func(g Gomega) {
		after, rb := split(g)
		g.Expect(after).To(Equal(map[string]int32{"spot-cluster": before["spot-cluster"]}), "the not-ready replicas went first")
		g.Expect(rb.Status.SchedulingExplanation).NotTo(BeNil())
		g.Expect(rb.Status.SchedulingExplanation.Division).To(ContainSubstring("not ready went first (not ready: ondemand-cluster"))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())
}

// podsOf and readyPodsOf count a Deployment's replicas and ready replicas
// in a member.
func podsOf(g Gomega, member, ns, name string) int32 {
	return memberCopy(g, member, ns, name).Status.Replicas
}

func readyPodsOf(g Gomega, member, ns, name string) int32 {
	return memberCopy(g, member, ns, name).Status.ReadyReplicas
}

func memberCopy(g Gomega, member, ns, name string) *appsv1.Deployment {
	d := &appsv1.Deployment{}
	g.Expect(memberClient(g, member).Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, d)).To(Succeed())
	return d
}
