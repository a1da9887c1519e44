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
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/utils/clock"
)

// Meter is the load model of one member: it routes simulated requests to the
// member's Ready pods (see route) and integrates what they cost — requests by
// response code, response times, CPU seconds — over time, as a sidecar proxy
// and cAdvisor would count them. It stands in for real traffic: every figure
// it produces is simulated.
type Meter struct {
	cluster    string
	nodes      []string
	defaultRPS float64
	clock      clock.Clock
	log        logr.Logger

	mu       sync.Mutex
	pods     corelisters.PodLister
	services corelisters.ServiceLister
	routes   *istioRoutes
	last     time.Time
	load     map[types.NamespacedName]*podLoad
	warned   map[types.UID]bool
}

// podLoad is one pod's current load and its counters so far.
type podLoad struct {
	namespace, name, node string
	workload, version     string
	app                   string
	containers            []string
	behaviour             behaviour
	traffic               []podTraffic
	// Counters, by Service: requests answered 2xx and 5xx, with their
	// response-time histograms.
	served map[types.NamespacedName]*responses
	// cpuSeconds is the CPU time used so far, by container.
	cpuSeconds []float64
}

// responses counts requests by outcome; bucket counts are cumulative.
type responses struct {
	ok, failed         float64
	okBuckets, fBucket []float64
	okSum, failedSum   float64
}

// DurationBuckets are Istio's default istio_request_duration_milliseconds
// bucket bounds.
var DurationBuckets = []float64{0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000}

func newMeter(cluster string, nodes []string, defaultRPS float64, clk clock.Clock) *Meter {
	return &Meter{cluster: cluster, nodes: nodes, defaultRPS: defaultRPS, clock: clk, log: logr.Discard(),
		load: map[types.NamespacedName]*podLoad{}, warned: map[types.UID]bool{}}
}

// attach gives the meter what it reads from the member.
func (m *Meter) attach(log logr.Logger, pods corelisters.PodLister, services corelisters.ServiceLister, routes *istioRoutes) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.log, m.pods, m.services, m.routes = log, pods, services, routes
	m.last = m.clock.Now()
}

// Tick counts what the load in force cost since the last tick, then re-reads
// the member for the load from now on.
func (m *Meter) Tick() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.advanceLocked()
}

func (m *Meter) advanceLocked() {
	if m.pods == nil {
		return
	}
	now := m.clock.Now()
	dt := now.Sub(m.last).Seconds()
	m.last = now
	if dt > 0 {
		for _, p := range m.load {
			p.count(dt)
		}
	}
	m.reload()
}

func (p *podLoad) count(dt float64) {
	b := p.behaviour
	rps := 0.0
	for _, t := range p.traffic {
		rps += t.RPS
		n := t.RPS * dt
		r := p.served[t.Service]
		if r == nil {
			r = &responses{okBuckets: make([]float64, len(DurationBuckets)), fBucket: make([]float64, len(DurationBuckets))}
			p.served[t.Service] = r
		}
		failed := n * b.errorRate
		ok := n - failed
		r.ok += ok
		r.failed += failed
		r.okSum += ok * b.meanLatency()
		r.failedSum += failed * b.meanLatency()
		for i, le := range DurationBuckets {
			f := b.latencyCDF(le)
			r.okBuckets[i] += ok * f
			r.fBucket[i] += failed * f
		}
	}
	for i := range p.cpuSeconds {
		p.cpuSeconds[i] += p.cpuCores(i, rps) * dt
	}
}

func (p *podLoad) rps() float64 {
	total := 0.0
	for _, t := range p.traffic {
		total += t.RPS
	}
	return total
}

// cpuCores is container i's CPU use at the given load: the traffic lands on
// the first container, the others idle.
func (p *podLoad) cpuCores(i int, rps float64) float64 {
	if i == 0 {
		return p.behaviour.cpuIdle + rps*p.behaviour.cpuPerRequest
	}
	return p.behaviour.cpuIdle
}

func (p *podLoad) memoryBytes(i int, rps float64) float64 {
	if i == 0 {
		return p.behaviour.memoryIdle + rps*p.behaviour.memoryPerRPS
	}
	return p.behaviour.memoryIdle
}

// reload re-reads pods, Services and routes and sets each pod's load. Pods
// that are gone take their counters with them, as a proxy's do.
func (m *Meter) reload() {
	pods, err := m.pods.List(labels.Everything())
	if err != nil {
		return
	}
	services, err := m.services.List(labels.Everything())
	if err != nil {
		return
	}
	routes, rules := m.routes.snapshot()
	behaviours := make(map[types.UID]behaviour, len(pods))
	for _, p := range pods {
		b, errs := podBehaviour(p)
		if len(errs) > 0 && !m.warned[p.UID] {
			m.warned[p.UID] = true
			m.log.Info("Ignoring malformed simulation annotations", "pod", klogRef(p), "errors", errs)
		}
		behaviours[p.UID] = b
	}
	traffic := route(trafficInput{
		Cluster: m.cluster, DefaultRPS: m.defaultRPS, Services: services, Routes: routes, Rules: rules, Pods: pods,
		Behaviour: func(p *corev1.Pod) behaviour { return behaviours[p.UID] },
	})
	seen := make(map[types.NamespacedName]bool, len(pods))
	for _, p := range pods {
		if p.Status.Phase != corev1.PodRunning {
			continue
		}
		key := types.NamespacedName{Namespace: p.Namespace, Name: p.Name}
		seen[key] = true
		l := m.load[key]
		if l == nil {
			l = newPodLoad(p)
			m.load[key] = l
		}
		l.behaviour = behaviours[p.UID]
		l.traffic = traffic[key]
	}
	for key := range m.load {
		if !seen[key] {
			delete(m.load, key)
		}
	}
}

func newPodLoad(p *corev1.Pod) *podLoad {
	l := &podLoad{
		namespace: p.Namespace, name: p.Name, node: p.Spec.NodeName,
		workload: workloadName(p), version: p.Labels["version"], app: p.Labels["app"],
		served: map[types.NamespacedName]*responses{},
	}
	for _, c := range p.Spec.Containers {
		l.containers = append(l.containers, c.Name)
	}
	l.cpuSeconds = make([]float64, len(l.containers))
	if l.version == "" {
		l.version = "unknown"
	}
	if l.app == "" {
		l.app = l.workload
	}
	return l
}

// workloadName is the name Istio reports as destination_workload: the
// Deployment for a ReplicaSet's pod, else the controller, else the pod.
func workloadName(p *corev1.Pod) string {
	ref := metav1.GetControllerOf(p)
	if ref == nil {
		return p.Name
	}
	if hash := p.Labels["pod-template-hash"]; ref.Kind == "ReplicaSet" && hash != "" {
		return strings.TrimSuffix(ref.Name, "-"+hash)
	}
	return ref.Name
}

func klogRef(p *corev1.Pod) string { return p.Namespace + "/" + p.Name }

// sortedLoads returns the pods' loads in a stable order.
func (m *Meter) sortedLoads() []*podLoad {
	out := make([]*podLoad, 0, len(m.load))
	for _, l := range m.load {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].namespace != out[j].namespace {
			return out[i].namespace < out[j].namespace
		}
		return out[i].name < out[j].name
	})
	return out
}
