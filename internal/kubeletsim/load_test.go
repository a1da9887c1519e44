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

package kubeletsim

import (
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
)

func readyPod(name string, lbls map[string]string, opts ...podOpt) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "prod", UID: types.UID("uid-" + name), Labels: lbls},
		Spec:       corev1.PodSpec{NodeName: "c1-node-0", Containers: []corev1.Container{{Name: "app"}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{
			{Type: corev1.PodReady, Status: corev1.ConditionTrue}}},
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

func service(name string, selector map[string]string, annotations map[string]string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "prod", Annotations: annotations},
		Spec:       corev1.ServiceSpec{Selector: selector},
	}
}

func rpsOf(t map[types.NamespacedName][]podTraffic, pod string) float64 {
	total := 0.0
	for _, x := range t[types.NamespacedName{Namespace: "prod", Name: pod}] {
		total += x.RPS
	}
	return total
}

func TestRouteWithoutVirtualServiceServesLocally(t *testing.T) {
	g := NewWithT(t)
	app := map[string]string{"app": "reviews"}
	notReady := readyPod("r3", app)
	notReady.Status.Conditions[0].Status = corev1.ConditionFalse
	got := route(trafficInput{
		Cluster: "c1", DefaultRPS: 90,
		Services:  []*corev1.Service{service("reviews", app, nil), service("quiet", map[string]string{"app": "quiet"}, map[string]string{RPSAnnotation: "0"})},
		Pods:      []*corev1.Pod{readyPod("r1", app), readyPod("r2", app), notReady, readyPod("q1", map[string]string{"app": "quiet"})},
		Behaviour: func(*corev1.Pod) behaviour { return defaultBehaviour() },
	})
	g.Expect(rpsOf(got, "r1")).To(BeNumerically("~", 45, 1e-9))
	g.Expect(rpsOf(got, "r2")).To(BeNumerically("~", 45, 1e-9))
	g.Expect(rpsOf(got, "r3")).To(BeZero(), "a pod that is not Ready gets no traffic")
	g.Expect(rpsOf(got, "q1")).To(BeZero(), "sim.kurator.dev/rps: 0 silences a Service")
}

// clusterRoute is what Kurator's TrafficPolicy writes in every member: one
// subset per cluster, weighted.
func clusterRoute(weights map[string]int32) (virtualService, destinationRule) {
	vs := virtualService{Namespace: "prod", Annotations: map[string]string{RPSAnnotation: "200"}}
	dr := destinationRule{Namespace: "prod", Host: "reviews", Subsets: map[string]map[string]string{}}
	for c, w := range weights {
		vs.Route = append(vs.Route, weightedDestination{Host: "reviews.prod.svc.cluster.local", Subset: c, Weight: w})
		dr.Subsets[c] = map[string]string{ClusterLabel: c}
	}
	return vs, dr
}

func TestRouteFollowsClusterWeights(t *testing.T) {
	app := map[string]string{"app": "reviews"}
	vs, dr := clusterRoute(map[string]int32{"c1": 60, "c2": 40})
	for cluster, want := range map[string]float64{"c1": 120, "c2": 80, "c3": 0} {
		got := route(trafficInput{
			Cluster: cluster, DefaultRPS: 10,
			Services:  []*corev1.Service{service("reviews", app, nil)},
			Routes:    []virtualService{vs},
			Rules:     []destinationRule{dr},
			Pods:      []*corev1.Pod{readyPod("r1", app), readyPod("r2", app)},
			Behaviour: func(*corev1.Pod) behaviour { return defaultBehaviour() },
		})
		NewWithT(t).Expect(rpsOf(got, "r1")+rpsOf(got, "r2")).To(BeNumerically("~", want, 1e-9), "Q_i = Q_total × w_i / 100 in %s", cluster)
	}
}

func TestRouteVersionSubsets(t *testing.T) {
	g := NewWithT(t)
	v1 := map[string]string{"app": "reviews", "version": "v1"}
	v2 := map[string]string{"app": "reviews", "version": "v2"}
	vs := virtualService{Namespace: "prod", Route: []weightedDestination{
		{Host: "reviews.prod.svc.cluster.local", Subset: "v1", Weight: 90},
		{Host: "reviews.prod.svc.cluster.local", Subset: "v2", Weight: 10},
		{Host: "reviews.prod.svc.cluster.local", Subset: "undefined", Weight: 0},
	}}
	dr := destinationRule{Namespace: "prod", Host: "reviews.prod.svc.cluster.local", Subsets: map[string]map[string]string{"v1": {"version": "v1"}, "v2": {"version": "v2"}}}
	got := route(trafficInput{
		Cluster: "c1", DefaultRPS: 100,
		Services:  []*corev1.Service{service("reviews", map[string]string{"app": "reviews"}, nil)},
		Routes:    []virtualService{vs},
		Rules:     []destinationRule{dr},
		Pods:      []*corev1.Pod{readyPod("a", v1), readyPod("b", v1), readyPod("c", v2)},
		Behaviour: func(*corev1.Pod) behaviour { return defaultBehaviour() },
	})
	g.Expect(rpsOf(got, "a")).To(BeNumerically("~", 45, 1e-9))
	g.Expect(rpsOf(got, "c")).To(BeNumerically("~", 10, 1e-9))
}

func TestRouteOutlierDetectionEjectsFailingPods(t *testing.T) {
	g := NewWithT(t)
	app := map[string]string{"app": "reviews"}
	vs, dr := clusterRoute(map[string]int32{"c1": 100})
	failing := func(p *corev1.Pod) bool { return p.Name == "r1" }
	behaviourOf := func(p *corev1.Pod) behaviour {
		b := defaultBehaviour()
		if failing(p) {
			b.errorRate = 1
		}
		return b
	}
	pods := []*corev1.Pod{readyPod("r1", app), readyPod("r2", app), readyPod("r3", app), readyPod("r4", app), readyPod("r5", app)}
	in := trafficInput{Cluster: "c1", Services: []*corev1.Service{service("reviews", app, nil)}, Routes: []virtualService{vs}, Rules: []destinationRule{dr}, Pods: pods, Behaviour: behaviourOf}
	g.Expect(rpsOf(route(in), "r1")).To(BeNumerically("~", 40, 1e-9), "without outlierDetection the failing pod keeps its share")

	dr.Outlier, dr.MaxEjectionPercent = true, 20
	in.Rules = []destinationRule{dr}
	got := route(in)
	g.Expect(rpsOf(got, "r1")).To(BeZero(), "ejected")
	g.Expect(rpsOf(got, "r2")).To(BeNumerically("~", 50, 1e-9))

	dr.MaxEjectionPercent = 10 // 10% of 5 pods rounds down to none
	in.Rules = []destinationRule{dr}
	g.Expect(rpsOf(route(in), "r1")).To(BeNumerically("~", 40, 1e-9))
}

func TestServiceOfHost(t *testing.T) {
	g := NewWithT(t)
	for host, want := range map[string]string{
		"reviews":                         "prod/reviews",
		"reviews.other":                   "other/reviews",
		"reviews.other.svc":               "other/reviews",
		"reviews.other.svc.cluster.local": "other/reviews",
	} {
		key, ok := serviceOfHost(host, "prod")
		g.Expect(ok).To(BeTrue(), host)
		g.Expect(key.String()).To(Equal(want), host)
	}
	for _, host := range []string{"api.global.example.com", "*", ""} {
		_, ok := serviceOfHost(host, "prod")
		g.Expect(ok).To(BeFalse(), host)
	}
}

func TestParseVirtualServicePicksTheCatchAllRoute(t *testing.T) {
	g := NewWithT(t)
	u := &unstructured.Unstructured{Object: map[string]any{
		"metadata": map[string]any{"name": "r", "namespace": "prod"},
		"spec": map[string]any{"http": []any{
			map[string]any{"match": []any{map[string]any{"uri": map[string]any{"prefix": "/x"}}}, "route": []any{
				map[string]any{"destination": map[string]any{"host": "x"}}}},
			map[string]any{"route": []any{
				map[string]any{"destination": map[string]any{"host": "reviews", "subset": "v1"}, "weight": int64(90)},
				map[string]any{"destination": map[string]any{"host": "reviews", "subset": "v2"}, "weight": int64(10)}}},
		}},
	}}
	vs := parseVirtualService(u)
	g.Expect(vs.Route).To(Equal([]weightedDestination{{Host: "reviews", Subset: "v1", Weight: 90}, {Host: "reviews", Subset: "v2", Weight: 10}}))

	single := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"http": []any{
		map[string]any{"route": []any{map[string]any{"destination": map[string]any{"host": "reviews"}}}}}}}}
	g.Expect(parseVirtualService(single).Route).To(Equal([]weightedDestination{{Host: "reviews", Weight: 100}}), "a lone destination takes all")
}

func TestPodBehaviour(t *testing.T) {
	g := NewWithT(t)
	b, errs := podBehaviour(readyPod("p", nil, annotated(ErrorRateAnnotation, "0.25"), annotated(LatencyAnnotation, "100"), annotated(CPUPerRequestAnnotation, "5m")))
	g.Expect(errs).To(BeEmpty())
	g.Expect(b.errorRate).To(Equal(0.25))
	g.Expect(b.latencyMs).To(Equal(100.0))
	g.Expect(b.cpuPerRequest).To(BeNumerically("~", 0.005, 1e-12))
	g.Expect(b.latencyCDF(100)).To(BeNumerically("~", 0.5, 1e-9), "latency-ms is the median")
	g.Expect(b.latencyCDF(100*3.2)).To(BeNumerically("~", 0.99, 0.002), "P99 is about 3.2 times the median")

	b, errs = podBehaviour(readyPod("p", nil, annotated(ErrorRateAnnotation, "2"), annotated(LatencyAnnotation, "-1"), annotated(CPUPerRequestAnnotation, "lots")))
	g.Expect(errs).To(HaveLen(3))
	g.Expect(b).To(Equal(defaultBehaviour()), "malformed values keep the defaults")
}

func TestMeterCountsRequestsAndUsage(t *testing.T) {
	g := NewWithT(t)
	clk := clocktesting.NewFakeClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	app := map[string]string{"app": "reviews", "version": "v2", "pod-template-hash": "abc"}
	pod := readyPod("reviews-abc-1", app, annotated(ErrorRateAnnotation, "0.1"), func(p *corev1.Pod) {
		p.OwnerReferences = []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "reviews-abc", Controller: ptr.To(true)}}
	})
	pods := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	services := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	g.Expect(pods.Add(pod)).To(Succeed())
	g.Expect(services.Add(service("reviews", map[string]string{"app": "reviews"}, map[string]string{RPSAnnotation: "50"}))).To(Succeed())

	m := newMeter("c1", []string{"c1-node-0", "c1-node-1"}, 100, clk)
	m.attach(m.log, corelisters.NewPodLister(pods), corelisters.NewServiceLister(services), &istioRoutes{})
	m.Tick()
	clk.Step(10 * time.Second)

	want := `
# HELP istio_requests_total Requests served by the workload (simulated by the Kurator load model).
# TYPE istio_requests_total counter
istio_requests_total{cluster="c1",connection_security_policy="mutual_tls",destination_canonical_service="reviews",destination_cluster="c1",destination_service="reviews.prod.svc.cluster.local",destination_service_name="reviews",destination_service_namespace="prod",destination_version="v2",destination_workload="reviews",destination_workload_namespace="prod",namespace="prod",pod="reviews-abc-1",reporter="destination",request_protocol="http",response_code="200",response_flags="-",source_workload="unknown",source_workload_namespace="unknown"} 450
istio_requests_total{cluster="c1",connection_security_policy="mutual_tls",destination_canonical_service="reviews",destination_cluster="c1",destination_service="reviews.prod.svc.cluster.local",destination_service_name="reviews",destination_service_namespace="prod",destination_version="v2",destination_workload="reviews",destination_workload_namespace="prod",namespace="prod",pod="reviews-abc-1",reporter="destination",request_protocol="http",response_code="503",response_flags="-",source_workload="unknown",source_workload_namespace="unknown"} 50
`
	g.Expect(testutil.CollectAndCompare(m, strings.NewReader(want), "istio_requests_total")).To(Succeed())
	g.Expect(testutil.CollectAndCount(m, "istio_request_duration_milliseconds")).To(Equal(2))
	// 2m idle + 50 requests/s × 1 ms over 10 s.
	g.Expect(testutil.ToFloat64(onlyMetric(m, "container_cpu_usage_seconds_total"))).To(BeNumerically("~", 10*(0.002+0.05), 1e-9))

	usage := m.Usage()
	podUsage := usage.Pods()
	g.Expect(podUsage).To(HaveLen(1))
	g.Expect(podUsage[0].Containers[0].CPU.MilliValue()).To(Equal(int64(52)))
	nodes := usage.Nodes()
	g.Expect(nodes).To(HaveLen(2))
	g.Expect(nodes[0].CPU.MilliValue()).To(Equal(int64(102)), "pods plus the node's overhead")
	g.Expect(nodes[1].CPU.MilliValue()).To(Equal(int64(50)))

	g.Expect(pods.Delete(pod)).To(Succeed())
	m.Tick()
	g.Expect(testutil.CollectAndCount(m, "istio_requests_total")).To(BeZero(), "a deleted pod's counters go with it")
}

// onlyMetric filters a collector down to one metric family.
func onlyMetric(c prometheus.Collector, name string) prometheus.Collector {
	return filtered{c, name}
}

type filtered struct {
	prometheus.Collector
	name string
}

func (f filtered) Collect(ch chan<- prometheus.Metric) {
	all := make(chan prometheus.Metric)
	go func() { f.Collector.Collect(all); close(all) }()
	for m := range all {
		if strings.Contains(m.Desc().String(), `"`+f.name+`"`) {
			ch <- m
		}
	}
}
