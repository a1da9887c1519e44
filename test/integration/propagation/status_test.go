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
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/kubectl/pkg/polymorphichelpers"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// A Deployment's status on the control plane reads as one cluster's to the
// libraries the ecosystem waits with: kstatus (Helm 4, Flux, kpt) reaches
// Current, 'kubectl rollout status' completes and the Available condition
// that 'kubectl wait' reads is True, for divided and duplicated placements
// alike (Karmada would read 6/2 for the duplicated one).
func TestDeploymentStatusReadsAsOneCluster(t *testing.T) {
	for name, placement := range map[string]policyv1alpha1.Placement{
		"divided": {ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou", "cluster-shanghai"}},
			ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
				ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted}},
		"duplicated": {},
	} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			ns := namespace(t, g, "status-"+name)
			g.Expect(fleet.ControlPlane.Create(t.Context(), deployment(ns, "web", 4))).To(Succeed())
			g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1alpha1.PropagationPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
				Spec: policyv1alpha1.PropagationSpec{
					ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}},
					Placement:         placement,
				},
			})).To(Succeed())
			// The real kubectl, waiting from the start as a pipeline would.
			out, _, err := kubectl("wait", "--for=condition=Available", "deploy/web", "-n", ns, "--timeout=60s")
			g.Expect(err).NotTo(HaveOccurred(), out)
			out, _, err = kubectl("rollout", "status", "deploy/web", "-n", ns, "--timeout=60s")
			g.Expect(err).NotTo(HaveOccurred(), out)
			g.Expect(out).To(ContainSubstring("successfully rolled out"))
			g.Eventually(func(g Gomega) {
				tpl := &appsv1.Deployment{}
				g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "web"}, tpl)).To(Succeed())
				obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(tpl)
				g.Expect(err).NotTo(HaveOccurred())
				u := &unstructured.Unstructured{Object: obj}
				u.SetAPIVersion("apps/v1")
				u.SetKind("Deployment")
				res, err := kstatus.Compute(u)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(res.Status).To(Equal(kstatus.CurrentStatus), res.Message)
				viewer, err := polymorphichelpers.StatusViewerFor(appsv1.SchemeGroupVersion.WithKind("Deployment").GroupKind())
				g.Expect(err).NotTo(HaveOccurred())
				_, done, err := viewer.Status(u, 0)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(done).To(BeTrue())
				g.Expect(tpl.Status.ReadyReplicas).To(Equal(int32(4)))
				available := false
				for _, c := range tpl.Status.Conditions {
					available = available || c.Type == appsv1.DeploymentAvailable && c.Status == "True"
				}
				g.Expect(available).To(BeTrue())
			}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
		})
	}
}

// A StatefulSet duplicated to every member and a DaemonSet on every member
// read, on the control plane, as rolled out to kstatus and to 'kubectl
// rollout status' once the members have rolled them out.
func TestStatefulSetAndDaemonSetStatusReadAsOneCluster(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "status-apps")
	labels := map[string]string{"app": "db"}
	pod := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.25"}}}}
	g.Expect(fleet.ControlPlane.Create(t.Context(), &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: ns},
		Spec:       appsv1.StatefulSetSpec{Replicas: ptr(2), ServiceName: "db", Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: pod},
	})).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(t.Context(), &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: ns},
		Spec:       appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: pod},
	})).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "apps", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{ResourceSelectors: []policyv1alpha1.ResourceSelector{
			{APIVersion: "apps/v1", Kind: "StatefulSet"}, {APIVersion: "apps/v1", Kind: "DaemonSet"}}},
	})).To(Succeed())
	for _, ref := range []string{"statefulset/db", "daemonset/agent"} {
		out, _, err := kubectl("rollout", "status", ref, "-n", ns, "--timeout=90s")
		g.Expect(err).NotTo(HaveOccurred(), out)
		g.Expect(out).To(ContainSubstring("roll"), ref)
	}
	for kind, obj := range map[string]client.Object{"StatefulSet": &appsv1.StatefulSet{}, "DaemonSet": &appsv1.DaemonSet{}} {
		name := map[string]string{"StatefulSet": "db", "DaemonSet": "agent"}[kind]
		g.Eventually(func(g Gomega) {
			g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: name}, obj)).To(Succeed())
			raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
			g.Expect(err).NotTo(HaveOccurred())
			u := &unstructured.Unstructured{Object: raw}
			u.SetAPIVersion("apps/v1")
			u.SetKind(kind)
			res, err := kstatus.Compute(u)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(res.Status).To(Equal(kstatus.CurrentStatus), "%s: %s", kind, res.Message)
			viewer, err := polymorphichelpers.StatusViewerFor(appsv1.SchemeGroupVersion.WithKind(kind).GroupKind())
			g.Expect(err).NotTo(HaveOccurred())
			_, done, err := viewer.Status(u, 0)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(done).To(BeTrue(), kind)
		}).WithTimeout(90*time.Second).WithPolling(250*time.Millisecond).Should(Succeed(), kind)
	}
	sts := &appsv1.StatefulSet{}
	g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "db"}, sts)).To(Succeed())
	// Duplicated to three members, two replicas each, read as two.
	g.Expect(sts.Status.ReadyReplicas).To(Equal(int32(2)))
}

// A Deployment whose Pods cannot run in one member fails on the control
// plane once that member passes its progress deadline: kstatus reads
// Failed, 'kubectl rollout status' reports the deadline, and the
// Progressing condition names the member.
func TestDeploymentPastItsDeadlineInOneMemberFails(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "status-deadline")
	d := deployment(ns, "stuck", 1)
	d.Spec.ProgressDeadlineSeconds = ptr(5)
	// More CPU than any node of the members has: the Pod stays Pending.
	d.Spec.Template.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500")}
	g.Expect(fleet.ControlPlane.Create(t.Context(), d)).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "stuck", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "stuck"}},
			Placement:         policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-shanghai"}}},
		},
	})).To(Succeed())
	g.Eventually(func(g Gomega) {
		tpl := &appsv1.Deployment{}
		g.Expect(fleet.ControlPlane.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "stuck"}, tpl)).To(Succeed())
		raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(tpl)
		g.Expect(err).NotTo(HaveOccurred())
		u := &unstructured.Unstructured{Object: raw}
		u.SetAPIVersion("apps/v1")
		u.SetKind("Deployment")
		res, err := kstatus.Compute(u)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(res.Status).To(Equal(kstatus.FailedStatus), res.Message)
		viewer, err := polymorphichelpers.StatusViewerFor(appsv1.SchemeGroupVersion.WithKind("Deployment").GroupKind())
		g.Expect(err).NotTo(HaveOccurred())
		_, _, err = viewer.Status(u, 0)
		g.Expect(err).To(MatchError(ContainSubstring("exceeded its progress deadline")))
		var progressing *appsv1.DeploymentCondition
		for i := range tpl.Status.Conditions {
			if tpl.Status.Conditions[i].Type == appsv1.DeploymentProgressing {
				progressing = &tpl.Status.Conditions[i]
			}
		}
		g.Expect(progressing).NotTo(BeNil())
		g.Expect(progressing.Reason).To(Equal("ProgressDeadlineExceeded"))
		g.Expect(progressing.Message).To(ContainSubstring("cluster-shanghai"))
	}).WithTimeout(90 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())
	// The real 'kubectl rollout status' reports the deadline and fails.
	out, _, err := kubectl("rollout", "status", "deploy/stuck", "-n", ns, "--timeout=30s")
	g.Expect(err).To(MatchError(ContainSubstring("exceeded its progress deadline")), out)
}
