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

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ResourceInterpreterCustomization tells Kurator how to interpret one kind:
// its replicas, health, status and dependencies, by Lua scripts (Karmada's
// format) or declarative rules. It takes precedence over Kurator's built-in
// knowledge of the kind, operation by operation.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=resourceinterpretercustomizations,scope=Cluster,shortName=ric,categories={kurator,karmada-io}
// +kubebuilder:printcolumn:name="Target-API-Version",type=string,JSONPath=`.spec.target.apiVersion`
// +kubebuilder:printcolumn:name="Target-Kind",type=string,JSONPath=`.spec.target.kind`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ResourceInterpreterCustomization struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says which kind is customised and how.
	// +required
	Spec ResourceInterpreterCustomizationSpec `json:"spec"`

	// status says whether the customisation is in force (Kurator extension).
	// +optional
	Status ResourceInterpreterCustomizationStatus `json:"status,omitempty"`
}

// ResourceInterpreterCustomizationSpec is the kind customised and its rules.
type ResourceInterpreterCustomizationSpec struct {
	// target is the kind the rules apply to.
	// +required
	Target CustomizationTarget `json:"target"`

	// customizations are the rules, one per operation; an operation without
	// a rule keeps Kurator's built-in behaviour for the kind.
	// +required
	Customizations CustomizationRules `json:"customizations"`
}

// CustomizationTarget is a kind by API version.
type CustomizationTarget struct {
	// apiVersion is the target's group/version, for example
	// batch.volcano.sh/v1alpha1.
	// +required
	// +kubebuilder:validation:MinLength=1
	APIVersion string `json:"apiVersion"`

	// kind is the target's kind, for example Job.
	// +required
	// +kubebuilder:validation:MinLength=1
	Kind string `json:"kind"`
}

// CustomizationRules are the rules of each operation. Each is a Lua script
// (luaScript, Karmada's format) or, as a Kurator extension, declarative
// fields: not both.
type CustomizationRules struct {
	// retention keeps fields that member components own (an autoscaler's
	// replicas, a suspend flag set in the member) when Kurator applies the
	// manifest again: operation Retain.
	// +optional
	Retention *LocalValueRetention `json:"retention,omitempty"`

	// replicaResource says how many replicas the kind declares and what each
	// asks of a node, so that they are divided across clusters: operation
	// InterpretReplica. Without it (and without built-in knowledge) the kind
	// is propagated whole.
	// +optional
	ReplicaResource *ReplicaResourceRequirement `json:"replicaResource,omitempty"`

	// componentResource lists a multi-template kind's components (a
	// FlinkDeployment's job and task managers): operation InterpretComponent.
	// Kurator schedules such a kind whole: its replicas are the components'
	// sum, never split across clusters, and each cluster is checked for
	// room for the most demanding component. replicaResource, when also
	// given, takes precedence.
	// +optional
	ComponentResource *ComponentResourceRequirement `json:"componentResource,omitempty"`

	// replicaRevision writes one cluster's share of the replicas into the
	// manifest for that cluster: operation ReviseReplica.
	// +optional
	ReplicaRevision *ReplicaRevision `json:"replicaRevision,omitempty"`

	// statusReflection picks what a member's copy reports back: operation
	// InterpretStatus.
	// +optional
	StatusReflection *StatusReflection `json:"statusReflection,omitempty"`

	// statusAggregation sums the members' reported statuses into the
	// template's status: operation AggregateStatus.
	// +optional
	StatusAggregation *StatusAggregation `json:"statusAggregation,omitempty"`

	// healthInterpretation judges whether a member's copy is healthy, which
	// application failover acts on: operation InterpretHealth.
	// +optional
	HealthInterpretation *HealthInterpretation `json:"healthInterpretation,omitempty"`

	// dependencyInterpretation lists the objects the kind needs in the same
	// cluster, propagated with it when the policy says
	// propagateDeps: operation InterpretDependency.
	// +optional
	DependencyInterpretation *DependencyInterpretation `json:"dependencyInterpretation,omitempty"`
}

// LocalValueRetention is the Retain rule.
// +kubebuilder:validation:XValidation:rule="has(self.luaScript) != has(self.paths)",message="give either luaScript or paths"
type LocalValueRetention struct {
	// luaScript defines function Retain(desiredObj, observedObj) returning
	// desiredObj with the fields member components own copied from
	// observedObj.
	// +optional
	LuaScript string `json:"luaScript,omitempty"`

	// paths are fields, such as spec.suspend, whose value in the member is
	// kept whenever the member has one (Kurator extension).
	// +optional
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	Paths []string `json:"paths,omitempty"`
}

// ReplicaResourceRequirement is the InterpretReplica rule.
// +kubebuilder:validation:XValidation:rule="has(self.luaScript) != has(self.replicasPath)",message="give either luaScript or replicasPath"
// +kubebuilder:validation:XValidation:rule="!has(self.podTemplatePath) || has(self.replicasPath)",message="podTemplatePath goes with replicasPath"
type ReplicaResourceRequirement struct {
	// luaScript defines function GetReplicas(desiredObj) returning the
	// replicas and the requirements of one replica (nodeClaim,
	// resourceRequest, namespace, priorityClassName), for example from
	// kube.accuratePodRequirements(desiredObj.spec.template).
	// +optional
	LuaScript string `json:"luaScript,omitempty"`

	// replicasPath is where the replicas are, such as spec.size; a missing
	// field counts as one replica (Kurator extension).
	// +optional
	ReplicasPath string `json:"replicasPath,omitempty"`

	// podTemplatePath is where the pod template of one replica is, such as
	// spec.template; its requests, node selector, affinity and tolerations
	// are what one replica asks of a node (Kurator extension).
	// +optional
	PodTemplatePath string `json:"podTemplatePath,omitempty"`
}

// ComponentResourceRequirement is the InterpretComponent rule.
type ComponentResourceRequirement struct {
	// luaScript defines function GetComponents(desiredObj) returning a list
	// of {name, replicas, replicaRequirements}.
	// +required
	// +kubebuilder:validation:MinLength=1
	LuaScript string `json:"luaScript"`
}

// ReplicaRevision is the ReviseReplica rule.
// +kubebuilder:validation:XValidation:rule="has(self.luaScript) != has(self.replicasPath)",message="give either luaScript or replicasPath"
type ReplicaRevision struct {
	// luaScript defines function ReviseReplica(desiredObj, desiredReplica)
	// returning desiredObj with the cluster's replicas written in.
	// +optional
	LuaScript string `json:"luaScript,omitempty"`

	// replicasPath is the field the cluster's replicas are written to,
	// such as spec.size (Kurator extension).
	// +optional
	ReplicasPath string `json:"replicasPath,omitempty"`
}

// StatusReflection is the InterpretStatus rule.
// +kubebuilder:validation:XValidation:rule="has(self.luaScript) != has(self.fields)",message="give either luaScript or fields"
type StatusReflection struct {
	// luaScript defines function ReflectStatus(observedObj) returning the
	// status to report, or nil for none.
	// +optional
	LuaScript string `json:"luaScript,omitempty"`

	// fields are the paths under status that are reported, such as phase or
	// readyReplicas (Kurator extension); the member's metadata.generation
	// is reported with them, as for every kind.
	// +optional
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	Fields []string `json:"fields,omitempty"`
}

// StatusAggregation is the AggregateStatus rule.
// +kubebuilder:validation:XValidation:rule="has(self.luaScript) != has(self.sumFields)",message="give either luaScript or sumFields"
type StatusAggregation struct {
	// luaScript defines function AggregateStatus(desiredObj, statusItems)
	// returning desiredObj with its status computed from statusItems, each
	// {clusterName, status, applied, health}.
	// +optional
	LuaScript string `json:"luaScript,omitempty"`

	// sumFields are numeric paths under status summed over the clusters,
	// such as readyReplicas (Kurator extension). The template also gets
	// observedGeneration and the conditions that every member agrees on, as
	// for any custom kind.
	// +optional
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	SumFields []string `json:"sumFields,omitempty"`
}

// HealthInterpretation is the InterpretHealth rule.
// +kubebuilder:validation:XValidation:rule="has(self.luaScript) != has(self.healthyWhen)",message="give either luaScript or healthyWhen"
type HealthInterpretation struct {
	// luaScript defines function InterpretHealth(observedObj) returning
	// true when the member's copy is healthy.
	// +optional
	LuaScript string `json:"luaScript,omitempty"`

	// healthyWhen is a CEL expression over the member's copy, named
	// object, true when it is healthy, for example
	// "object.status.phase == 'Running'" (Kurator extension). An expression
	// that cannot be evaluated (a field not there yet) counts as unknown
	// health, not unhealthy.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	HealthyWhen string `json:"healthyWhen,omitempty"`
}

// DependencyInterpretation is the InterpretDependency rule.
// +kubebuilder:validation:XValidation:rule="has(self.luaScript) != has(self.podTemplatePaths)",message="give either luaScript or podTemplatePaths"
type DependencyInterpretation struct {
	// luaScript defines function GetDependencies(desiredObj) returning a
	// list of {apiVersion, kind, namespace, name}, for example from
	// kube.getPodDependencies(desiredObj.spec.template, namespace).
	// +optional
	LuaScript string `json:"luaScript,omitempty"`

	// podTemplatePaths are where the kind's pod templates are, such as
	// spec.template or spec.tasks[*].template: what they reference
	// (ConfigMaps, Secrets, PersistentVolumeClaims, the ServiceAccount) is
	// a dependency (Kurator extension).
	// +optional
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	PodTemplatePaths []string `json:"podTemplatePaths,omitempty"`
}

// ResourceInterpreterCustomizationStatus is whether the customisation is in
// force (Kurator extension).
type ResourceInterpreterCustomizationStatus struct {
	// observedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready is true when every rule compiled, no other
	// customisation of the same kind takes precedence over one of them,
	// and the last run of each operation succeeded; its reason names the
	// first operation that did not (for example InterpretHealthFailed).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// failures are the last failure of each operation that failed since
	// the customisation last changed, with the object it failed on.
	// +optional
	// +listType=map
	// +listMapKey=operation
	Failures []OperationFailure `json:"failures,omitempty"`
}

// OperationFailure is the last failure of one operation.
type OperationFailure struct {
	// operation is the operation's name, such as InterpretHealth.
	Operation string `json:"operation"`

	// object is the object it failed on, as apiVersion kind namespace/name.
	// +optional
	Object string `json:"object,omitempty"`

	// message is the error, with the Lua error and line for a script.
	Message string `json:"message"`

	// count is how many runs failed since the customisation last changed.
	Count int64 `json:"count"`

	// lastFailureTime is when it last failed.
	LastFailureTime metav1.Time `json:"lastFailureTime"`

	// recovered: a run succeeded after the last failure.
	// +optional
	Recovered bool `json:"recovered,omitempty"`
}

// ResourceInterpreterCustomizationList is a list of
// ResourceInterpreterCustomizations.
//
// +kubebuilder:object:root=true
type ResourceInterpreterCustomizationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ResourceInterpreterCustomization `json:"items"`
}
