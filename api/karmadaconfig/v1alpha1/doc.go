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

// Package v1alpha1 contains the karmada.io/v1alpha1 API as served by
// Kurator: KarmadaConfig, which tunes the running scheduler (how many
// decisions run at once, how many feasible clusters are scored, and how
// long member data may take to arrive) without a restart.
//
// Karmada has no such kind: its scheduler is tuned by command-line flags.
// The kind, its group and its field names come from Kurator's seed
// examples, and what each field does is Kurator's (docs/scheduler-tuning.md).
//
// +kubebuilder:object:generate=true
// +groupName=karmada.io
package v1alpha1
