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

package v1alpha1

// Labels set on a Work by the controller that produced it.
const (
	// BindingNamespaceLabel is the namespace of the ResourceBinding a Work
	// was rendered from; empty for a ClusterResourceBinding.
	BindingNamespaceLabel = "work.karmada.io/binding-namespace"
	// BindingNameLabel is the name of the (Cluster)ResourceBinding a Work
	// was rendered from.
	BindingNameLabel = "work.karmada.io/binding-name"
)

// Marks the execution controller puts on a Work and on the objects it
// applies to member clusters.
const (
	// ExecutionFinalizer holds a Work until its objects are removed from
	// (or released in) the member cluster.
	ExecutionFinalizer = "kurator.dev/execution"
	// ManagedByLabel marks a member object as applied by Kurator; its
	// value is ManagedByKurator.
	ManagedByLabel = "kurator.dev/managed-by"
	// ManagedByKurator is the value of ManagedByLabel.
	ManagedByKurator = "kurator"
	// WorkAnnotation names, as <namespace>/<name>, the Work a member object
	// was applied from.
	WorkAnnotation = "kurator.dev/work"
	// BindingGenerationAnnotation on a Work is the generation of its
	// binding the Work was last written for. With the Work's status for
	// its own generation it tells that a member runs what the binding's
	// current decision asks of it.
	BindingGenerationAnnotation = "kurator.dev/binding-generation"
	// PlacedAgainAnnotation on a Work being deleted says that its binding
	// places the workload on the same cluster again: the member's copy is
	// kept for the Work that replaces this one instead of being deleted and
	// made again. The binding controller writes it, so that a pull agent,
	// which may not read bindings, knows it too.
	PlacedAgainAnnotation = "kurator.dev/placed-again"
	// RetainReplicasSetByAnnotation on a resource template says that
	// Kurator set its RetainReplicasLabel because policies propagate the
	// HPAs it names (comma-separated), so that Kurator removes the label
	// once none does, and never a label a user set. It stays on the control
	// plane.
	RetainReplicasSetByAnnotation = "kurator.dev/retain-replicas-set-by"
)

// Reasons of the Work conditions.
const (
	// ReasonAppliedSuccessful: every manifest was applied.
	ReasonAppliedSuccessful = "AppliedSuccessful"
	// ReasonAppliedFailed: at least one manifest could not be applied.
	ReasonAppliedFailed = "AppliedFailed"
	// ReasonConflictExists: the member already has an object of the same
	// name that Kurator does not manage, and conflict resolution is abort.
	ReasonConflictExists = "ConflictExists"
	// ReasonClusterNotReady: the target cluster is missing, not ready or
	// not reachable.
	ReasonClusterNotReady = "ClusterNotReady"
	// ReasonSuspendDispatching: spec.suspendDispatching is true.
	ReasonSuspendDispatching = "SuspendDispatching"
	// ReasonDispatching: the Work is being applied.
	ReasonDispatching = "Dispatching"
	// ReasonAllHealthy: every applied object is healthy.
	ReasonAllHealthy = "AllHealthy"
	// ReasonNotHealthy: at least one applied object is not (yet) healthy.
	ReasonNotHealthy = "NotHealthy"
)
