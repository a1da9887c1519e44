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
	"math"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"

	"kurator.dev/kurator/internal/metricsapi"
)

// The simulated sidecars report as Istio's do (reporter="destination"), with a
// cluster label, so queries written for Istio and Flagger work unchanged.
var requestLabels = []string{
	"reporter", "source_workload", "source_workload_namespace",
	"destination_workload", "destination_workload_namespace", "destination_version",
	"destination_service", "destination_service_name", "destination_service_namespace",
	"destination_canonical_service", "destination_cluster",
	"request_protocol", "response_code", "response_flags", "connection_security_policy",
	"namespace", "pod", "cluster",
}

var containerLabels = []string{"namespace", "pod", "container", "node", "cluster"}

var (
	requestsDesc = prometheus.NewDesc("istio_requests_total",
		"Requests served by the workload (simulated by the Kurator load model).", requestLabels, nil)
	durationDesc = prometheus.NewDesc("istio_request_duration_milliseconds",
		"Response times of the requests served (simulated by the Kurator load model).", requestLabels, nil)
	cpuDesc = prometheus.NewDesc("container_cpu_usage_seconds_total",
		"CPU time used by the container (simulated by the Kurator load model).", containerLabels, nil)
	memoryDesc = prometheus.NewDesc("container_memory_working_set_bytes",
		"Working-set memory of the container (simulated by the Kurator load model).", containerLabels, nil)
)

// Describe implements prometheus.Collector.
func (m *Meter) Describe(ch chan<- *prometheus.Desc) {
	ch <- requestsDesc
	ch <- durationDesc
	ch <- cpuDesc
	ch <- memoryDesc
}

// Collect implements prometheus.Collector: counters are brought up to now
// first, so every scrape sees the load up to its own moment.
func (m *Meter) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.advanceLocked()
	for _, l := range m.sortedLoads() {
		for _, svc := range sortedServices(l.served) {
			r := l.served[svc]
			m.collectResponses(ch, l, svc, "200", r.ok, r.okSum, r.okBuckets)
			if r.failed > 0 {
				m.collectResponses(ch, l, svc, "503", r.failed, r.failedSum, r.fBucket)
			}
		}
		rps := l.rps()
		for i, c := range l.containers {
			ch <- prometheus.MustNewConstMetric(cpuDesc, prometheus.CounterValue, l.cpuSeconds[i], l.namespace, l.name, c, l.node, m.cluster)
			ch <- prometheus.MustNewConstMetric(memoryDesc, prometheus.GaugeValue, l.memoryBytes(i, rps), l.namespace, l.name, c, l.node, m.cluster)
		}
	}
}

func (m *Meter) collectResponses(ch chan<- prometheus.Metric, l *podLoad, svc types.NamespacedName, code string, count, sum float64, buckets []float64) {
	host := svc.Name + "." + svc.Namespace + ".svc.cluster.local"
	values := []string{
		"destination", "unknown", "unknown",
		l.workload, l.namespace, l.version,
		host, svc.Name, svc.Namespace,
		l.app, m.cluster,
		"http", code, "-", "mutual_tls",
		l.namespace, l.name, m.cluster,
	}
	ch <- prometheus.MustNewConstMetric(requestsDesc, prometheus.CounterValue, count, values...)
	// Histogram counts are whole requests: floor keeps them cumulative.
	hist := make(map[float64]uint64, len(buckets))
	for i, le := range DurationBuckets {
		hist[le] = uint64(math.Floor(buckets[i]))
	}
	ch <- prometheus.MustNewConstHistogram(durationDesc, uint64(math.Floor(count)), sum, hist, values...)
}

func sortedServices(m map[types.NamespacedName]*responses) []types.NamespacedName {
	out := make([]types.NamespacedName, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// usageWindow is the window metrics.k8s.io reports: the load model's figures
// are rates, steady between ticks.
const usageWindow = 10 * time.Second

// nodeOverhead is what a node's system daemons use besides its pods.
var nodeOverhead = struct{ cpu, memory float64 }{cpu: 0.05, memory: 256 << 20}

// Usage is the meter as the source of the member's metrics.k8s.io API.
func (m *Meter) Usage() metricsapi.Source { return usage{m} }

type usage struct{ m *Meter }

func (u usage) Pods() []metricsapi.PodUsage {
	m := u.m
	m.mu.Lock()
	defer m.mu.Unlock()
	m.advanceLocked()
	now := m.clock.Now()
	out := make([]metricsapi.PodUsage, 0, len(m.load))
	for _, l := range m.sortedLoads() {
		rps := l.rps()
		p := metricsapi.PodUsage{Namespace: l.namespace, Name: l.name, Timestamp: now, Window: usageWindow}
		for i, c := range l.containers {
			p.Containers = append(p.Containers, metricsapi.ContainerUsage{
				Name:   c,
				CPU:    cores(l.cpuCores(i, rps)),
				Memory: memoryQuantity(l.memoryBytes(i, rps)),
			})
		}
		out = append(out, p)
	}
	return out
}

func (u usage) Nodes() []metricsapi.NodeUsage {
	m := u.m
	m.mu.Lock()
	defer m.mu.Unlock()
	m.advanceLocked()
	now := m.clock.Now()
	cpu, mem := map[string]float64{}, map[string]float64{}
	for _, l := range m.load {
		rps := l.rps()
		for i := range l.containers {
			cpu[l.node] += l.cpuCores(i, rps)
			mem[l.node] += l.memoryBytes(i, rps)
		}
	}
	out := make([]metricsapi.NodeUsage, 0, len(m.nodes))
	for _, n := range m.nodes {
		out = append(out, metricsapi.NodeUsage{
			Name: n, Timestamp: now, Window: usageWindow,
			CPU:    cores(cpu[n] + nodeOverhead.cpu),
			Memory: memoryQuantity(mem[n] + nodeOverhead.memory),
		})
	}
	return out
}

func cores(c float64) resource.Quantity {
	return *resource.NewMilliQuantity(int64(math.Round(c*1000)), resource.DecimalSI)
}

func memoryQuantity(b float64) resource.Quantity {
	return *resource.NewQuantity(int64(math.Round(b)), resource.BinarySI)
}
