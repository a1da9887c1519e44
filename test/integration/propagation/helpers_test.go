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
	gocontext "context"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func bg() gocontext.Context { return gocontext.Background() }

func ptr(v int32) *int32 { return &v }

// namespace creates a fresh namespace in the control plane for one test.
func namespace(t *testing.T, g Gomega, prefix string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"}}
	g.Expect(fleet.ControlPlane.Create(t.Context(), ns)).To(Succeed())
	return ns.Name
}

func deployment(ns, name string, replicas int32) *appsv1.Deployment {
	lbls := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: lbls},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: lbls},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.25"}}},
			},
		},
	}
}

func memberClient(g Gomega, cluster string) kubernetes.Interface {
	c, err := fleet.Member(cluster)
	g.Expect(err).NotTo(HaveOccurred())
	return c
}

func memberDeployment(g Gomega, cluster, ns, name string) *appsv1.Deployment {
	d, err := memberClient(g, cluster).AppsV1().Deployments(ns).Get(bg(), name, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	return d
}

// update changes an object the controllers also write (labels, status),
// retrying on conflicts as any client must.
func update(g Gomega, key client.ObjectKey, obj client.Object, mutate func()) {
	g.Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := fleet.ControlPlane.Get(bg(), key, obj); err != nil {
			return err
		}
		mutate()
		return fleet.ControlPlane.Update(bg(), obj)
	})).To(Succeed())
}
