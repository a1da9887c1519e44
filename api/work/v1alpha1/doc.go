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

// Package v1alpha1 contains the work.karmada.io/v1alpha1 API, as served by
// Kurator: the Work kind.
//
// A Work holds the manifests to apply to one member cluster. Works live in
// that cluster's execution namespace, karmada-es-<cluster>. The group, kind
// and field names follow Karmada. The bindings of the same group are in
// the v1alpha2 package.
//
// +kubebuilder:object:generate=true
// +groupName=work.karmada.io
package v1alpha1
