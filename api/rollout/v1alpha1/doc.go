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

// Package v1alpha1 contains the rollout.kurator.dev/v1alpha1 API: staged
// rollouts across clusters with metric gates and automatic rollback.
//
// A StagedUpdateStrategy (KubeFleet's shape) orders a workload's clusters
// into stages, with waits, approvals and Argo-compatible analyses before and
// after each stage, and canary traffic steps within it. A PropagationPolicy
// names it; each change of a template it propagates then starts a
// StagedUpdateRun that releases the new revision stage by stage and rolls
// every updated cluster back when a gate fails.
//
// +kubebuilder:object:generate=true
// +groupName=rollout.kurator.dev
package v1alpha1
