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

// Package v1alpha1 contains the config.karmada.io/v1alpha1 API, as served
// by Kurator: ResourceInterpreterCustomization, which tells Kurator how to
// treat a kind it has no built-in knowledge of (a CRD): where its replicas
// are and how to divide them, when a member's copy is healthy, what status
// it reports and how the members' statuses sum up on the template, what it
// depends on, and which fields member components own.
//
// The group, kind, field names and Lua function signatures follow Karmada,
// so its customizations are accepted unchanged. Kurator extensions, each
// said so in its doc comment:
//
//   - declarative rules next to luaScript (field paths and CEL expressions)
//     for the common cases that do not need a program;
//   - status: whether every script compiled and the last failure of each
//     operation, so that a broken script shows where users look.
//
// +kubebuilder:object:generate=true
// +groupName=config.karmada.io
package v1alpha1
