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

package metricsapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/kube-openapi/pkg/validation/spec"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned/typed/metrics/v1beta1"
	clocktesting "k8s.io/utils/clock/testing"
)

var (
	sampleTime = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	sampleNow  = sampleTime.Add(3 * time.Second)
)

// sampleUsage has usage for two known nodes and one deleted, and for four
// known pods in two namespaces and one deleted.
func sampleUsage() (fakeSource, *clocktesting.FakePassiveClock) {
	container := func(cpu, mem string) []ContainerUsage {
		return []ContainerUsage{{Name: "app", CPU: resource.MustParse(cpu), Memory: resource.MustParse(mem)}}
	}
	pod := func(ns, name, cpu string) PodUsage {
		return PodUsage{Namespace: ns, Name: name, Timestamp: sampleTime, Window: 15 * time.Second, Containers: container(cpu, "100Mi")}
	}
	node := func(name, cpu, mem string) NodeUsage {
		return NodeUsage{Name: name, Timestamp: sampleTime, Window: 15 * time.Second, CPU: resource.MustParse(cpu), Memory: resource.MustParse(mem)}
	}
	return fakeSource{
		pods: []PodUsage{pod("shop", "web-2", "300m"), pod("shop", "web-1", "250m"), pod("shop", "db-1", "1"),
			pod("other", "web-1", "50m"), pod("shop", "ghost", "10m")},
		nodes: []NodeUsage{node("node-b", "500m", "1Gi"), node("node-a", "1500m", "3Gi"), node("node-gone", "1", "1Gi")},
	}, clocktesting.NewFakePassiveClock(sampleNow)
}

func addSampleObjects(t *testing.T, ts *testServer) {
	t.Helper()
	objs := []any{
		podObject("shop", "web-1", map[string]string{"app": "web"}),
		podObject("shop", "web-2", map[string]string{"app": "web"}),
		podObject("shop", "db-1", map[string]string{"app": "db"}),
		podObject("other", "web-1", map[string]string{"app": "web"}),
	}
	for _, o := range objs {
		if err := ts.pods.Add(o); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []any{nodeObject("node-a", map[string]string{"zone": "a"}), nodeObject("node-b", map[string]string{"zone": "b"})} {
		if err := ts.nodes.Add(o); err != nil {
			t.Fatal(err)
		}
	}
}

func sampleServer(t *testing.T) *testServer {
	src, clk := sampleUsage()
	ts := startServer(t, src, clk)
	addSampleObjects(t, ts)
	return ts
}

func metricsClient(t *testing.T, cfg *rest.Config) metricsclient.MetricsV1beta1Interface {
	t.Helper()
	c, err := metricsclient.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// getJSON GETs path as the front proxy and decodes a 200 answer into out.
func getJSON(t *testing.T, ts *testServer, path string, out any) {
	t.Helper()
	code, body := ts.get(t, path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, body)
	}
}

func TestDiscovery(t *testing.T) {
	g := NewWithT(t)
	ts := sampleServer(t)
	var groups metav1.APIGroupList
	getJSON(t, ts, "/apis", &groups)
	g.Expect(groups.Kind).To(Equal("APIGroupList"))
	g.Expect(groups.Groups).To(HaveLen(1))
	g.Expect(groups.Groups[0].Name).To(Equal("metrics.k8s.io"))
	g.Expect(groups.Groups[0].PreferredVersion.GroupVersion).To(Equal("metrics.k8s.io/v1beta1"))

	var group metav1.APIGroup
	getJSON(t, ts, "/apis/metrics.k8s.io", &group)
	g.Expect(group.Kind).To(Equal("APIGroup"))
	g.Expect(group.Versions).To(Equal([]metav1.GroupVersionForDiscovery{{GroupVersion: "metrics.k8s.io/v1beta1", Version: "v1beta1"}}))

	var resources metav1.APIResourceList
	getJSON(t, ts, "/apis/metrics.k8s.io/v1beta1", &resources)
	g.Expect(resources.Kind).To(Equal("APIResourceList"))
	g.Expect(resources.GroupVersion).To(Equal("metrics.k8s.io/v1beta1"))
	g.Expect(resources.APIResources).To(ConsistOf(
		And(HaveField("Name", "nodes"), HaveField("Kind", "NodeMetrics"), HaveField("Namespaced", false), HaveField("Verbs", metav1.Verbs{"get", "list"})),
		And(HaveField("Name", "pods"), HaveField("Kind", "PodMetrics"), HaveField("Namespaced", true), HaveField("Verbs", metav1.Verbs{"get", "list"})),
	))
}

func TestNodeMetrics(t *testing.T) {
	g := NewWithT(t)
	ts := sampleServer(t)
	names := func(path string) []string {
		var list metricsv1beta1.NodeMetricsList
		getJSON(t, ts, path, &list)
		g.Expect(list.Kind).To(Equal("NodeMetricsList"))
		g.Expect(list.APIVersion).To(Equal("metrics.k8s.io/v1beta1"))
		var out []string
		for _, n := range list.Items {
			out = append(out, n.Name)
		}
		return out
	}
	const nodes = "/apis/metrics.k8s.io/v1beta1/nodes"
	g.Expect(names(nodes)).To(Equal([]string{"node-a", "node-b"}), "sorted, without the deleted node")
	g.Expect(names(nodes + "?labelSelector=zone%3Db")).To(Equal([]string{"node-b"}))
	g.Expect(names(nodes + "?fieldSelector=metadata.name%3Dnode-a")).To(Equal([]string{"node-a"}))
	g.Expect(names(nodes + "?labelSelector=zone%3Dc")).To(BeEmpty())

	var node metricsv1beta1.NodeMetrics
	getJSON(t, ts, nodes+"/node-a", &node)
	g.Expect(node.Kind).To(Equal("NodeMetrics"))
	g.Expect(node.Labels).To(Equal(map[string]string{"zone": "a"}))
	g.Expect(node.Timestamp.Time).To(BeTemporally("==", sampleTime))
	g.Expect(node.Window.Duration).To(Equal(15 * time.Second))
	g.Expect(node.CreationTimestamp.Time).To(BeTemporally("==", sampleNow))
	g.Expect(node.Usage.Cpu().MilliValue()).To(Equal(int64(1500)))
	g.Expect(node.Usage.Memory().Value()).To(Equal(int64(3 << 30)))

	code, body := ts.get(t, nodes+"/node-gone")
	g.Expect(code).To(Equal(http.StatusNotFound))
	s := status(t, body)
	g.Expect(s.Kind).To(Equal("Status"))
	g.Expect(s.APIVersion).To(Equal("v1"))
	g.Expect(s.Reason).To(Equal(metav1.StatusReasonNotFound))
	g.Expect(s.Message).To(Equal(`nodes.metrics.k8s.io "node-gone" not found`))
	g.Expect(s.Details).To(Equal(&metav1.StatusDetails{Name: "node-gone", Group: "metrics.k8s.io", Kind: "nodes"}))

	code, body = ts.get(t, nodes+"?fieldSelector=metadata.namespace%3Dx")
	g.Expect(code).To(Equal(http.StatusBadRequest))
	g.Expect(status(t, body).Message).To(ContainSubstring("field label not supported: metadata.namespace"))
	code, _ = ts.get(t, nodes+"?labelSelector=%21%21")
	g.Expect(code).To(Equal(http.StatusBadRequest))
}

func TestPodMetrics(t *testing.T) {
	g := NewWithT(t)
	ts := sampleServer(t)
	keys := func(path string) []string {
		var list metricsv1beta1.PodMetricsList
		getJSON(t, ts, path, &list)
		g.Expect(list.Kind).To(Equal("PodMetricsList"))
		var out []string
		for _, p := range list.Items {
			out = append(out, p.Namespace+"/"+p.Name)
		}
		return out
	}
	const v = "/apis/metrics.k8s.io/v1beta1"
	g.Expect(keys(v+"/pods")).To(Equal([]string{"other/web-1", "shop/db-1", "shop/web-1", "shop/web-2"}), "sorted, without the deleted pod")
	g.Expect(keys(v + "/namespaces/shop/pods")).To(Equal([]string{"shop/db-1", "shop/web-1", "shop/web-2"}))
	g.Expect(keys(v + "/namespaces/shop/pods?labelSelector=app%3Dweb")).To(Equal([]string{"shop/web-1", "shop/web-2"}))
	g.Expect(keys(v + "/namespaces/shop/pods?labelSelector=app+in+%28db%29")).To(Equal([]string{"shop/db-1"}))
	g.Expect(keys(v + "/pods?fieldSelector=metadata.name%3Dweb-1")).To(Equal([]string{"other/web-1", "shop/web-1"}))
	g.Expect(keys(v + "/pods?fieldSelector=metadata.namespace%3Dother")).To(Equal([]string{"other/web-1"}))
	g.Expect(keys(v + "/namespaces/none/pods")).To(BeEmpty())

	var pod metricsv1beta1.PodMetrics
	getJSON(t, ts, v+"/namespaces/shop/pods/web-1", &pod)
	g.Expect(pod.Kind).To(Equal("PodMetrics"))
	g.Expect(pod.APIVersion).To(Equal("metrics.k8s.io/v1beta1"))
	g.Expect(pod.Labels).To(Equal(map[string]string{"app": "web"}))
	g.Expect(pod.Timestamp.Time).To(BeTemporally("==", sampleTime))
	g.Expect(pod.Containers).To(HaveLen(1))
	g.Expect(pod.Containers[0].Name).To(Equal("app"))
	g.Expect(pod.Containers[0].Usage.Cpu().MilliValue()).To(Equal(int64(250)))
	g.Expect(pod.Containers[0].Usage.Memory().Value()).To(Equal(int64(100 << 20)))

	for _, missing := range []string{"/namespaces/shop/pods/ghost", "/namespaces/other/pods/web-2", "/namespaces/shop/pods/nope"} {
		code, body := ts.get(t, v+missing)
		g.Expect(code).To(Equal(http.StatusNotFound), missing)
		s := status(t, body)
		g.Expect(s.Reason).To(Equal(metav1.StatusReasonNotFound))
		name := missing[strings.LastIndex(missing, "/")+1:]
		g.Expect(s.Message).To(Equal(`pods.metrics.k8s.io "` + name + `" not found`))
	}
	code, _ := ts.get(t, v+"/pods/web-1")
	g.Expect(code).To(Equal(http.StatusNotFound), "a pod is only found in its namespace")
}

func TestUnservedRequests(t *testing.T) {
	g := NewWithT(t)
	ts := sampleServer(t)
	for _, path := range []string{"/openapi/v3", "/api", "/apis/apps/v1", "/apis/metrics.k8s.io/v1beta1/namespaces/x/nodes",
		"/apis/metrics.k8s.io/v1beta1/services", "/apis/metrics.k8s.io/v1beta1/namespaces/x/pods/a/b"} {
		code, body := ts.get(t, path)
		g.Expect(code).To(Equal(http.StatusNotFound), path)
		g.Expect(status(t, body).Reason).To(Equal(metav1.StatusReasonNotFound), path)
	}
	var openAPI spec.Swagger
	getJSON(t, ts, "/openapi/v2", &openAPI)
	g.Expect(openAPI.Swagger).To(Equal("2.0"))

	code, body := ts.get(t, "/apis/metrics.k8s.io/v1beta1/pods?watch=true")
	g.Expect(code).To(Equal(http.StatusMethodNotAllowed))
	g.Expect(status(t, body).Reason).To(Equal(metav1.StatusReasonMethodNotAllowed))

	resp, err := ts.proxyClient(t).Post(ts.url+"/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods", "application/json", strings.NewReader("{}"))
	g.Expect(err).NotTo(HaveOccurred())
	_ = resp.Body.Close()
	g.Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
}
