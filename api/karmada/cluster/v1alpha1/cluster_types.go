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
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ClusterSyncMode is how resources are synchronized to a member cluster.
// +kubebuilder:validation:Enum=Push;Pull
type ClusterSyncMode string

const (
	// Push means the control plane writes resources to the member cluster.
	Push ClusterSyncMode = "Push"
	// Pull means an agent in the member cluster pulls resources from the
	// control plane.
	Pull ClusterSyncMode = "Pull"
)

// ClusterLeaseNamespace holds the Lease that the agent of each pull-mode
// cluster renews, named after the cluster (Karmada's namespace for them).
const ClusterLeaseNamespace = "karmada-cluster"

// DefaultClusterLeaseDurationSeconds is how long a pull-mode cluster stays
// Ready after its agent's last renewal, when the Lease does not say.
const DefaultClusterLeaseDurationSeconds = 40

// Condition types of a Cluster.
const (
	// ClusterConditionReady is True when the cluster is healthy and ready to
	// accept workloads.
	ClusterConditionReady = "Ready"
	// ClusterConditionCompleteAPIEnablements is True when every API group of
	// the cluster was discovered into status.apiEnablements.
	ClusterConditionCompleteAPIEnablements = "CompleteAPIEnablements"
)

// Condition reasons of a Cluster.
const (
	// ClusterReady means the cluster is healthy and ready to accept workloads.
	ClusterReady = "ClusterReady"
	// ClusterNotReady means the cluster answered but is not healthy.
	ClusterNotReady = "ClusterNotReady"
	// ClusterNotReachable means the cluster's API server could not be reached.
	ClusterNotReachable = "ClusterNotReachable"
	// StatusCollectionFailed means the cluster's status could not be collected.
	StatusCollectionFailed = "StatusCollectionFailed"
	// CompleteAPIEnablements means every API group was discovered.
	CompleteAPIEnablements = "CompleteAPIEnablements"
	// IncompleteAPIEnablements means some API groups could not be discovered.
	IncompleteAPIEnablements = "IncompleteAPIEnablements"
)

// Taint keys set on Clusters by the system.
const (
	// TaintClusterNotReady is added (NoSchedule) while the Ready condition
	// is False, and with effect NoExecute once the eviction grace period is
	// over.
	TaintClusterNotReady = "cluster.karmada.io/not-ready"
	// TaintClusterUnreachable is added (NoSchedule) while the member cannot
	// be reached, and with effect NoExecute once the eviction grace period
	// is over.
	TaintClusterUnreachable = "cluster.karmada.io/unreachable"
	// TaintClusterCordoned (NoSchedule) is added by 'kurator cordon': no
	// new placements, running workloads stay.
	TaintClusterCordoned = "cluster.kurator.dev/cordoned"
	// TaintClusterDraining (NoExecute) is added by 'kurator drain': the
	// workloads that do not tolerate it move away gracefully.
	TaintClusterDraining = "cluster.kurator.dev/draining"
)

// ClusterSpec is the desired state of a Cluster.
type ClusterSpec struct {
	// id uniquely identifies the member cluster, for example the uid of its
	// kube-system namespace.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	ID string `json:"id,omitempty"`

	// syncMode is how resources are synchronized to the cluster: Push (the
	// control plane writes them) or Pull (an agent in the cluster reads them).
	// +optional
	// +kubebuilder:default=Push
	SyncMode ClusterSyncMode `json:"syncMode,omitempty"`

	// apiEndpoint is the URL of the cluster's API server.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	APIEndpoint string `json:"apiEndpoint,omitempty"`

	// secretRef names the Secret holding the credentials used to reach the
	// cluster: key "token" holds a bearer token and key "caBundle" the CA
	// certificates.
	// +optional
	SecretRef *LocalSecretReference `json:"secretRef,omitempty"`

	// impersonatorSecretRef names the Secret holding the token used to
	// impersonate users in the cluster.
	// +optional
	ImpersonatorSecretRef *LocalSecretReference `json:"impersonatorSecretRef,omitempty"`

	// insecureSkipTLSVerification disables verification of the API server's
	// certificate. Use only for testing.
	// +optional
	InsecureSkipTLSVerification bool `json:"insecureSkipTLSVerification,omitempty"`

	// proxyURL is the URL of the proxy used to reach the cluster, with scheme
	// http, https or socks5.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	ProxyURL string `json:"proxyURL,omitempty"`

	// proxyHeader holds HTTP headers sent to the proxy.
	// +optional
	// +kubebuilder:validation:MaxProperties=64
	ProxyHeader map[string]string `json:"proxyHeader,omitempty"`

	// provider is the name of the cloud provider running the cluster.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Provider string `json:"provider,omitempty"`

	// region is the region the cluster runs in.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Region string `json:"region,omitempty"`

	// zone is the zone the cluster runs in.
	// Deprecated: use zones. A zone given here is treated as the only entry
	// of zones when zones is empty.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Zone string `json:"zone,omitempty"`

	// zones are the zones the cluster runs in.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=253
	Zones []string `json:"zones,omitempty"`

	// taints keep workloads away from the cluster unless they tolerate them.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	Taints []corev1.Taint `json:"taints,omitempty"`

	// resourceModels describe grades of node sizes; nodes are counted per
	// grade to estimate how many replicas of a given size fit.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	ResourceModels []ResourceModel `json:"resourceModels,omitempty"`
}

// EffectiveZones returns zones or, when it is empty, the deprecated zone as
// a single-entry list.
func (s *ClusterSpec) EffectiveZones() []string {
	if len(s.Zones) > 0 || s.Zone == "" {
		return s.Zones
	}
	return []string{s.Zone}
}

// LocalSecretReference names a Secret.
type LocalSecretReference struct {
	// namespace is the namespace of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// name is the name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// ResourceModel is one grade of node size.
type ResourceModel struct {
	// grade is the grade's number; larger grades describe larger nodes.
	// +required
	// +kubebuilder:validation:Minimum=0
	Grade int32 `json:"grade"`

	// ranges bound each resource of a node in this grade; a node belongs to
	// the grade when every resource is within its range.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	Ranges []ResourceModelRange `json:"ranges"`
}

// ResourceModelRange is the half-open range [min, max) of one resource.
type ResourceModelRange struct {
	// name is the resource: cpu, memory, storage or ephemeral-storage.
	// +required
	// +kubebuilder:validation:Enum=cpu;memory;storage;ephemeral-storage
	Name corev1.ResourceName `json:"name"`

	// min is the inclusive lower bound.
	// +required
	Min resource.Quantity `json:"min"`

	// max is the exclusive upper bound.
	// +required
	Max resource.Quantity `json:"max"`
}

// ClusterStatus is the observed state of a Cluster.
type ClusterStatus struct {
	// observedGeneration is the metadata.generation this status was computed from.
	// +optional
	// +kubebuilder:validation:Minimum=0
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// lastProbeTime is when the cluster was last probed.
	// +optional
	LastProbeTime *metav1.Time `json:"lastProbeTime,omitempty"`

	// kubernetesVersion is the cluster's Kubernetes version.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`

	// apiEnablements lists the API groups, versions and resources the cluster serves.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	APIEnablements []APIEnablement `json:"apiEnablements,omitempty"`

	// conditions describe the cluster's state: Ready and CompleteAPIEnablements.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// nodeSummary counts the cluster's nodes.
	// +optional
	NodeSummary *NodeSummary `json:"nodeSummary,omitempty"`

	// resourceSummary sums the cluster's resources.
	// +optional
	ResourceSummary *ResourceSummary `json:"resourceSummary,omitempty"`
}

// APIEnablement lists the resources served in one API group version.
type APIEnablement struct {
	// groupVersion is the API group and version, such as "apps/v1" or "v1".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=317
	GroupVersion string `json:"groupVersion"`

	// resources are the resources served in groupVersion.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	Resources []APIResource `json:"resources,omitempty"`
}

// APIResource is one served resource.
type APIResource struct {
	// name is the plural name of the resource, such as "deployments".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// kind is the kind of the resource, such as "Deployment".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Kind string `json:"kind"`
}

// NodeSummary counts a cluster's nodes.
type NodeSummary struct {
	// totalNum is the number of nodes.
	// +optional
	// +kubebuilder:validation:Minimum=0
	TotalNum int32 `json:"totalNum,omitempty"`

	// readyNum is the number of ready nodes.
	// +optional
	// +kubebuilder:validation:Minimum=0
	ReadyNum int32 `json:"readyNum,omitempty"`
}

// ResourceSummary sums a cluster's resources.
type ResourceSummary struct {
	// allocatable is the sum of the allocatable resources of all nodes.
	// +optional
	Allocatable corev1.ResourceList `json:"allocatable,omitempty"`

	// allocating is the sum of the requests of pods not yet bound to a node,
	// with their count under "pods".
	// +optional
	Allocating corev1.ResourceList `json:"allocating,omitempty"`

	// allocated is the sum of the requests of pods bound to a node and not
	// finished, with their count under "pods".
	// +optional
	Allocated corev1.ResourceList `json:"allocated,omitempty"`

	// allocatableModelings counts, for each grade of spec.resourceModels, the
	// nodes whose free resources fall in that grade.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	AllocatableModelings []AllocatableModeling `json:"allocatableModelings,omitempty"`
}

// AllocatableModeling counts the nodes of one resource model grade.
type AllocatableModeling struct {
	// grade is the resource model grade.
	// +required
	// +kubebuilder:validation:Minimum=0
	Grade int32 `json:"grade"`

	// count is the number of nodes in the grade.
	// +required
	// +kubebuilder:validation:Minimum=0
	Count int32 `json:"count"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=clusters,scope=Cluster,categories=kurator
// +kubebuilder:printcolumn:name="Version",type="string",JSONPath=".status.kubernetesVersion",description="Kubernetes version"
// +kubebuilder:printcolumn:name="Mode",type="string",JSONPath=".spec.syncMode",description="Sync mode"
// +kubebuilder:printcolumn:name="Ready",type="string",JSONPath=".status.conditions[?(@.type==\"Ready\")].status",description="Whether the cluster is ready"
// +kubebuilder:printcolumn:name="Region",type="string",JSONPath=".spec.region",description="Region"
// +kubebuilder:printcolumn:name="Zones",type="string",JSONPath=".spec.zones",priority=1,description="Zones"
// +kubebuilder:printcolumn:name="Provider",type="string",JSONPath=".spec.provider",priority=1,description="Cloud provider"
// +kubebuilder:printcolumn:name="Nodes",type="integer",JSONPath=".status.nodeSummary.readyNum",priority=1,description="Ready nodes"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"

// Cluster is a member cluster as seen by the scheduler: where it runs, its
// taints, and its observed health, API enablements, nodes and resources.
type Cluster struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the cluster.
	// +required
	Spec ClusterSpec `json:"spec"`

	// status is the observed state of the cluster.
	// +optional
	Status ClusterStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ClusterList is a list of Clusters.
type ClusterList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items is the list of Clusters.
	Items []Cluster `json:"items"`
}
