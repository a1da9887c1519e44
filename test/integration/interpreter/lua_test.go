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
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// luaCustomization is a customisation written as Karmada users write
// them, for kind Workload of workload.example.io.
const luaCustomization = `
apiVersion: config.karmada.io/v1alpha1
kind: ResourceInterpreterCustomization
metadata: {name: workload-lua}
spec:
  target: {apiVersion: workload.example.io/v1alpha1, kind: Workload}
  customizations:
    replicaResource:
      luaScript: |
        local kube = require("kube")
        function GetReplicas(obj)
          replica = obj.spec.replicas
          requirement = kube.accuratePodRequirements(obj.spec.template)
          return replica, requirement
        end
    replicaRevision:
      luaScript: |
        function ReviseReplica(obj, desiredReplica)
          obj.spec.replicas = desiredReplica
          return obj
        end
    retention:
      luaScript: |
        function Retain(desiredObj, observedObj)
          desiredObj.spec.paused = observedObj.spec.paused
          return desiredObj
        end
    statusReflection:
      luaScript: |
        function ReflectStatus(observedObj)
          if observedObj.status == nil then
            return nil
          end
          return {readyReplicas = observedObj.status.readyReplicas, phase = observedObj.status.phase}
        end
    statusAggregation:
      luaScript: |
        function AggregateStatus(desiredObj, statusItems)
          if desiredObj.status == nil then
            desiredObj.status = {}
          end
          local ready = 0
          for i = 1, #statusItems do
            if statusItems[i].status ~= nil and statusItems[i].status.readyReplicas ~= nil then
              ready = ready + statusItems[i].status.readyReplicas
            end
          end
          desiredObj.status.readyReplicas = ready
          desiredObj.status.clusters = #statusItems
          return desiredObj
        end
    healthInterpretation:
      luaScript: |
        function InterpretHealth(observedObj)
          if observedObj.status == nil then
            return false
          end
          return observedObj.status.phase ~= "Failed"
        end
    dependencyInterpretation:
      luaScript: |
        local kube = require("kube")
        function GetDependencies(desiredObj)
          return kube.getPodDependencies(desiredObj.spec.template, desiredObj.metadata.namespace)
        end
`

const luaWorkload = `
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast}
---
apiVersion: workload.example.io/v1alpha1
kind: Workload
metadata: {name: web}
spec:
  replicas: 6
  paused: false
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        resources: {requests: {cpu: 100m}}
        envFrom: [{configMapRef: {name: settings}}]
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: web}
spec:
  propagateDeps: true
  resourceSelectors: [{apiVersion: workload.example.io/v1alpha1, kind: Workload, name: web}]
  placement:
    clusterAffinity: {clusterNames: [cluster-hangzhou, cluster-shanghai]}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Weighted
      weightPreference:
        staticWeightList:
        - {targetCluster: {clusterNames: [cluster-hangzhou]}, weight: 2}
        - {targetCluster: {clusterNames: [cluster-shanghai]}, weight: 1}
  failover:
    application:
      decisionConditions: {tolerationSeconds: 5}
      purgeMode: Gracefully
`

// TestLuaCustomizationMakesACRDAWorkload: Karmada's YAML, unchanged,
// turns Workload into a divided workload with dependencies, retained
// member fields, aggregated status, and health that fails it over.
func TestLuaCustomizationMakesACRDAWorkload(t *testing.T) {
	t.Parallel()
	gvr := installCRD(t, "Workload", "workloads")
	const ns = "lua"
	createNamespace(t, ns)
	apply(t, "", luaCustomization)
	NewWithT(t).Eventually(func(g Gomega) {
		c := readyCondition(g, "workload-lua")
		g.Expect(c.Status).To(Equal(metav1.ConditionTrue), c.Message)
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())
	apply(t, ns, luaWorkload)

	replicasIn := func(g Gomega, member string) int64 {
		obj := memberObject(g, t, member, gvr, ns, "web")
		g.Expect(obj).NotTo(BeNil(), "no Workload in %s", member)
		n, _, _ := unstructured.NestedInt64(obj.Object, "spec", "replicas")
		return n
	}
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(decision(g, ns, "web-workload")).To(Equal(map[string]int32{"cluster-hangzhou": 4, "cluster-shanghai": 2}))
		g.Expect(replicasIn(g, "cluster-hangzhou")).To(Equal(int64(4)))
		g.Expect(replicasIn(g, "cluster-shanghai")).To(Equal(int64(2)))
		for _, m := range []string{"cluster-hangzhou", "cluster-shanghai"} {
			cs, err := fleet.Member(m)
			g.Expect(err).NotTo(HaveOccurred())
			_, err = cs.CoreV1().ConfigMaps(ns).Get(context.Background(), "settings", metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred(), "the ConfigMap dependency is not in %s", m)
		}
	}).WithTimeout(2*time.Minute).WithPolling(time.Second).Should(Succeed(), "divided 2:1 with its ConfigMap")

	// The members' operator (the test) reports; the template sums it up.
	NewWithT(t).Eventually(func(g Gomega) {
		setMemberStatus(g, t, "cluster-hangzhou", gvr, ns, "web", map[string]any{"readyReplicas": int64(4), "phase": "Running"})
		setMemberStatus(g, t, "cluster-shanghai", gvr, ns, "web", map[string]any{"readyReplicas": int64(2), "phase": "Running"})
	}).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Succeed())
	NewWithT(t).Eventually(func(g Gomega) {
		tpl := &unstructured.Unstructured{}
		tpl.SetGroupVersionKind(gvr.GroupVersion().WithKind("Workload"))
		g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "web"}, tpl)).To(Succeed())
		ready, _, _ := unstructured.NestedInt64(tpl.Object, "status", "readyReplicas")
		clusters, _, _ := unstructured.NestedInt64(tpl.Object, "status", "clusters")
		g.Expect([]int64{ready, clusters}).To(Equal([]int64{6, 2}))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed(), "status aggregated by the script")

	// Retain: a member-side pause survives the next apply of the template.
	NewWithT(t).Eventually(func(g Gomega) {
		res := memberDynamic(t, "cluster-shanghai").Resource(gvr).Namespace(ns)
		obj, err := res.Get(context.Background(), "web", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(unstructured.SetNestedField(obj.Object, true, "spec", "paused")).To(Succeed())
		_, err = res.Update(context.Background(), obj, metav1.UpdateOptions{FieldManager: "member-operator"})
		g.Expect(err).NotTo(HaveOccurred())
	}).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Succeed())
	apply(t, ns, strings.Replace(luaWorkload, "image: nginx", "image: nginx:1.27", 1))
	NewWithT(t).Eventually(func(g Gomega) {
		obj := memberObject(g, t, "cluster-shanghai", gvr, ns, "web")
		image, _, _ := unstructured.NestedSlice(obj.Object, "spec", "template", "spec", "containers")
		g.Expect(image).To(HaveLen(1))
		g.Expect(image[0].(map[string]any)["image"]).To(Equal("nginx:1.27"))
		paused, _, _ := unstructured.NestedBool(obj.Object, "spec", "paused")
		g.Expect(paused).To(BeTrue(), "the member's paused was not retained")
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())

	// Health: shanghai's copy fails; after the toleration its replicas move.
	NewWithT(t).Eventually(func(g Gomega) {
		setMemberStatus(g, t, "cluster-shanghai", gvr, ns, "web", map[string]any{"readyReplicas": int64(0), "phase": "Failed"})
	}).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Succeed())
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(decision(g, ns, "web-workload")).To(Equal(map[string]int32{"cluster-hangzhou": 6}))
	}).WithTimeout(2*time.Minute).WithPolling(time.Second).Should(Succeed(), "application failover on the script's health")
	var events corev1.EventList
	NewWithT(t).Expect(fleet.ControlPlane.List(context.Background(), &events, client.InNamespace(ns))).To(Succeed())
	NewWithT(t).Expect(events.Items).To(ContainElement(And(HaveField("Reason", "ApplicationFailure"), HaveField("InvolvedObject.Name", "web-workload"))))
}
