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
package propagation_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/test/framework"
)

func applySeed(t *testing.T, g Gomega, file, ns string) {
	t.Helper()
	g.Expect(framework.ApplySeed(t.Context(), fleet.ControlPlane, file, ns)).To(Succeed())
}

func binding(g Gomega, ns, name string) *workv1alpha2.ResourceBinding {
	rb := &workv1alpha2.ResourceBinding{}
	g.Expect(fleet.ControlPlane.Get(bg(), client.ObjectKey{Namespace: ns, Name: name}, rb)).To(Succeed())
	return rb
}

func decision(rb *workv1alpha2.ResourceBinding) map[string]int32 {
	out := map[string]int32{}
	for _, c := range rb.Spec.Clusters {
		out[c.Name] = c.Replicas
	}
	return out
}

// workReplicas reads spec.replicas of the manifest each cluster's Work holds.
func workReplicas(g Gomega, ns, rbName string) map[string]int64 {
	var works workv1alpha1.WorkList
	g.Expect(fleet.ControlPlane.List(bg(), &works, client.MatchingLabels{
		workv1alpha1.BindingNamespaceLabel: ns, workv1alpha1.BindingNameLabel: rbName})).To(Succeed())
	out := map[string]int64{}
	for _, w := range works.Items {
		if !w.DeletionTimestamp.IsZero() {
			continue
		}
		var d appsv1.Deployment
		g.Expect(json.Unmarshal(w.Spec.Workload.Manifests[0].Raw, &d)).To(Succeed())
		out[strings.TrimPrefix(w.Namespace, "karmada-es-")] = int64(*d.Spec.Replicas)
	}
	return out
}

func TestSeed06SchedulesAndRendersPerCluster(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "seed06")
	applySeed(t, g, "06-nginx-weighted.yaml", ns)

	g.Eventually(func(g Gomega) {
		rb := binding(g, ns, "nginx-deployment")
		g.Expect(decision(rb)).To(Equal(map[string]int32{"cluster-hangzhou": 6, "cluster-shanghai": 4}))
		g.Expect(apimeta.IsStatusConditionTrue(rb.Status.Conditions, workv1alpha2.ConditionScheduled)).To(BeTrue())
		g.Expect(rb.Status.SchedulingExplanation.Strategy).To(Equal("Divided by static weights"))
		g.Expect(workReplicas(g, ns, rb.Name)).To(Equal(map[string]int64{"cluster-hangzhou": 6, "cluster-shanghai": 4}))
	}).WithTimeout(20 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())

	// The members run the replicas, and the template's status is their sum.
	g.Eventually(func(g Gomega) {
		for cluster, want := range map[string]int32{"cluster-hangzhou": 6, "cluster-shanghai": 4} {
			m := memberDeployment(g, cluster, ns, "nginx")
			g.Expect(m.Spec.Replicas).To(HaveValue(Equal(want)))
			g.Expect(m.Status.ReadyReplicas).To(Equal(want))
		}
		tpl := &appsv1.Deployment{}
		g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "nginx"}, tpl)).To(Succeed())
		g.Expect(tpl.Status.ReadyReplicas).To(Equal(int32(10)))
		g.Expect(tpl.Status.AvailableReplicas).To(Equal(int32(10)))
		g.Expect(tpl.Status.ObservedGeneration).To(Equal(tpl.Generation))
		rb := binding(g, ns, "nginx-deployment")
		g.Expect(apimeta.IsStatusConditionTrue(rb.Status.Conditions, workv1alpha2.ConditionFullyApplied)).To(BeTrue())
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	_, err := memberClient(g, "cluster-frankfurt").AppsV1().Deployments(ns).Get(t.Context(), "nginx", metav1.GetOptions{})
	g.Expect(err).To(MatchError(ContainSubstring("not found")))

	// Scaling the template to 15 gives 9/6.
	d := &appsv1.Deployment{}
	update(g, client.ObjectKey{Namespace: ns, Name: "nginx"}, d, func() { d.Spec.Replicas = ptr(15) })
	g.Eventually(func(g Gomega) {
		g.Expect(workReplicas(g, ns, "nginx-deployment")).To(Equal(map[string]int64{"cluster-hangzhou": 9, "cluster-shanghai": 6}))
	}).WithTimeout(20 * time.Second).Should(Succeed())

	// A spec change that is not about replicas is re-rendered too.
	update(g, client.ObjectKey{Namespace: ns, Name: "nginx"}, d, func() { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.27" })
	g.Eventually(func(g Gomega) {
		var works workv1alpha1.WorkList
		g.Expect(fleet.ControlPlane.List(t.Context(), &works, client.MatchingLabels{workv1alpha1.BindingNameLabel: "nginx-deployment", workv1alpha1.BindingNamespaceLabel: ns})).To(Succeed())
		g.Expect(works.Items).To(HaveLen(2))
		for _, w := range works.Items {
			g.Expect(string(w.Spec.Workload.Manifests[0].Raw)).To(ContainSubstring("nginx:1.27"))
		}
	}).WithTimeout(20 * time.Second).Should(Succeed())

	// A changed placement is rescheduled without touching the template.
	pp := &policyv1alpha1.PropagationPolicy{}
	update(g, client.ObjectKey{Namespace: ns, Name: "nginx-propagation"}, pp, func() {
		pp.Spec.Placement.ClusterAffinity.ClusterNames = []string{"cluster-hangzhou", "cluster-frankfurt"}
		pp.Spec.Placement.ReplicaScheduling.WeightPreference.StaticWeightList[1].TargetCluster.ClusterNames = []string{"cluster-frankfurt"}
	})
	g.Eventually(func(g Gomega) {
		g.Expect(workReplicas(g, ns, "nginx-deployment")).To(Equal(map[string]int64{"cluster-hangzhou": 9, "cluster-frankfurt": 6}))
	}).WithTimeout(20 * time.Second).Should(Succeed())

	// The cluster that left the placement loses its copy.
	g.Eventually(func(g Gomega) {
		_, err := memberClient(g, "cluster-shanghai").AppsV1().Deployments(ns).Get(bg(), "nginx", metav1.GetOptions{})
		g.Expect(err).To(MatchError(ContainSubstring("not found")))
		g.Expect(memberDeployment(g, "cluster-frankfurt", ns, "nginx").Spec.Replicas).To(HaveValue(Equal(int32(6))))
	}).WithTimeout(30 * time.Second).Should(Succeed())

	// Deleting the template removes its binding, Works and member copies.
	g.Expect(fleet.ControlPlane.Delete(t.Context(), d)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(workReplicas(g, ns, "nginx-deployment")).To(BeEmpty())
		for _, cluster := range []string{"cluster-hangzhou", "cluster-frankfurt"} {
			_, err := memberClient(g, cluster).AppsV1().Deployments(ns).Get(bg(), "nginx", metav1.GetOptions{})
			g.Expect(err).To(MatchError(ContainSubstring("not found")))
		}
		err := fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "nginx-deployment"}, &workv1alpha2.ResourceBinding{})
		g.Expect(err).To(MatchError(ContainSubstring("not found")))
	}).WithTimeout(30 * time.Second).Should(Succeed())
}

func TestSeed07And02(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "seeds")
	g.Expect(fleet.ControlPlane.Create(t.Context(), deployment(ns, "reviews-v2", 3))).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(t.Context(), deployment(ns, "ai-inference", 10))).To(Succeed())
	applySeed(t, g, "07-reviews-canary.yaml", ns)
	applySeed(t, g, "02-inference-weighted-policy.yaml", ns)
	g.Eventually(func(g Gomega) {
		g.Expect(decision(binding(g, ns, "reviews-v2-deployment"))).To(Equal(map[string]int32{"cluster-shanghai": 3}))
		g.Expect(decision(binding(g, ns, "ai-inference-deployment"))).To(Equal(map[string]int32{"cluster-hangzhou": 7, "cluster-shanghai": 3}))
	}).WithTimeout(20 * time.Second).Should(Succeed())
}

// Seed 08's ConfigMap, with a ClusterPropagationPolicy selecting it, is
// duplicated unchanged to every member.
func TestSeed08ConfigMapIsDuplicated(t *testing.T) {
	g := NewWithT(t)
	applySeed(t, g, "08-network-config.yaml", "kurator-system")
	cpp := &policyv1alpha1.ClusterPropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "network-config"},
		Spec: policyv1alpha1.PropagationSpec{ResourceSelectors: []policyv1alpha1.ResourceSelector{
			{APIVersion: "v1", Kind: "ConfigMap", Namespace: "kurator-system", Name: "network-config"}}},
	}
	g.Expect(fleet.ControlPlane.Create(t.Context(), cpp)).To(Succeed())
	g.Eventually(func(g Gomega) {
		for _, cluster := range []string{"cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"} {
			cm, err := memberClient(g, cluster).CoreV1().ConfigMaps("kurator-system").Get(bg(), "network-config", metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(cm.Data["config"]).To(ContainSubstring("podCIDR: 10.244.0.0/16"))
		}
	}).WithTimeout(30 * time.Second).Should(Succeed())
}

// A policy that targets the seed Fleet and only asks for replicas divided by
// available room takes the fleet's placement: preferred asia-east (weight 60)
// and at most two clusters, so the two asia-east clusters share the replicas.
// (Without a weightPreference, Karmada and Kurator ignore spread constraints
// and divide equally over every fleet cluster.)
func TestPolicyTargetingTheSeedFleet(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "fleet")
	g.Expect(fleet.ControlPlane.Create(t.Context(), deployment(ns, "web", 10))).To(Succeed())
	pp := &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns, Labels: map[string]string{
			fleetv1alpha1.LabelFleetName: "global-production", fleetv1alpha1.LabelFleetNamespace: "kurator-system"}},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}},
			Placement: policyv1alpha1.Placement{ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{
				ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided, ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
				WeightPreference: &policyv1alpha1.ClusterPreferences{DynamicWeight: policyv1alpha1.DynamicWeightByAvailableReplicas}}},
		},
	}
	g.Expect(fleet.ControlPlane.Create(t.Context(), pp)).To(Succeed())
	g.Eventually(func(g Gomega) {
		rb := binding(g, ns, "web-deployment")
		// The split follows each member's free room; the clusters do not.
		got := decision(rb)
		g.Expect(got).To(HaveLen(2))
		g.Expect(got["cluster-hangzhou"] + got["cluster-shanghai"]).To(Equal(int32(10)))
		g.Expect(rb.Spec.Placement.ClusterAffinity.LabelSelector.MatchLabels).To(HaveKeyWithValue(fleetv1alpha1.LabelFleetName, "global-production"))
	}).WithTimeout(30 * time.Second).Should(Succeed())
}

// A Job's parallelism and completions are split across clusters; the
// members run their share to completion and the template sums it up.
func TestJobIsSplitAndCompletes(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "job")
	parallelism, completions := int32(4), int32(8)
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "crunch", Namespace: ns},
		Spec: batchv1.JobSpec{Parallelism: &parallelism, Completions: &completions, Template: corev1.PodTemplateSpec{
			Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}},
	}
	g.Expect(fleet.ControlPlane.Create(t.Context(), job)).To(Succeed())
	targets := []string{"cluster-hangzhou", "cluster-shanghai"}
	pp := &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "crunch", Namespace: ns}, Spec: policyv1alpha1.PropagationSpec{
		ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "batch/v1", Kind: "Job", Name: "crunch"}},
		Placement: policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: targets},
			ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
				ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted}}}}
	g.Expect(fleet.ControlPlane.Create(t.Context(), pp)).To(Succeed())
	g.Eventually(func(g Gomega) {
		for _, cluster := range targets {
			j, err := memberClient(g, cluster).BatchV1().Jobs(ns).Get(bg(), "crunch", metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(j.Spec.Parallelism).To(HaveValue(Equal(int32(2))))
			g.Expect(j.Spec.Completions).To(HaveValue(Equal(int32(4))))
			g.Expect(j.Status.Succeeded).To(Equal(int32(4)))
		}
		tpl := &batchv1.Job{}
		g.Expect(fleet.ControlPlane.Get(bg(), client.ObjectKey{Namespace: ns, Name: "crunch"}, tpl)).To(Succeed())
		g.Expect(tpl.Status.Succeeded).To(Equal(int32(8)))
		g.Expect(tpl.Status.Conditions).To(ContainElement(And(HaveField("Type", batchv1.JobComplete), HaveField("Status", corev1.ConditionTrue))))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
}
