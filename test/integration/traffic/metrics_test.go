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

package traffic_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"kurator.dev/kurator/internal/kubeletsim"
	"kurator.dev/kurator/internal/metricsprovider"
)

// deployInMember creates a Deployment and its Service directly in a member.
func deployInMember(t *testing.T, member kubernetes.Interface, ns, name string, replicas int32, annotations map[string]string) {
	t.Helper()
	ctx := t.Context()
	_, _ = member.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	labels := map[string]string{"app": name}
	_, err := member.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: annotations},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx"}}},
			},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = member.CoreV1().Services(ns).Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Port: 80}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
}

func prometheus(t *testing.T) metricsprovider.Provider {
	t.Helper()
	s, err := fleet.State()
	if err != nil {
		t.Fatal(err)
	}
	if s.Prometheus == nil {
		t.Fatal("the fleet runs no Prometheus")
	}
	p, err := metricsprovider.NewPrometheus(s.Prometheus.URL())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMembersServeIstioMetricsToPrometheus: each member's simulated sidecars
// report Istio's request metrics with a cluster label, Prometheus scrapes
// them, and an error-rate annotation shows as that cluster's success rate.
func TestMembersServeIstioMetricsToPrometheus(t *testing.T) {
	g := NewWithT(t)
	hangzhou, err := fleet.Member("cluster-hangzhou")
	g.Expect(err).NotTo(HaveOccurred())
	shanghai, err := fleet.Member("cluster-shanghai")
	g.Expect(err).NotTo(HaveOccurred())
	deployInMember(t, hangzhou, "metrics", "ratings", 2, map[string]string{kubeletsim.ErrorRateAnnotation: "0.2", kubeletsim.LatencyAnnotation: "50"})
	deployInMember(t, shanghai, "metrics", "ratings", 3, nil)

	// The exposition itself, as Prometheus reads it.
	s, err := fleet.State()
	g.Expect(err).NotTo(HaveOccurred())
	c, err := s.Member("cluster-hangzhou")
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func(g Gomega) {
		resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(c.MetricsPort) + "/metrics")
		g.Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		g.Expect(string(body)).To(And(
			ContainSubstring(`istio_requests_total{cluster="cluster-hangzhou"`),
			ContainSubstring(`destination_workload="ratings"`),
			ContainSubstring(`response_code="503"`),
			ContainSubstring(`istio_request_duration_milliseconds_bucket`),
			ContainSubstring(`container_cpu_usage_seconds_total`),
		))
	}).WithTimeout(time.Minute).WithPolling(time.Second).Should(Succeed())

	// Through Prometheus: the default load (100 requests/s per Service and
	// member), the hangzhou copy failing a fifth of its requests.
	prom := prometheus(t)
	g.Eventually(func(g Gomega) {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		slis, err := metricsprovider.WorkloadSLIs(ctx, prom, metricsprovider.Workload{Namespace: "metrics", Name: "ratings"}, 30*time.Second, time.Now())
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(slis).To(HaveKey("cluster-hangzhou"))
		g.Expect(slis).To(HaveKey("cluster-shanghai"))
		g.Expect(slis["cluster-hangzhou"].RPS).To(BeNumerically("~", 100, 10))
		g.Expect(slis["cluster-hangzhou"].SuccessRate).To(BeNumerically("~", 80, 1))
		g.Expect(slis["cluster-shanghai"].SuccessRate).To(BeNumerically("~", 100, 0.01))
		// Log-normal around 50 ms: P99 about 160 ms (bucket interpolation is coarse).
		g.Expect(slis["cluster-hangzhou"].P99LatencyMs).To(BeNumerically(">", 100))
		g.Expect(slis["cluster-hangzhou"].P99LatencyMs).To(BeNumerically("<", 250))
	}).WithTimeout(2 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())
}
