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
package localfleet_test

import (
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"kurator.dev/kurator/internal/kubeletsim"
	"kurator.dev/kurator/test/framework/kubectl"
)

// createNamespacedDeployment creates a namespace and in it a Deployment of
// pods requesting cpu and 128Mi each.
// createNamespacedDeployment creates a Deployment and a Service in front of it
// that the load model sends rps requests per second: each costs 1 ms of CPU
// (the default), on top of 2m idle per pod.
func createNamespacedDeployment(t *testing.T, member kubernetes.Interface, namespace, name string, replicas int32, cpu, rps string) {
	t.Helper()
	g := NewWithT(t)
	_, err := member.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	d := deployment(name, replicas, cpu)
	d.Namespace = namespace
	d.Spec.Template.Spec.Containers[0].Resources.Requests[corev1.ResourceMemory] = resource.MustParse("128Mi")
	_, err = member.AppsV1().Deployments(namespace).Create(t.Context(), d, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = member.CoreV1().Services(namespace).Create(t.Context(), &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{kubeletsim.RPSAnnotation: rps}},
		Spec:       corev1.ServiceSpec{Selector: d.Spec.Selector.MatchLabels, Ports: []corev1.ServicePort{{Port: 80}}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
}

// topRows runs kubectl top and returns its rows (without the header) split into columns.
func topRows(g Gomega, kubeconfig string, args ...string) [][]string {
	out, stderr, err := kubectl.Run(kubeconfig, append([]string{"top"}, args...)...)
	g.Expect(err).NotTo(HaveOccurred(), stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	g.Expect(lines[0]).To(ContainSubstring("CPU(cores)"))
	rows := make([][]string, 0, len(lines)-1)
	for _, l := range lines[1:] {
		rows = append(rows, strings.Fields(l))
	}
	return rows
}

func TestKubectlTopInAMember(t *testing.T) {
	g := NewWithT(t)
	const member, ns = "cluster-shanghai", "metrics-top"
	client, err := fleet.Member(member)
	g.Expect(err).NotTo(HaveOccurred())
	kubeconfig := fleet.Layout().ClusterKubeconfig(member)
	createNamespacedDeployment(t, client, ns, "web", 2, "200m", "196")

	// 98 requests/s per pod: 2m idle + 98 × 1 ms = 100m.
	g.Eventually(func(g Gomega) {
		rows := topRows(g, kubeconfig, "pods", "-n", ns)
		g.Expect(rows).To(HaveLen(2))
		for _, r := range rows {
			g.Expect(r[0]).To(HavePrefix("web-"))
			g.Expect(r[1]).To(Equal("100m"))
		}
	}).WithTimeout(60 * time.Second).WithPolling(time.Second).Should(Succeed())

	rows := topRows(g, kubeconfig, "nodes")
	g.Expect(rows).To(HaveLen(3))
	busy := 0
	for _, r := range rows {
		g.Expect(r[0]).To(HavePrefix(member + "-node-"))
		if r[1] != "0m" {
			busy++
		}
	}
	g.Expect(busy).To(BeNumerically(">=", 1), "the nodes running the pods use CPU")

	// Whoever may view the namespace may read its pods' usage.
	_, err = client.RbacV1().RoleBindings(ns).Create(t.Context(), &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "viewer"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "view"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "viewer"}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func(g Gomega) {
		g.Expect(topRows(g, kubeconfig, "pods", "-n", ns, "--as=viewer")).To(HaveLen(2))
	}).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Succeed())
	_, _, err = kubectl.Run(kubeconfig, "top", "pods", "-n", "default", "--as=viewer")
	g.Expect(err).To(MatchError(ContainSubstring("forbidden")), "but not elsewhere")

	_, _, err = kubectl.Run(kubeconfig, "get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/"+ns+"/pods/nope")
	g.Expect(err).To(MatchError(ContainSubstring(`pods.metrics.k8s.io "nope" not found`)))
}

func TestMemberHPAScalesOnTheMetricsAPI(t *testing.T) {
	g := NewWithT(t)
	const member, ns = "cluster-shanghai", "metrics-hpa"
	client, err := fleet.Member(member)
	g.Expect(err).NotTo(HaveOccurred())
	createNamespacedDeployment(t, client, ns, "busy", 1, "100m", "58")
	// One pod serves 58 requests/s: 60m, 60% of its request over a target
	// of 20%: the HPA wants 3, its maximum. Three share the load: 21% each.
	hpa := &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "busy", Namespace: ns},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "busy"},
			MinReplicas:    ptr.To[int32](1),
			MaxReplicas:    3,
			Metrics: []autoscalingv2.MetricSpec{{
				Type: autoscalingv2.ResourceMetricSourceType,
				Resource: &autoscalingv2.ResourceMetricSource{
					Name:   corev1.ResourceCPU,
					Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr.To[int32](20)},
				},
			}},
		},
	}
	_, err = client.AutoscalingV2().HorizontalPodAutoscalers(ns).Create(t.Context(), hpa, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	g.Eventually(func(g Gomega) {
		got, err := client.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(t.Context(), "busy", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(got.Status.CurrentMetrics).To(ContainElement(HaveField("Resource.Current.AverageUtilization", HaveValue(Equal(int32(21))))))
		g.Expect(got.Status.DesiredReplicas).To(Equal(int32(3)))
		d, err := client.AppsV1().Deployments(ns).Get(t.Context(), "busy", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(d.Spec.Replicas).To(HaveValue(Equal(int32(3))))
		g.Expect(d.Status.ReadyReplicas).To(Equal(int32(3)))
	}).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
}
