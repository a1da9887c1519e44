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

// Package v1alpha2 contains the work.karmada.io/v1alpha2 API, as served by
// Kurator: ResourceBinding and ClusterResourceBinding.
//
// A binding ties one resource template to the placement of the policy that
// claimed it, and holds the scheduling result (spec.clusters) and the
// status aggregated from the member clusters. The group, kinds and field
// names follow Karmada; status.schedulingExplanation is a Kurator addition.
// The Work kind of the same group is in the v1alpha1 package.
//
// +kubebuilder:object:generate=true
// +groupName=work.karmada.io
package v1alpha2
