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

// Package metricsapi serves a member cluster's metrics.k8s.io API (pods and
// nodes), which the member's kube-apiserver aggregates, so that kubectl top and
// the member's own HorizontalPodAutoscalers work. The figures come from a
// Source: in the local fleet, the simulated kubelet's load model.
package metricsapi

import (
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
)

// ContainerUsage is one container's resource use over a window.
type ContainerUsage struct {
	Name   string
	CPU    resource.Quantity
	Memory resource.Quantity
}

// PodUsage is one pod's resource use, measured over Window and ending at
// Timestamp, as metrics.k8s.io reports it.
type PodUsage struct {
	Namespace  string
	Name       string
	Timestamp  time.Time
	Window     time.Duration
	Containers []ContainerUsage
}

// NodeUsage is one node's resource use, the sum of its pods' use.
type NodeUsage struct {
	Name      string
	Timestamp time.Time
	Window    time.Duration
	CPU       resource.Quantity
	Memory    resource.Quantity
}

// Source reports current usage. Both calls return snapshots the caller may keep.
type Source interface {
	Pods() []PodUsage
	Nodes() []NodeUsage
}
