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
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilptr "k8s.io/utils/ptr"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// The kinds propagated whole that the local fleet runs (a Pod, the
// PodDisruptionBudget guarding it, a LoadBalancer Service in front of it,
// a claim and a CronJob, in every member) read on the control plane as one
// cluster's once every member runs them: kstatus reads Current, the Pod is
// Running and Ready with an address, the budget counts the Pods of every
// member, the Service lists every member's load-balancer address and the
// claim is Bound with what every member's volume offers.
func TestWholeKindsStatusReadAsOneCluster(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "status-whole")
	labels := map[string]string{"app": "solo"}
	container := corev1.Container{Name: "app", Image: "nginx:1.25"}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "solo", Namespace: ns, Labels: labels},
		Spec: corev1.PodSpec{Containers: []corev1.Container{container}}}
	// The namespace's default ServiceAccount, which admission needs, may
	// not be there yet.
	g.Eventually(func() error { return fleet.ControlPlane.Create(t.Context(), pod) }).WithTimeout(20 * time.Second).Should(Succeed())
	minAvailable := intstr.FromInt32(1)
	g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: "solo", Namespace: ns},
		Spec:       policyv1.PodDisruptionBudgetSpec{MinAvailable: &minAvailable, Selector: &metav1.LabelSelector{MatchLabels: labels}},
	})).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(t.Context(), &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "nightly", Namespace: ns},
		Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{
			Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyOnFailure, Containers: []corev1.Container{container}}}}}},
	})).To(Succeed())
	// Members have no load balancer; the simulated kubelet's stand-in for
	// one (MetalLB-like, see internal/kubeletsim) gives each member's copy
	// an address from that member's pool.
	service := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "solo", Namespace: ns},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Selector: labels, Ports: []corev1.ServicePort{{Port: 80}}}}
	g.Expect(fleet.ControlPlane.Create(t.Context(), service)).To(Succeed())
	// Members have no provisioner: a volume made ready in each member is
	// what its claim binds to.
	claim := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "data", Namespace: ns},
		Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: utilptr.To("manual"), AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}}}}
	g.Expect(fleet.ControlPlane.Create(t.Context(), claim)).To(Succeed())
	for i, member := range []string{"cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"} {
		size := resource.MustParse(fmt.Sprintf("%dGi", 2+i))
		_, err := memberClient(g, member).CoreV1().PersistentVolumes().Create(t.Context(), &corev1.PersistentVolume{
			ObjectMeta: metav1.ObjectMeta{Name: "data-" + ns},
			Spec: corev1.PersistentVolumeSpec{StorageClassName: "manual", Capacity: corev1.ResourceList{corev1.ResourceStorage: size},
				AccessModes:            []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/" + ns}}},
		}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
	}
	g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "whole", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{ResourceSelectors: []policyv1alpha1.ResourceSelector{
			{APIVersion: "v1", Kind: "Pod"}, {APIVersion: "policy/v1", Kind: "PodDisruptionBudget"}, {APIVersion: "batch/v1", Kind: "CronJob"},
			{APIVersion: "v1", Kind: "Service"}, {APIVersion: "v1", Kind: "PersistentVolumeClaim"}}},
	})).To(Succeed())

	const members = 3 // the default fleet's, each running a copy
	read := func(g Gomega, obj client.Object, apiVersion, kind string) *unstructured.Unstructured {
		g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKeyFromObject(obj), obj)).To(Succeed())
		raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		g.Expect(err).NotTo(HaveOccurred())
		u := &unstructured.Unstructured{Object: raw}
		u.SetAPIVersion(apiVersion)
		u.SetKind(kind)
		res, err := kstatus.Compute(u)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(res.Status).To(Equal(kstatus.CurrentStatus), "%s: %s", kind, res.Message)
		return u
	}
	g.Eventually(func(g Gomega) {
		read(g, pod, "v1", "Pod")
		g.Expect(pod.Status.Phase).To(Equal(corev1.PodRunning))
		g.Expect(pod.Status.PodIP).NotTo(BeEmpty())
		ready := false
		for _, c := range pod.Status.Conditions {
			ready = ready || c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue
		}
		g.Expect(ready).To(BeTrue(), "Ready in every member")
	}).WithTimeout(60*time.Second).WithPolling(250*time.Millisecond).Should(Succeed(), "Pod")
	pdb := &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: "solo", Namespace: ns}}
	g.Eventually(func(g Gomega) {
		read(g, pdb, "policy/v1", "PodDisruptionBudget")
		g.Expect(pdb.Status.ObservedGeneration).To(Equal(pdb.Generation))
		g.Expect(pdb.Status.ExpectedPods).To(Equal(int32(members)))
		g.Expect(pdb.Status.CurrentHealthy).To(Equal(int32(members)))
		g.Expect(pdb.Status.DesiredHealthy).To(Equal(int32(members)))
		// Each member's one Pod is at its budget: nothing may be evicted.
		g.Expect(pdb.Status.DisruptionsAllowed).To(Equal(int32(0)))
	}).WithTimeout(30*time.Second).WithPolling(250*time.Millisecond).Should(Succeed(), "PodDisruptionBudget")
	g.Eventually(func(g Gomega) {
		read(g, service, "v1", "Service")
		// Every member's address, once every member has one.
		g.Expect(service.Status.LoadBalancer.Ingress).To(HaveLen(members))
	}).WithTimeout(30*time.Second).WithPolling(250*time.Millisecond).Should(Succeed(), "Service")
	g.Eventually(func(g Gomega) {
		read(g, claim, "v1", "PersistentVolumeClaim")
		g.Expect(claim.Status.Phase).To(Equal(corev1.ClaimBound))
		// What every member's volume offers: the smallest is 2Gi.
		g.Expect(claim.Status.Capacity.Storage().String()).To(Equal("2Gi"))
	}).WithTimeout(30*time.Second).WithPolling(250*time.Millisecond).Should(Succeed(), "PersistentVolumeClaim")
	cronJob := &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "nightly", Namespace: ns}}
	g.Eventually(func(g Gomega) { read(g, cronJob, "batch/v1", "CronJob") }).WithTimeout(30 * time.Second).Should(Succeed())
}
