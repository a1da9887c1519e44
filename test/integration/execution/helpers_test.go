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
package execution_test

import (
	"context"
	"encoding/json"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

func memberClient(g Gomega, name string) kubernetes.Interface {
	m, err := fleet.Member(name)
	g.Expect(err).NotTo(HaveOccurred())
	return m
}

func newWork(cluster, name string, objs ...runtime.Object) *workv1alpha1.Work {
	w := &workv1alpha1.Work{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: workv1alpha1.ExecutionNamespace(cluster)}}
	for _, o := range objs {
		w.Spec.Workload.Manifests = append(w.Spec.Workload.Manifests, manifestOf(o))
	}
	return w
}

func manifestOf(obj runtime.Object) workv1alpha1.Manifest {
	raw, err := json.Marshal(obj)
	if err != nil {
		panic(err)
	}
	return workv1alpha1.Manifest{RawExtension: runtime.RawExtension{Raw: raw}}
}

func configMap(ns, name, setting string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Data:       map[string]string{"setting": setting},
	}
}

func deployment(ns, name string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "app", Image: "nginx:1.25",
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}},
				}}},
			},
		},
	}
}

func getWork(g Gomega, work *workv1alpha1.Work) *workv1alpha1.Work {
	w := &workv1alpha1.Work{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKeyFromObject(work), w)).To(Succeed())
	return w
}

func expectCondition(g Gomega, w *workv1alpha1.Work, condType string, status metav1.ConditionStatus, reason string) *metav1.Condition {
	c := apimeta.FindStatusCondition(w.Status.Conditions, condType)
	g.Expect(c).NotTo(BeNil(), "no %s condition", condType)
	g.Expect(c.Status).To(Equal(status), "%s: %s", condType, c.Message)
	g.Expect(c.Reason).To(Equal(reason), "%s: %s", condType, c.Message)
	g.Expect(c.ObservedGeneration).To(Equal(w.Generation))
	return c
}

func expectApplied(g Gomega, work *workv1alpha1.Work) {
	g.Eventually(func(g Gomega) {
		expectCondition(g, getWork(g, work), workv1alpha1.ConditionApplied, metav1.ConditionTrue, workv1alpha1.ReasonAppliedSuccessful)
	}).WithTimeout(applyTimeout).Should(Succeed())
}
