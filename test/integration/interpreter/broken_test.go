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

package interpreter_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
)

// TestBrokenScriptsAreReportedAndContained: a script that fails at run
// time, and one that never ends, each give their customisation a Ready
// condition naming the operation and the error, while a Deployment
// propagated next to them is unaffected.
func TestBrokenScriptsAreReportedAndContained(t *testing.T) {
	t.Parallel()
	gvr := installCRD(t, "Gadget", "gadgets")
	const ns = "broken"
	createNamespace(t, ns)
	apply(t, "", `
apiVersion: config.karmada.io/v1alpha1
kind: ResourceInterpreterCustomization
metadata: {name: gadget-broken}
spec:
  target: {apiVersion: workload.example.io/v1alpha1, kind: Gadget}
  customizations:
    replicaResource:
      luaScript: |
        function GetReplicas(obj)
          return obj.spec.size.count, nil
        end
    healthInterpretation:
      luaScript: |
        function InterpretHealth(observedObj)
          while true do end
        end
`)
	apply(t, ns, `
apiVersion: workload.example.io/v1alpha1
kind: Gadget
metadata: {name: g}
spec: {size: 3}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: plain}
spec:
  replicas: 2
  selector: {matchLabels: {app: plain}}
  template:
    metadata: {labels: {app: plain}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: all}
spec:
  resourceSelectors:
  - {apiVersion: workload.example.io/v1alpha1, kind: Gadget}
  - {apiVersion: apps/v1, kind: Deployment, name: plain}
  placement:
    clusterAffinity: {clusterNames: [cluster-frankfurt]}
`)
	NewWithT(t).Eventually(func(g Gomega) {
		c := readyCondition(g, "gadget-broken")
		g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(c.Reason).To(Equal("InterpretReplicaFailed"))
		g.Expect(c.Message).To(And(ContainSubstring("workload.example.io/v1alpha1 Gadget broken/g"), ContainSubstring("attempt to index")))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed(), "the run-time error is on the customisation")

	// The Deployment next to it propagates as always.
	NewWithT(t).Eventually(func(g Gomega) {
		cs, err := fleet.Member("cluster-frankfurt")
		g.Expect(err).NotTo(HaveOccurred())
		d, err := cs.AppsV1().Deployments(ns).Get(context.Background(), "plain", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(d.Status.ReadyReplicas).To(Equal(int32(2)))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())

	// Fixing GetReplicas lets the Gadget through, and the endless health
	// script is stopped by the time limit and reported.
	ric := &configv1alpha1.ResourceInterpreterCustomization{}
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Name: "gadget-broken"}, ric)).To(Succeed())
		ric.Spec.Customizations.ReplicaResource.LuaScript = "function GetReplicas(obj)\n  return obj.spec.size, nil\nend\n"
		g.Expect(fleet.ControlPlane.Update(context.Background(), ric)).To(Succeed())
	}).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Succeed())
	NewWithT(t).Eventually(func(g Gomega) {
		obj := memberObject(g, t, "cluster-frankfurt", gvr, ns, "g")
		g.Expect(obj).NotTo(BeNil())
		size, _, _ := unstructured.NestedInt64(obj.Object, "spec", "size")
		g.Expect(size).To(Equal(int64(3)))
		c := readyCondition(g, "gadget-broken")
		g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(c.Reason).To(Equal("InterpretHealthFailed"))
		g.Expect(c.Message).To(ContainSubstring("time limit"))
	}).WithTimeout(2*time.Minute).WithPolling(time.Second).Should(Succeed(), "the endless script is stopped and reported")
}

// TestDeclarativeCustomization: field paths and a CEL health rule, no Lua.
func TestDeclarativeCustomization(t *testing.T) {
	t.Parallel()
	gvr := installCRD(t, "Trainer", "trainers")
	const ns = "declarative"
	createNamespace(t, ns)
	apply(t, "", `
apiVersion: config.karmada.io/v1alpha1
kind: ResourceInterpreterCustomization
metadata: {name: trainer}
spec:
  target: {apiVersion: workload.example.io/v1alpha1, kind: Trainer}
  customizations:
    replicaResource: {replicasPath: spec.size, podTemplatePath: spec.template}
    replicaRevision: {replicasPath: spec.size}
    healthInterpretation: {healthyWhen: "object.status.phase != 'Failed'"}
    statusReflection: {fields: [readyWorkers, phase]}
    statusAggregation: {sumFields: [readyWorkers]}
`)
	apply(t, ns, `
apiVersion: workload.example.io/v1alpha1
kind: Trainer
metadata: {name: resnet}
spec:
  size: 9
  template: {spec: {containers: [{name: t, image: trainer, resources: {requests: {cpu: 200m}}}]}}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: resnet}
spec:
  resourceSelectors: [{apiVersion: workload.example.io/v1alpha1, kind: Trainer, name: resnet}]
  placement:
    clusterAffinity: {clusterNames: [cluster-hangzhou, cluster-shanghai, cluster-frankfurt]}
    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}
`)
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(decision(g, ns, "resnet-trainer")).To(Equal(map[string]int32{"cluster-hangzhou": 3, "cluster-shanghai": 3, "cluster-frankfurt": 3}))
		for _, m := range members {
			obj := memberObject(g, t, m, gvr, ns, "resnet")
			g.Expect(obj).NotTo(BeNil())
			size, _, _ := unstructured.NestedInt64(obj.Object, "spec", "size")
			g.Expect(size).To(Equal(int64(3)), m)
		}
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
	NewWithT(t).Eventually(func(g Gomega) {
		for _, m := range members {
			setMemberStatus(g, t, m, gvr, ns, "resnet", map[string]any{"readyWorkers": int64(3), "phase": "Running", "scratch": "not reported"})
		}
	}).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Succeed())
	NewWithT(t).Eventually(func(g Gomega) {
		tpl := &unstructured.Unstructured{}
		tpl.SetGroupVersionKind(gvr.GroupVersion().WithKind("Trainer"))
		g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "resnet"}, tpl)).To(Succeed())
		ready, _, _ := unstructured.NestedInt64(tpl.Object, "status", "readyWorkers")
		g.Expect(ready).To(Equal(int64(9)))
		c := readyCondition(g, "trainer")
		g.Expect(c.Status).To(Equal(metav1.ConditionTrue), c.Message)
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())
}
