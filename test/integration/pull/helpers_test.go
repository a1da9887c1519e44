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
	"context"
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/test/framework"
)

func namespace(t *testing.T, g Gomega, prefix string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"}}
	g.Expect(fleet.ControlPlane.Create(t.Context(), ns)).To(Succeed())
	return ns.Name
}

func applySeed(t *testing.T, g Gomega, file, ns string) {
	t.Helper()
	g.Expect(framework.ApplySeed(t.Context(), fleet.ControlPlane, file, ns)).To(Succeed())
}

func member(g Gomega, cluster string) kubernetes.Interface {
	c, err := fleet.Member(cluster)
	g.Expect(err).NotTo(HaveOccurred())
	return c
}

func memberDeployment(g Gomega, cluster, ns, name string) *appsv1.Deployment {
	d, err := member(g, cluster).AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	return d
}

func cluster(g Gomega, name string) *karmadaclusterv1alpha1.Cluster {
	c := &karmadaclusterv1alpha1.Cluster{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Name: name}, c)).To(Succeed())
	return c
}

func ready(c *karmadaclusterv1alpha1.Cluster) bool {
	return apimeta.IsStatusConditionTrue(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)
}

// waitReady waits until the cluster is Ready, or not.
func waitReady(g Gomega, name string, want bool, within time.Duration) {
	g.Eventually(func(g Gomega) {
		g.Expect(ready(cluster(g, name))).To(Equal(want))
	}).WithTimeout(within).WithPolling(250 * time.Millisecond).Should(Succeed())
}

// workReplicas is each cluster's replica count in the binding's Works.
func workReplicas(g Gomega, ns, binding string) map[string]int32 {
	var works workv1alpha1.WorkList
	g.Expect(fleet.ControlPlane.List(context.Background(), &works, client.MatchingLabels{
		workv1alpha1.BindingNameLabel: binding, workv1alpha1.BindingNamespaceLabel: ns})).To(Succeed())
	out := map[string]int32{}
	for _, w := range works.Items {
		if !w.DeletionTimestamp.IsZero() {
			continue
		}
		d := &appsv1.Deployment{}
		g.Expect(json.Unmarshal(w.Spec.Workload.Manifests[0].Raw, d)).To(Succeed())
		c, _ := workv1alpha1.ClusterForExecutionNamespace(w.Namespace)
		out[c] = *d.Spec.Replicas
	}
	return out
}

func binding(g Gomega, ns, name string) *workv1alpha2.ResourceBinding {
	rb := &workv1alpha2.ResourceBinding{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, rb)).To(Succeed())
	return rb
}

// update changes an object the controllers also write, retrying on
// conflicts as any client must.
func update(g Gomega, key client.ObjectKey, obj client.Object, mutate func()) {
	g.Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := fleet.ControlPlane.Get(context.Background(), key, obj); err != nil {
			return err
		}
		mutate()
		return fleet.ControlPlane.Update(context.Background(), obj)
	})).To(Succeed())
}
