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

// Package v1alpha1 contains the networking.kurator.dev/v1alpha1 API.
//
// A TrafficPolicy splits a host's traffic across the clusters that run the
// workload behind it. Kurator writes Istio DestinationRule subsets (one per
// cluster, on topology.istio.io/cluster) and VirtualService weights into
// every member, and adapts the weights to each cluster's health: readiness,
// available replicas and service-level indicators read from Prometheus.
//
// +kubebuilder:object:generate=true
// +groupName=networking.kurator.dev
package v1alpha1
