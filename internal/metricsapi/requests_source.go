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
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/labels"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/utils/clock"
)

// RequestsSource derives usage from the pods' resource requests, until the
// simulated load model lands in kubeletsim: a running container uses half of
// its CPU request and 60% of its memory request, and 10m CPU / 32Mi memory of
// what it does not request. A node uses what its running pods use. Delete this
// file when the load model's Source replaces it.
type RequestsSource struct {
	pods  corelisters.PodLister
	nodes corelisters.NodeLister
	clock clock.PassiveClock
}

// requestsWindow is the window the figures claim to cover; the HPA counts a
// pod's figures only once it has been Ready for that long.
const requestsWindow = 15 * time.Second

var (
	unrequestedCPU    = resource.MustParse("10m")
	unrequestedMemory = resource.MustParse("32Mi")
)

// NewRequestsSource reads pods and nodes from the listers; clock is the real
// clock when nil.
func NewRequestsSource(pods corelisters.PodLister, nodes corelisters.NodeLister, clk clock.PassiveClock) *RequestsSource {
	if clk == nil {
		clk = clock.RealClock{}
	}
	return &RequestsSource{pods: pods, nodes: nodes, clock: clk}
}

// Pods reports every running pod.
func (s *RequestsSource) Pods() []PodUsage {
	now := s.clock.Now()
	pods, _ := s.pods.List(labels.Everything())
	out := make([]PodUsage, 0, len(pods))
	for _, p := range pods {
		if !running(p) {
			continue
		}
		u := PodUsage{Namespace: p.Namespace, Name: p.Name, Timestamp: now, Window: requestsWindow}
		for _, c := range p.Spec.Containers {
			u.Containers = append(u.Containers, containerUsage(c))
		}
		out = append(out, u)
	}
	return out
}

// Nodes reports every node, with the sum of its running pods' use.
func (s *RequestsSource) Nodes() []NodeUsage {
	now := s.clock.Now()
	nodes, _ := s.nodes.List(labels.Everything())
	byName := make(map[string]*NodeUsage, len(nodes))
	out := make([]NodeUsage, len(nodes))
	for i, n := range nodes {
		out[i] = NodeUsage{Name: n.Name, Timestamp: now, Window: requestsWindow,
			CPU: *resource.NewMilliQuantity(0, resource.DecimalSI), Memory: *resource.NewQuantity(0, resource.BinarySI)}
		byName[n.Name] = &out[i]
	}
	pods, _ := s.pods.List(labels.Everything())
	for _, p := range pods {
		node := byName[p.Spec.NodeName]
		if node == nil || !running(p) {
			continue
		}
		for _, c := range p.Spec.Containers {
			u := containerUsage(c)
			node.CPU.Add(u.CPU)
			node.Memory.Add(u.Memory)
		}
	}
	return out
}

func running(p *corev1.Pod) bool {
	return p.Spec.NodeName != "" && p.Status.Phase == corev1.PodRunning
}

func containerUsage(c corev1.Container) ContainerUsage {
	u := ContainerUsage{Name: c.Name, CPU: unrequestedCPU.DeepCopy(), Memory: unrequestedMemory.DeepCopy()}
	if cpu, ok := c.Resources.Requests[corev1.ResourceCPU]; ok {
		u.CPU = *resource.NewMilliQuantity(cpu.MilliValue()/2, resource.DecimalSI)
	}
	if mem, ok := c.Resources.Requests[corev1.ResourceMemory]; ok {
		u.Memory = *resource.NewQuantity(mem.Value()*6/10, resource.BinarySI)
	}
	return u
}
