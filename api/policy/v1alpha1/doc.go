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

// Package v1alpha1 contains the policy.karmada.io/v1alpha1 API, as served by
// Kurator.
//
// The group, kinds, field names and defaults follow Karmada so that Karmada
// PropagationPolicy, ClusterPropagationPolicy, OverridePolicy and
// ClusterOverridePolicy manifests are accepted unchanged. A few fields are
// Kurator extensions; their doc comments say so:
//
//   - placement.clusterAffinity.preferredDuringSchedulingIgnoredDuringExecution
//     (weighted soft cluster preferences, as in a Fleet's placement),
//   - placement.spreadConstraints[].maxSkew,
//   - placement.tolerations (an alias of placement.clusterTolerations),
//   - status on PropagationPolicy and ClusterPropagationPolicy.
//
// +kubebuilder:object:generate=true
// +groupName=policy.karmada.io
package v1alpha1
