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
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// ExecutionNamespacePrefix prefixes the name of a member cluster to form
// the namespace of its Works.
const ExecutionNamespacePrefix = "karmada-es-"

// ExecutionNamespace returns the namespace holding the Works of a member
// cluster.
func ExecutionNamespace(cluster string) string {
	return ExecutionNamespacePrefix + cluster
}

// ClusterForExecutionNamespace returns the member cluster whose Works live
// in namespace, and false when namespace is not an execution namespace.
func ClusterForExecutionNamespace(namespace string) (string, bool) {
	cluster, ok := strings.CutPrefix(namespace, ExecutionNamespacePrefix)
	if !ok || cluster == "" {
		return "", false
	}
	return cluster, true
}

// Annotations set on the manifests of a Work.
const (
	// ResourceTemplateUIDAnnotation is the uid of the resource template the
	// manifest was rendered from.
	ResourceTemplateUIDAnnotation = "resourcetemplate.karmada.io/uid"
	// ResourceTemplateGenerationAnnotation is the metadata.generation of the
	// resource template the manifest was rendered from.
	ResourceTemplateGenerationAnnotation = "resourcetemplate.karmada.io/generation"
	// ManagedLabelsAnnotation lists, comma-separated, the label keys that
	// came from the resource template.
	ManagedLabelsAnnotation = "resourcetemplate.karmada.io/managed-labels"
	// ManagedAnnotationsAnnotation lists, comma-separated, the annotation
	// keys that came from the resource template.
	ManagedAnnotationsAnnotation = "resourcetemplate.karmada.io/managed-annotations"
	// ConflictResolutionAnnotation says what to do when the member cluster
	// already has an object that was not propagated:
	// ConflictResolutionOverwrite or ConflictResolutionAbort.
	ConflictResolutionAnnotation = "work.karmada.io/conflict-resolution"
	// ConflictResolutionOverwrite is the ConflictResolutionAnnotation value
	// that takes over an existing object.
	ConflictResolutionOverwrite = "overwrite"
	// ConflictResolutionAbort is the ConflictResolutionAnnotation value that
	// leaves an existing object alone.
	ConflictResolutionAbort = "abort"
)

// Labels on a resource template that change how its manifests are applied.
const (
	// RetainReplicasLabel, set to RetainReplicasValue on a template, makes
	// the members keep the replicas of their copies: a manifest's replicas
	// are applied when the member object is created, never afterwards, so
	// that an autoscaler in the member owns them. Kurator sets it on the
	// scale target of every HPA a policy propagates; users may set it on any
	// template by hand.
	RetainReplicasLabel = "resourcetemplate.karmada.io/retain-replicas"
	// RetainReplicasValue is the value of RetainReplicasLabel that turns it
	// on.
	RetainReplicasValue = "true"
)

// Condition types of a Work.
const (
	// ConditionApplied is True when every manifest was applied to the
	// member cluster.
	ConditionApplied = "Applied"
	// ConditionProgressing is True while the applied objects are rolling out.
	ConditionProgressing = "Progressing"
	// ConditionAvailable is True when the applied objects exist and are
	// available in the member cluster.
	ConditionAvailable = "Available"
	// ConditionDegraded is True when the applied objects do not reach their
	// desired state.
	ConditionDegraded = "Degraded"
	// ConditionDispatching is False while dispatching the Work is suspended.
	ConditionDispatching = "Dispatching"
)

// ResourceHealth is the health of an object in a member cluster.
// +kubebuilder:validation:Enum=Healthy;Unhealthy;Unknown
type ResourceHealth string

const (
	// ResourceHealthy means the object is healthy.
	ResourceHealthy ResourceHealth = "Healthy"
	// ResourceUnhealthy means the object is not healthy.
	ResourceUnhealthy ResourceHealth = "Unhealthy"
	// ResourceUnknown means the object's health cannot be determined.
	ResourceUnknown ResourceHealth = "Unknown"
)

// WorkSpec is the desired state of a Work.
type WorkSpec struct {
	// workload holds the manifests to apply to the member cluster.
	// +optional
	Workload WorkloadTemplate `json:"workload,omitempty"`

	// suspendDispatching, when true, stops applying the Work to the member
	// cluster; objects already applied are left as they are.
	// +optional
	SuspendDispatching *bool `json:"suspendDispatching,omitempty"`

	// preserveResourcesOnDeletion keeps the applied objects in the member
	// cluster when the Work is deleted.
	// +optional
	PreserveResourcesOnDeletion *bool `json:"preserveResourcesOnDeletion,omitempty"`
}

// WorkloadTemplate holds the manifests of a Work.
type WorkloadTemplate struct {
	// manifests are the complete Kubernetes objects to apply.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	Manifests []Manifest `json:"manifests,omitempty"`
}

// Manifest is one Kubernetes object, with apiVersion, kind and metadata.
// +kubebuilder:pruning:PreserveUnknownFields
type Manifest struct {
	runtime.RawExtension `json:",inline"`
}

// WorkStatus is the observed state of a Work.
type WorkStatus struct {
	// conditions describe the Work's state: Applied, Progressing,
	// Available, Degraded and Dispatching.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// manifestStatuses report the state of each applied object in the
	// member cluster.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	ManifestStatuses []ManifestStatus `json:"manifestStatuses,omitempty"`
}

// ManifestStatus is the state of one applied object.
type ManifestStatus struct {
	// identifier identifies the object and its manifest.
	// +required
	Identifier ResourceIdentifier `json:"identifier"`

	// status is the object's status as reflected from the member cluster.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	Status *runtime.RawExtension `json:"status,omitempty"`

	// health is the object's health: Healthy, Unhealthy or Unknown.
	// +optional
	Health ResourceHealth `json:"health,omitempty"`

	// appliedDigest is a digest of the manifest last applied to this object
	// together with the object's UID and the fields Kurator owns there; a
	// restarted executor compares it instead of sending an unchanged
	// manifest again.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	AppliedDigest string `json:"appliedDigest,omitempty"`

	// podMetrics, a Kurator extension, summarizes the pods of an applied
	// workload that a FederatedHPA scales and what they use, as the agent
	// of a pull-mode member last read them: the control plane cannot dial
	// the member, so the agent reports. Only the agent writes it.
	// +optional
	PodMetrics *PodMetricsSummary `json:"podMetrics,omitempty"`
}

// ResourceIdentifier identifies an applied object and its manifest.
type ResourceIdentifier struct {
	// ordinal is the index of the manifest in spec.workload.manifests.
	// +required
	// +kubebuilder:validation:Minimum=0
	Ordinal int32 `json:"ordinal"`

	// group is the object's API group; empty for the core group.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Group string `json:"group,omitempty"`

	// version is the object's API version.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Version string `json:"version"`

	// kind is the object's kind.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Kind string `json:"kind"`

	// resource is the plural resource name of the object's kind.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Resource string `json:"resource"`

	// namespace is the object's namespace; empty for a cluster-scoped
	// object.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`

	// name is the object's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=works,scope=Namespaced,categories=kurator
// +kubebuilder:printcolumn:name="Applied",type="string",JSONPath=".status.conditions[?(@.type==\"Applied\")].status",description="Whether the manifests were applied"
// +kubebuilder:printcolumn:name="Kind",type="string",JSONPath=".spec.workload.manifests[0].kind",priority=1,description="Kind of the first manifest"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"

// Work holds manifests to apply to one member cluster. It lives in the
// cluster's execution namespace, karmada-es-<cluster>.
type Work struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the Work.
	// +required
	Spec WorkSpec `json:"spec"`

	// status is the observed state of the Work.
	// +optional
	Status WorkStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// WorkList is a list of Works.
type WorkList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items is the list of Works.
	Items []Work `json:"items"`
}
