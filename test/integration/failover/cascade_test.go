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

package failover

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// Burst by tier (Cascade mode): the first term's cluster takes what its
// nodes have room for (three 4-CPU nodes: three 3-CPU replicas), the rest
// spills to the next term's clusters; scaling down empties the last tier
// first. Every replica is Ready: nothing is overcommitted.
func TestCascadeBurstsByTier(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "cascade-"}}
	g.Expect(fleet.ControlPlane.Create(ctx, ns)).To(Succeed())
	// Its 3-CPU replicas would crowd the members for the tests after it.
	t.Cleanup(func() { _ = fleet.ControlPlane.Delete(ctx, ns) })
	d, _ := duplicated(ns.Name)
	d.Name = "burst"
	d.Spec.Selector.MatchLabels = map[string]string{"app": "burst"}
	d.Spec.Template.Labels = map[string]string{"app": "burst"}
	d.Spec.Replicas = ptr.To[int32](5)
	d.Spec.Template.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3")}
	g.Expect(fleet.ControlPlane.Create(ctx, d)).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(ctx, &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "burst", Namespace: ns.Name},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "burst"}},
			Placement: policyv1alpha1.Placement{
				AffinityStrategy: &policyv1alpha1.AffinityStrategy{Mode: policyv1alpha1.AffinityModeCascade},
				ClusterAffinities: []policyv1alpha1.ClusterAffinityTerm{
					{AffinityName: "onprem", ClusterAffinity: policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou"}}},
					{AffinityName: "cloud", ClusterAffinity: policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-shanghai", "cluster-frankfurt"}}},
				},
				ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
					ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
					WeightPreference:          &policyv1alpha1.ClusterPreferences{DynamicWeight: policyv1alpha1.DynamicWeightByAvailableReplicas}},
			},
		}})).To(Succeed())

	tiers := func(replicas, onprem, cloud int32) {
		t.Helper()
		g.Eventually(func(g Gomega) {
			got, rb := decision(g, ns.Name, "burst-deployment")
			g.Expect(got["cluster-hangzhou"]).To(Equal(onprem), "onprem tier of %v", got)
			g.Expect(got["cluster-shanghai"]+got["cluster-frankfurt"]).To(Equal(cloud), "cloud tier of %v", got)
			g.Expect(rb.Status.SchedulerObservedAffinityName).To(Equal("onprem"))
			for cluster, n := range got {
				g.Expect(readyIn(g, cluster, ns.Name, "burst")).To(Equal(n), cluster)
			}
		}).WithTimeout(60*time.Second).WithPolling(250*time.Millisecond).Should(Succeed(), "%d replicas", replicas)
	}
	tiers(5, 3, 2)
	_, rb := decision(g, ns.Name, "burst-deployment")
	g.Expect(rb.Status.SchedulingExplanation).NotTo(BeNil())
	g.Expect(rb.Status.SchedulingExplanation.Division).To(ContainSubstring("onprem full: room for 3, 2 more go to tier cloud"))

	// Kurator's controllers write the template too (its labels, its
	// status): a conflict is retried, as any client must.
	scale := func(n int32) {
		g.Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
			update := d.DeepCopy()
			if err := fleet.ControlPlane.Get(ctx, client.ObjectKeyFromObject(d), update); err != nil {
				return err
			}
			update.Spec.Replicas = ptr.To(n)
			return fleet.ControlPlane.Update(ctx, update)
		})).To(Succeed())
	}
	scale(7)
	tiers(7, 3, 4)
	scale(4)
	tiers(4, 3, 1)
}
