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
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// A workload moved off the pull member during an outage and placed back
// before the agent returns keeps its copy: the agent, which may not read
// bindings, learns from the binding controller's mark on the deleted Work
// that the copy is to be handed to the Work replacing it, not deleted and
// made again.
func TestPlacedBackDuringAnOutageKeepsTheCopy(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := namespace(t, g, "placed-back")
	applySeed(t, g, "06-nginx-weighted.yaml", ns)
	g.Eventually(func(g Gomega) {
		g.Expect(memberDeployment(g, pulled, ns, "nginx").Status.ReadyReplicas).To(Equal(int32(4)))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	uid := memberDeployment(g, pulled, ns, "nginx").UID

	g.Expect(fleet.StopAgent(pulled)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(workReplicas(g, ns, "nginx-deployment")).To(Equal(map[string]int32{"cluster-hangzhou": 10}))
	}).WithTimeout(90 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())

	// The policy now tolerates the outage: shanghai gets its share back
	// while its old Work still waits for the agent to let it go.
	pp := &policyv1alpha1.PropagationPolicy{}
	update(g, client.ObjectKey{Namespace: ns, Name: "nginx-propagation"}, pp, func() {
		pp.Spec.Placement.ClusterTolerations = nil
		for _, key := range []string{karmadaclusterv1alpha1.TaintClusterNotReady, karmadaclusterv1alpha1.TaintClusterUnreachable} {
			for _, effect := range []corev1.TaintEffect{corev1.TaintEffectNoSchedule, corev1.TaintEffectNoExecute} {
				pp.Spec.Placement.ClusterTolerations = append(pp.Spec.Placement.ClusterTolerations,
					corev1.Toleration{Key: key, Operator: corev1.TolerationOpExists, Effect: effect})
			}
		}
	})
	g.Eventually(func(g Gomega) {
		var works workv1alpha1.WorkList
		g.Expect(fleet.ControlPlane.List(ctx, &works, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)),
			client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: ns})).To(Succeed())
		g.Expect(works.Items).To(HaveLen(1))
		g.Expect(works.Items[0].DeletionTimestamp.IsZero()).To(BeFalse())
		g.Expect(works.Items[0].Annotations).To(HaveKey(workv1alpha1.PlacedAgainAnnotation))
	}).WithTimeout(60 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())

	g.Expect(fleet.StartAgent(ctx, pulled)).To(Succeed())
	g.Eventually(func(g Gomega) {
		d := memberDeployment(g, pulled, ns, "nginx")
		g.Expect(d.UID).To(Equal(uid), "the copy was deleted and made again")
		g.Expect(d.Spec.Replicas).To(HaveValue(Equal(int32(4))))
		var works workv1alpha1.WorkList
		g.Expect(fleet.ControlPlane.List(ctx, &works, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)),
			client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: ns})).To(Succeed())
		g.Expect(works.Items).To(HaveLen(1))
		w := works.Items[0]
		g.Expect(w.DeletionTimestamp.IsZero()).To(BeTrue())
		g.Expect(apimeta.IsStatusConditionTrue(w.Status.Conditions, workv1alpha1.ConditionApplied)).To(BeTrue())
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	g.Consistently(func(g Gomega) {
		g.Expect(memberDeployment(g, pulled, ns, "nginx").UID).To(Equal(uid))
	}).WithTimeout(5 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())
}
