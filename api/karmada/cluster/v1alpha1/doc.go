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

// Package v1alpha1 contains the cluster.karmada.io/v1alpha1 API, as served by
// Kurator.
//
// The group, kind, field names and defaults follow Karmada so that Karmada
// Cluster manifests are accepted unchanged. A Cluster is cluster-scoped and
// is the scheduler's inventory entry for one member cluster: where it is
// (provider, region, zones), its taints, and its observed health, API
// enablements, nodes and resources.
//
// +kubebuilder:object:generate=true
// +groupName=cluster.karmada.io
package v1alpha1
