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

// Condition types of an AttachedCluster.
const (
	// ConditionReady summarizes the attached cluster: True when its
	// kubeconfig is valid, the cluster answers, and its
	// cluster.karmada.io Cluster is up to date.
	ConditionReady = "Ready"
	// ConditionKubeconfigValid is True when the kubeconfig Secret exists and
	// holds a usable kubeconfig.
	ConditionKubeconfigValid = "KubeconfigValid"
)

// Condition reasons of an AttachedCluster.
const (
	// ReasonKubeconfigValid means the kubeconfig was loaded successfully.
	ReasonKubeconfigValid = "KubeconfigValid"
	// ReasonSecretNotFound means the kubeconfig Secret does not exist.
	ReasonSecretNotFound = "SecretNotFound"
	// ReasonSecretKeyNotFound means the Secret has no usable kubeconfig key.
	ReasonSecretKeyNotFound = "SecretKeyNotFound"
	// ReasonKubeconfigInvalid means the kubeconfig cannot be parsed or has no
	// usable context.
	ReasonKubeconfigInvalid = "KubeconfigInvalid"
	// ReasonClusterReady means the cluster answered and is healthy.
	ReasonClusterReady = "ClusterReady"
	// ReasonClusterNotReady means the cluster answered but is not healthy.
	ReasonClusterNotReady = "ClusterNotReady"
	// ReasonClusterUnreachable means the cluster's API server could not be reached.
	ReasonClusterUnreachable = "ClusterUnreachable"
)

// Well-known labels.
const (
	// LabelAttachedClusterName is set on the cluster.karmada.io Cluster that
	// an AttachedCluster maintains; its value is the AttachedCluster's name.
	LabelAttachedClusterName = "cluster.kurator.dev/attached-cluster-name"
	// LabelAttachedClusterNamespace is set together with
	// LabelAttachedClusterName; its value is the AttachedCluster's namespace.
	LabelAttachedClusterNamespace = "cluster.kurator.dev/attached-cluster-namespace"
)

// DefaultKubeconfigSecretKey is the Secret key read when no key is given and
// the Secret has more than one key.
const DefaultKubeconfigSecretKey = "kubeconfig"

// AttachedClusterSpec is the desired state of an AttachedCluster.
type AttachedClusterSpec struct {
	// kubeconfig locates the kubeconfig used to reach the cluster: a Secret in
	// the AttachedCluster's namespace.
	// +required
	Kubeconfig KubeconfigRef `json:"kubeconfig"`

	// context is the kubeconfig context to use. Empty means the kubeconfig's
	// current-context.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Context string `json:"context,omitempty"`

	// labels are given to the cluster.karmada.io Cluster that represents this
	// cluster, where placements can select them.
	// +optional
	// +kubebuilder:validation:MaxProperties=64
	Labels map[string]string `json:"labels,omitempty"`
}

// KubeconfigRef locates a kubeconfig in a Secret in the same namespace.
// Exactly one of secretRef or name is set: secretRef is the preferred form,
// and name plus key is the form used by earlier Kurator releases.
// +kubebuilder:validation:XValidation:rule="has(self.secretRef) != has(self.name)",message="exactly one of secretRef or name must be set"
// +kubebuilder:validation:XValidation:rule="!has(self.secretRef) || !has(self.key)",message="key cannot be used with secretRef; set secretRef.key instead"
type KubeconfigRef struct {
	// secretRef names the Secret holding the kubeconfig and, optionally, its key.
	// +optional
	SecretRef *SecretKeyRef `json:"secretRef,omitempty"`

	// name is the name of the Secret holding the kubeconfig. Use either
	// secretRef or name.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name,omitempty"`

	// key is the Secret key holding the kubeconfig, used with name. Empty
	// means "kubeconfig", or the only key when the Secret has exactly one.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	Key string `json:"key,omitempty"`
}

// SecretKeyRef names a key of a Secret in the same namespace.
type SecretKeyRef struct {
	// name is the name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// key is the Secret key holding the kubeconfig. Empty means
	// "kubeconfig", or the only key when the Secret has exactly one.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	Key string `json:"key,omitempty"`
}

// SecretName returns the name of the Secret holding the kubeconfig, from
// secretRef.name or, when secretRef is not set, from name.
func (k KubeconfigRef) SecretName() string {
	if k.SecretRef != nil {
		return k.SecretRef.Name
	}
	return k.Name
}

// SecretKey returns the Secret key given for the kubeconfig, from
// secretRef.key or, when secretRef is not set, from key. An empty result
// means no key was given: read DefaultKubeconfigSecretKey, or the only key
// when the Secret has exactly one (see ResolveSecretKey).
func (k KubeconfigRef) SecretKey() string {
	if k.SecretRef != nil {
		return k.SecretRef.Key
	}
	return k.Key
}

// ResolveSecretKey returns the key of data that holds the kubeconfig,
// applying the defaulting rules of SecretKey. ok is false when no such key
// exists in data.
func (k KubeconfigRef) ResolveSecretKey(data map[string][]byte) (key string, ok bool) {
	if key = k.SecretKey(); key != "" {
		_, ok = data[key]
		return key, ok
	}
	if _, found := data[DefaultKubeconfigSecretKey]; found {
		return DefaultKubeconfigSecretKey, true
	}
	if len(data) == 1 {
		for only := range data {
			return only, true
		}
	}
	return "", false
}

// AttachedClusterStatus is the observed state of an AttachedCluster.
type AttachedClusterStatus struct {
	// observedGeneration is the metadata.generation this status was computed from.
	// +optional
	// +kubebuilder:validation:Minimum=0
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// ready is true when the Ready condition is True. It is kept for
	// compatibility with earlier Kurator releases; prefer the condition.
	// +optional
	Ready bool `json:"ready,omitempty"`

	// clusterName is the name of the cluster.karmada.io Cluster maintained for
	// this attached cluster.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	ClusterName string `json:"clusterName,omitempty"`

	// kubernetesVersion is the cluster's Kubernetes version, as reported by
	// its API server.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`

	// apiEndpoint is the URL of the cluster's API server, from the kubeconfig.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	APIEndpoint string `json:"apiEndpoint,omitempty"`

	// conditions describe the attached cluster's state: Ready and
	// KubeconfigValid.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=attachedclusters,scope=Namespaced,shortName=ac,categories=kurator
// +kubebuilder:printcolumn:name="Ready",type="string",JSONPath=".status.conditions[?(@.type==\"Ready\")].status",description="Whether the cluster is reachable and healthy"
// +kubebuilder:printcolumn:name="Cluster",type="string",JSONPath=".status.clusterName",description="The cluster.karmada.io Cluster maintained for it"
// +kubebuilder:printcolumn:name="Version",type="string",JSONPath=".status.kubernetesVersion",description="Kubernetes version"
// +kubebuilder:printcolumn:name="Endpoint",type="string",JSONPath=".status.apiEndpoint",priority=1,description="API server URL"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"

// AttachedCluster is an existing Kubernetes cluster reached through a
// kubeconfig stored in a Secret.
type AttachedCluster struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the attached cluster.
	// +required
	Spec AttachedClusterSpec `json:"spec"`

	// status is the observed state of the attached cluster.
	// +optional
	Status AttachedClusterStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// AttachedClusterList is a list of AttachedClusters.
type AttachedClusterList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items is the list of AttachedClusters.
	Items []AttachedCluster `json:"items"`
}
