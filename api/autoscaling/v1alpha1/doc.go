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

// Package v1alpha1 contains the autoscaling.karmada.io/v1alpha1 API, as
// served by Kurator: FederatedHPA, one autoscaler for a workload spread over
// many clusters, and CronFederatedHPA, scheduled changes to a workload's
// replicas or to a FederatedHPA's bounds.
//
// The group, kinds, field names and defaults follow Karmada so that its
// manifests are accepted unchanged. Kurator extensions, each said so in its
// doc comment:
//
//   - External metrics (Karmada rejects them), read from Prometheus and
//     summed across clusters;
//   - status.clusters: what each member contributed to the last
//     computation, and which members were stale;
//   - status.recommendations and status.scaleEvents: the history the
//     stabilization windows and scaling policies are computed from, kept
//     in the object so that a restart forgets nothing.
//
// +kubebuilder:object:generate=true
// +groupName=autoscaling.karmada.io
package v1alpha1
