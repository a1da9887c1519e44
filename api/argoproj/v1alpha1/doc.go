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

// Package v1alpha1 contains the argoproj.io/v1alpha1 analysis API that Kurator
// serves so that Argo Rollouts users' analysis templates apply unchanged.
//
// An AnalysisTemplate (namespaced) or ClusterAnalysisTemplate (cluster-scoped)
// lists metrics: a Prometheus query, how often and how many times to run it,
// and the conditions that make a measurement successful or failed. Kurator's
// rollouts run a template per member cluster and fleet-wide at each stage and
// embed the MetricResults in their status. Only the prometheus provider is
// measured; other Argo providers are accepted and kept, and refused when a
// rollout runs them (see docs/analysis.md).
//
// +kubebuilder:object:generate=true
// +groupName=argoproj.io
package v1alpha1
