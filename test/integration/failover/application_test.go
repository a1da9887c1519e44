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
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/kubeletsim"
)

// createUnhealthyIn creates a Deployment name (its binding is
// name-deployment) divided over hangzhou and shanghai with application
// failover after toleration, whose pods in shanghai run but never become
// ready (an OverridePolicy sets the kubelet stand-in's readiness).
func createUnhealthyIn(g Gomega, ctx context.Context, ns, name string, replicas int32, toleration time.Duration) {
	d, _ := duplicated(ns)
	d.Name = name
	d.Spec.Selector.MatchLabels = map[string]string{"app": name}
	d.Spec.Template.Labels = map[string]string{"app": name}
	d.Spec.Replicas = ptr.To(replicas)
	selector := []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: name}}
	pair := []string{"cluster-hangzhou", "cluster-shanghai"}
	pp := &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: policyv1alpha1.PropagationSpec{
		ResourceSelectors: selector,
		Placement: policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: pair},
			ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
				ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted}},
		Failover: &policyv1alpha1.FailoverBehavior{Application: &policyv1alpha1.ApplicationFailoverBehavior{
			DecisionConditions: policyv1alpha1.DecisionConditions{TolerationSeconds: ptr.To(int32(toleration / time.Second))}}},
	}}
	sick := &policyv1alpha1.OverridePolicy{ObjectMeta: metav1.ObjectMeta{Name: name + "-sick", Namespace: ns}, Spec: policyv1alpha1.OverrideSpec{
		ResourceSelectors: selector,
		OverrideRules: []policyv1alpha1.RuleWithCluster{{
			TargetCluster: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-shanghai"}},
			Overriders: policyv1alpha1.Overriders{Plaintext: []policyv1alpha1.PlaintextOverrider{{
				Path: "/spec/template/metadata/annotations", Operator: policyv1alpha1.OverriderOpAdd,
				Value: &apiextensionsv1.JSON{Raw: []byte(`{"` + kubeletsim.ReadyAnnotation + `":"false"}`)},
			}}},
		}},
	}}
	g.Expect(fleet.ControlPlane.Create(ctx, sick)).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(ctx, d)).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(ctx, pp)).To(Succeed())
}

// A workload that stays unhealthy in one member (its pods never become
// ready there) longer than failover.application tolerates moves to the
// other member; its old copy goes once the replacement is healthy.
func TestApplicationFailover(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "appfail-"}}
	g.Expect(fleet.ControlPlane.Create(ctx, ns)).To(Succeed())
	createUnhealthyIn(g, ctx, ns.Name, "shaky", 4, 5*time.Second)

	g.Eventually(func(g Gomega) {
		got, _ := decision(g, ns.Name, "shaky-deployment")
		g.Expect(got).To(Equal(map[string]int32{"cluster-hangzhou": 4}))
		g.Expect(readyIn(g, "cluster-hangzhou", ns.Name, "shaky")).To(Equal(int32(4)))
	}).WithTimeout(90 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	g.Eventually(func(g Gomega) {
		_, err := member(g, "cluster-shanghai", ns.Name, "shaky")
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "the failed copy is still in shanghai: %v", err)
		_, rb := decision(g, ns.Name, "shaky-deployment")
		g.Expect(rb.Spec.GracefulEvictionTasks).To(BeEmpty())
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	var events corev1.EventList
	g.Expect(fleet.ControlPlane.List(ctx, &events)).To(Succeed())
	g.Expect(events.Items).To(ContainElement(And(HaveField("Reason", "ApplicationFailure"), HaveField("InvolvedObject.Name", "shaky-deployment"))))
}
