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

// TrafficPolicySpec says which host's traffic to split and how weights follow health.
// +kubebuilder:validation:XValidation:rule="has(self.workloadRef) || (has(self.subsets) && size(self.subsets) > 0)",message="set workloadRef, or subsets each with a workloadRef"
// +kubebuilder:validation:XValidation:rule="!has(self.workloadRef) || !has(self.subsets) || size(self.subsets) == 0",message="workloadRef and subsets are exclusive: with subsets, each subset names its workload"
type TrafficPolicySpec struct {
	// host is the service host whose traffic is split across clusters, as
	// Istio names it, e.g. reviews.prod.svc.cluster.local. The generated
	// VirtualService and DestinationRule are for this host.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Host string `json:"host"`

	// workloadRef is the propagated workload behind the host, in this
	// namespace. Its placement gives the clusters and base weights (the
	// replica split), its per-cluster status the available replicas, and its
	// name the Istio destination_workload whose SLIs are measured.
	// +optional
	WorkloadRef *WorkloadReference `json:"workloadRef,omitempty"`

	// subsets are in-cluster subsets such as v1 and v2, with the weights the
	// user gives them (summing to 100). Each is split across the clusters
	// that run its own workload; the route weight of subset s in cluster c is
	// weight_s × weight_(s,c) / 100.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:XValidation:rule="self.map(s, s.weight).sum() == 100",message="subset weights must sum to 100"
	Subsets []TrafficSubset `json:"subsets,omitempty"`

	// clusterWeights are explicit base weights by cluster, instead of the
	// replica split. Clusters not listed get base 0 (no traffic).
	// +optional
	// +listType=map
	// +listMapKey=cluster
	// +kubebuilder:validation:MaxItems=128
	ClusterWeights []ClusterWeight `json:"clusterWeights,omitempty"`

	// slo are the service-level objectives a cluster must meet to keep its
	// traffic. A cluster below them for breachWindows consecutive intervals
	// is drained. Without slo, health follows readiness and availability.
	// +optional
	SLO *TrafficSLO `json:"slo,omitempty"`

	// guards damp weight changes.
	// +optional
	Guards *WeightGuards `json:"guards,omitempty"`
}

// WorkloadReference names a workload in the TrafficPolicy's namespace.
type WorkloadReference struct {
	// apiVersion of the workload, e.g. apps/v1.
	// +required
	// +kubebuilder:validation:MinLength=1
	APIVersion string `json:"apiVersion"`
	// kind of the workload, e.g. Deployment.
	// +required
	// +kubebuilder:validation:MinLength=1
	Kind string `json:"kind"`
	// name of the workload.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// TrafficSubset is an in-cluster subset of the host's endpoints.
type TrafficSubset struct {
	// name of the subset, e.g. v1.
	// +required
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`
	// labels select the subset's pods, e.g. version: v1.
	// +required
	// +kubebuilder:validation:MinProperties=1
	Labels map[string]string `json:"labels"`
	// weight is the subset's share of the host's traffic, in percent.
	// +required
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	Weight int32 `json:"weight"`
	// workloadRef is the workload that runs the subset's pods.
	// +required
	WorkloadRef WorkloadReference `json:"workloadRef"`
}

// ClusterWeight is an explicit base weight.
type ClusterWeight struct {
	// cluster is the member cluster's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	Cluster string `json:"cluster"`
	// weight is the base weight, on any scale.
	// +required
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000
	Weight int32 `json:"weight"`
}

// TrafficSLO are per-cluster objectives, measured from Istio's standard
// request metrics (reporter="destination") for the workload.
type TrafficSLO struct {
	// minSuccessRate is the lowest share of requests not answered 5xx, in
	// percent, e.g. "99" or "99.5".
	// +optional
	// +kubebuilder:validation:Pattern=`^(100(\.0+)?|[0-9]{1,2}(\.[0-9]+)?)$`
	MinSuccessRate string `json:"minSuccessRate,omitempty"`
	// maxLatencyP99 is the highest 99th percentile response time, e.g. 500ms.
	// +optional
	MaxLatencyP99 *metav1.Duration `json:"maxLatencyP99,omitempty"`
	// interval is how often SLIs are measured, over a window of the same
	// length. Default 10s; at least 5s.
	// +optional
	Interval *metav1.Duration `json:"interval,omitempty"`
	// breachWindows is how many consecutive intervals a cluster must miss an
	// objective before it is drained. Default 2.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	BreachWindows int32 `json:"breachWindows,omitempty"`
}

// WeightGuards damp weight changes (see docs/traffic-weights.md).
type WeightGuards struct {
	// minWeight is the floor of every cluster that can serve. Default 0.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=50
	MinWeight *int32 `json:"minWeight,omitempty"`
	// hysteresis: changes smaller than this many points are not made. Default 5.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=50
	Hysteresis *int32 `json:"hysteresis,omitempty"`
	// cooldown is the least time between two changes (drains excepted). Default 30s.
	// +optional
	Cooldown *metav1.Duration `json:"cooldown,omitempty"`
	// maxStep is the most points any cluster moves in one change (drains
	// excepted). Default 20.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	MaxStep *int32 `json:"maxStep,omitempty"`
	// recoverySteps is the least number of changes that bring a drained
	// cluster back to its weight. Default 3.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=20
	RecoverySteps *int32 `json:"recoverySteps,omitempty"`
}

// TrafficPolicyStatus is what Kurator decided and why.
type TrafficPolicyStatus struct {
	// observedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// conditions: Ready (weights decided and programmed in every member),
	// MetricsAvailable (SLIs could be read) and Programmed (the Istio objects
	// are applied in every member).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// lastChangeTime is when the weights in force last changed; the
	// cooldown runs from it.
	// +optional
	LastChangeTime *metav1.Time `json:"lastChangeTime,omitempty"`
	// lastEvaluationTime is when SLIs were last measured.
	// +optional
	LastEvaluationTime *metav1.Time `json:"lastEvaluationTime,omitempty"`
	// clusters are the weights in force and why, per subset and cluster.
	// +optional
	// +listType=atomic
	Clusters []ClusterTraffic `json:"clusters,omitempty"`
}

// ClusterTraffic is one cluster's share of the traffic and its reasons.
type ClusterTraffic struct {
	// name of the cluster.
	Name string `json:"name"`
	// subset is the in-cluster subset, when the policy has subsets.
	// +optional
	Subset string `json:"subset,omitempty"`
	// weight in force: this cluster's share of the subset's (or host's) traffic.
	Weight int32 `json:"weight"`
	// routeWeight is the VirtualService weight of this subset in this cluster.
	RouteWeight int32 `json:"routeWeight"`
	// target is the weight the law aims at before guards.
	Target int32 `json:"target"`
	// baseWeight is the weight before health.
	BaseWeight int32 `json:"baseWeight"`
	// health in percent: readiness × availability, 0 when an objective is breached.
	Health int32 `json:"health"`
	// recovering is true while a drained cluster ramps back.
	// +optional
	Recovering bool `json:"recovering,omitempty"`
	// breaches is how many consecutive intervals missed an objective.
	// +optional
	Breaches int32 `json:"breaches,omitempty"`
	// successRate measured over the last interval, in percent.
	// +optional
	SuccessRate string `json:"successRate,omitempty"`
	// latencyP99 measured over the last interval.
	// +optional
	LatencyP99 string `json:"latencyP99,omitempty"`
	// reasons explain the health and the weight.
	// +optional
	// +listType=atomic
	Reasons []string `json:"reasons,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=tp,categories=kurator
// +kubebuilder:printcolumn:name="Host",type=string,JSONPath=`.spec.host`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Metrics",type=string,JSONPath=`.status.conditions[?(@.type=="MetricsAvailable")].status`
// +kubebuilder:printcolumn:name="Changed",type=date,JSONPath=`.status.lastChangeTime`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// TrafficPolicy splits a host's traffic across clusters with weights that follow each cluster's health.
type TrafficPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says which host and how.
	// +required
	Spec TrafficPolicySpec `json:"spec"`

	// status is what Kurator decided and why.
	// +optional
	Status TrafficPolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// TrafficPolicyList is a list of TrafficPolicies.
type TrafficPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TrafficPolicy `json:"items"`
}

// Condition types and reasons of a TrafficPolicy.
const (
	ConditionReady            = "Ready"
	ConditionMetricsAvailable = "MetricsAvailable"
	ConditionProgrammed       = "Programmed"

	ReasonMetricsNotConfigured = "MetricsNotConfigured"
	ReasonMetricsUnavailable   = "MetricsUnavailable"
	ReasonMetricsRead          = "MetricsRead"
	ReasonNoSLO                = "NoSLO"
	ReasonWorkloadNotPlaced    = "WorkloadNotPlaced"
	ReasonWeightsDecided       = "WeightsDecided"
	ReasonApplied              = "Applied"
	ReasonApplying             = "Applying"
	ReasonApplyFailed          = "ApplyFailed"

	// TrafficPolicyLabel on a Work names the TrafficPolicy (namespace.name)
	// whose Istio objects it carries.
	TrafficPolicyLabel = "networking.kurator.dev/traffic-policy"
	// IstioClusterLabel is the endpoint label Istio gives every workload with
	// the ID of its cluster; the generated subsets select clusters with it.
	IstioClusterLabel = "topology.istio.io/cluster"
	// TrafficFinalizer lets the controller remove the Istio objects from
	// every member before the policy goes.
	TrafficFinalizer = "networking.kurator.dev/traffic-policy"
)
