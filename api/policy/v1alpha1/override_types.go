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
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// OverriderOperator is the operation an overrider performs.
type OverriderOperator string

const (
	// OverriderOpAdd adds the value.
	OverriderOpAdd OverriderOperator = "add"
	// OverriderOpRemove removes the value.
	OverriderOpRemove OverriderOperator = "remove"
	// OverriderOpReplace replaces the existing value.
	OverriderOpReplace OverriderOperator = "replace"
)

// ImageComponent is a part of a container image reference
// registry/repository:tag.
// +kubebuilder:validation:Enum=Registry;Repository;Tag
type ImageComponent string

const (
	// ImageComponentRegistry is the registry host of an image, such as
	// docker.io.
	ImageComponentRegistry ImageComponent = "Registry"
	// ImageComponentRepository is the repository of an image, such as
	// library/nginx.
	ImageComponentRepository ImageComponent = "Repository"
	// ImageComponentTag is the tag, or digest, of an image, such as 1.25.
	ImageComponentTag ImageComponent = "Tag"
)

// OverrideSpec is the desired state of an OverridePolicy or
// ClusterOverridePolicy.
type OverrideSpec struct {
	// resourceSelectors select the resources the policy overrides. When
	// omitted, every resource is selected.
	// +optional
	// +kubebuilder:validation:MaxItems=256
	ResourceSelectors []ResourceSelector `json:"resourceSelectors,omitempty"`

	// overrideRules are applied in order to each selected resource before it
	// is sent to a member cluster; each rule applies only to the clusters
	// its targetCluster selects.
	// +optional
	// +kubebuilder:validation:MaxItems=128
	OverrideRules []RuleWithCluster `json:"overrideRules,omitempty"`

	// targetCluster selects the clusters overriders applies to. Used only
	// when overrideRules is empty.
	// Deprecated: use overrideRules.
	// +optional
	TargetCluster *ClusterAffinity `json:"targetCluster,omitempty"`

	// overriders are applied to the clusters targetCluster selects. Used only
	// when overrideRules is empty.
	// Deprecated: use overrideRules.
	// +optional
	Overriders Overriders `json:"overriders,omitempty"`
}

// RuleWithCluster applies overriders to the resources sent to some
// clusters.
type RuleWithCluster struct {
	// targetCluster selects the clusters the rule applies to. When omitted,
	// the rule applies to every cluster.
	// +optional
	TargetCluster *ClusterAffinity `json:"targetCluster,omitempty"`

	// overriders are the changes the rule makes.
	// +required
	Overriders Overriders `json:"overriders"`
}

// Overriders are changes made to a resource. Within a rule they are applied
// in this order: imageOverrider, commandOverrider, argsOverrider,
// labelsOverrider, annotationsOverrider, fieldOverrider, plaintext.
type Overriders struct {
	// plaintext are JSON patch (RFC 6902) operations applied to the
	// resource.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	Plaintext []PlaintextOverrider `json:"plaintext,omitempty"`

	// imageOverrider changes container images. Without a predicate it
	// changes the image of every container (not init containers) of a Pod,
	// ReplicaSet, Deployment, DaemonSet, StatefulSet or Job.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	ImageOverrider []ImageOverrider `json:"imageOverrider,omitempty"`

	// commandOverrider changes the command of a container of a Pod,
	// ReplicaSet, Deployment, DaemonSet, StatefulSet or Job.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	CommandOverrider []CommandArgsOverrider `json:"commandOverrider,omitempty"`

	// argsOverrider changes the arguments of a container of a Pod,
	// ReplicaSet, Deployment, DaemonSet, StatefulSet or Job.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	ArgsOverrider []CommandArgsOverrider `json:"argsOverrider,omitempty"`

	// labelsOverrider changes the resource's labels.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	LabelsOverrider []LabelAnnotationOverrider `json:"labelsOverrider,omitempty"`

	// annotationsOverrider changes the resource's annotations.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	AnnotationsOverrider []LabelAnnotationOverrider `json:"annotationsOverrider,omitempty"`

	// fieldOverrider patches a string field of the resource that holds a
	// JSON or YAML document, such as a key of a ConfigMap's data.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	FieldOverrider []FieldOverrider `json:"fieldOverrider,omitempty"`
}

// PlaintextOverrider is one JSON patch (RFC 6902) operation.
//
// The schema cannot require value for add and replace: value may be any
// JSON, and CEL rules cannot see fields without a schema type. Use
// ValidateOverrideValues.
type PlaintextOverrider struct {
	// path is the JSON pointer (RFC 6901) of the field to change, such as
	// /spec/replicas.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	Path string `json:"path"`

	// operator is add, remove or replace.
	// +required
	// +kubebuilder:validation:Enum=add;remove;replace
	Operator OverriderOperator `json:"operator"`

	// value is the new value, any JSON. Required for add and replace;
	// ignored for remove.
	// +optional
	Value *apiextensionsv1.JSON `json:"value,omitempty"`
}

// ImageOverrider changes one component of container images.
// +kubebuilder:validation:XValidation:rule="self.operator == 'remove' || (has(self.value) && size(self.value) > 0)",message="imageOverrider: value is required when operator is add or replace"
type ImageOverrider struct {
	// predicate selects a single image field to change instead of every
	// container image.
	// +optional
	Predicate *ImagePredicate `json:"predicate,omitempty"`

	// component is the part of the image to change: Registry, Repository or
	// Tag (Tag also covers a digest).
	// +required
	Component ImageComponent `json:"component"`

	// operator is add (append value to the component), remove (drop the
	// component) or replace (set the component to value).
	// +required
	// +kubebuilder:validation:Enum=add;remove;replace
	Operator OverriderOperator `json:"operator"`

	// value is the text added or set. Required for add and replace;
	// ignored for remove.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Value string `json:"value,omitempty"`
}

// ImagePredicate selects one image field.
type ImagePredicate struct {
	// path is the JSON pointer (RFC 6901) of a string field holding an image
	// reference, such as /spec/template/spec/containers/0/image.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	Path string `json:"path"`
}

// CommandArgsOverrider changes the command or the arguments of one
// container.
type CommandArgsOverrider struct {
	// containerName is the name of the container to change.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	ContainerName string `json:"containerName"`

	// operator is add (append value, creating the list if needed) or remove
	// (delete every element equal to an entry of value).
	// +required
	// +kubebuilder:validation:Enum=add;remove
	Operator OverriderOperator `json:"operator"`

	// value are the elements added or removed.
	// +optional
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MaxLength=4096
	Value []string `json:"value,omitempty"`
}

// LabelAnnotationOverrider changes labels or annotations.
type LabelAnnotationOverrider struct {
	// operator is add (set the keys, creating the map if needed), remove
	// (delete the keys) or replace (set the keys that already exist).
	// +required
	// +kubebuilder:validation:Enum=add;remove;replace
	Operator OverriderOperator `json:"operator"`

	// value maps keys to values. For remove only the keys matter.
	// +optional
	// +kubebuilder:validation:MaxProperties=64
	Value map[string]string `json:"value,omitempty"`
}

// FieldOverrider patches a string field holding a JSON or YAML document.
// Exactly one of json and yaml is set.
// +kubebuilder:validation:XValidation:rule="(has(self.json) && size(self.json) > 0) != (has(self.yaml) && size(self.yaml) > 0)",message="fieldOverrider: exactly one of json or yaml must be set"
type FieldOverrider struct {
	// fieldPath is the JSON pointer (RFC 6901) of the string field, such as
	// /data/config.json.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	FieldPath string `json:"fieldPath"`

	// json are JSON patch operations applied to the field's content, parsed
	// as JSON.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	JSON []JSONPatchOperation `json:"json,omitempty"`

	// yaml are JSON patch operations applied to the field's content, parsed
	// as YAML.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	YAML []YAMLPatchOperation `json:"yaml,omitempty"`
}

// JSONPatchOperation is one operation on an embedded JSON document. As for
// PlaintextOverrider, use ValidateOverrideValues to check that value is set
// for add and replace.
type JSONPatchOperation struct {
	// subPath is the JSON pointer (RFC 6901), within the embedded document,
	// of the value to change.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	SubPath string `json:"subPath"`

	// operator is add, remove or replace.
	// +required
	// +kubebuilder:validation:Enum=add;remove;replace
	Operator OverriderOperator `json:"operator"`

	// value is the new value, any JSON. Required for add and replace;
	// ignored for remove.
	// +optional
	Value *apiextensionsv1.JSON `json:"value,omitempty"`
}

// YAMLPatchOperation is one operation on an embedded YAML document. As for
// PlaintextOverrider, use ValidateOverrideValues to check that value is set
// for add and replace.
type YAMLPatchOperation struct {
	// subPath is the JSON pointer (RFC 6901), within the embedded document,
	// of the value to change.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	SubPath string `json:"subPath"`

	// operator is add, remove or replace.
	// +required
	// +kubebuilder:validation:Enum=add;remove;replace
	Operator OverriderOperator `json:"operator"`

	// value is the new value, any JSON. Required for add and replace;
	// ignored for remove.
	// +optional
	Value *apiextensionsv1.JSON `json:"value,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=overridepolicies,scope=Namespaced,shortName=op,categories=kurator
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"

// OverridePolicy changes resources of its namespace differently for
// different member clusters, before they are sent there.
type OverridePolicy struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the policy.
	// +required
	Spec OverrideSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// OverridePolicyList is a list of OverridePolicies.
type OverridePolicyList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items is the list of OverridePolicies.
	Items []OverridePolicy `json:"items"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=clusteroverridepolicies,scope=Cluster,shortName=cop,categories=kurator
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"

// ClusterOverridePolicy changes resources of any namespace, and
// cluster-scoped resources, differently for different member clusters.
// ClusterOverridePolicies are applied before the OverridePolicies of the
// resource's namespace, so the latter win.
type ClusterOverridePolicy struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the policy.
	// +required
	Spec OverrideSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// ClusterOverridePolicyList is a list of ClusterOverridePolicies.
type ClusterOverridePolicyList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items is the list of ClusterOverridePolicies.
	Items []ClusterOverridePolicy `json:"items"`
}
