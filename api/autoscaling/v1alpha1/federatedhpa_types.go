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
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Defaults of a FederatedHPA, as Karmada's.
const (
	// DefaultMinReplicas is spec.minReplicas when it is not set.
	DefaultMinReplicas int32 = 1
	// DefaultCPUUtilization is the target average CPU utilization (percent of
	// requests) when spec.metrics is empty.
	DefaultCPUUtilization int32 = 80
)

// MetricsReportedLabel, "true" on a resource template, says that a
// FederatedHPA scales it. The label reaches the template's Works, and the
// agent of a pull-mode member reports the pods of the workloads that carry
// it, as the control plane cannot read them there. The FederatedHPA
// controller is its only writer: it sets it on its targets and removes it
// once no FederatedHPA targets the template.
const MetricsReportedLabel = "autoscaling.kurator.dev/metrics-reported"

// FederatedHPASpec describes one autoscaler for a workload spread over many
// clusters.
// +kubebuilder:validation:XValidation:rule="!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",message="minReplicas must not exceed maxReplicas"
type FederatedHPASpec struct {
	// scaleTargetRef is the resource template to scale (a Deployment, a
	// StatefulSet, or any kind with replicas): its pods in every cluster it
	// is placed on are measured, and its spec.replicas, the fleet's total,
	// is written. The scheduler then divides it as the workload's policy
	// says.
	// +required
	ScaleTargetRef autoscalingv2.CrossVersionObjectReference `json:"scaleTargetRef"`

	// minReplicas is the fewest replicas, fleet-wide, the autoscaler scales
	// down to. Default 1.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=1
	MinReplicas *int32 `json:"minReplicas,omitempty"`

	// maxReplicas is the most replicas, fleet-wide, the autoscaler scales up
	// to.
	// +required
	// +kubebuilder:validation:Minimum=1
	MaxReplicas int32 `json:"maxReplicas"`

	// metrics are what the replica count is computed from; the largest
	// count any of them asks for wins. Empty: 80% average CPU utilization.
	// Resource and ContainerResource metrics are read from every member's
	// metrics.k8s.io; External metrics (a Kurator extension) from
	// Prometheus, as the sum of every series of metric.name matching
	// metric.selector across all clusters.
	// +optional
	// +kubebuilder:validation:MaxItems=16
	// +listType=atomic
	Metrics []autoscalingv2.MetricSpec `json:"metrics,omitempty"`

	// behavior limits how fast the replica count follows the metrics, as an
	// HPA's does. Empty: scale up by 100% or 4 pods per 15 s, whichever is
	// more, at once; scale down by up to 100% per 15 s after a 5-minute
	// stabilization window.
	// +optional
	Behavior *autoscalingv2.HorizontalPodAutoscalerBehavior `json:"behavior,omitempty"`

	// prediction forecasts the workload's load from its history in
	// Prometheus and shows, or provisions ahead of time, the replicas the
	// forecast peak needs (a Kurator extension).
	// +optional
	Prediction *Prediction `json:"prediction,omitempty"`
}

// PredictionAlgorithm names a forecasting method.
// +kubebuilder:validation:Enum=Seasonal;Percentile
type PredictionAlgorithm string

const (
	// PredictionSeasonal is the level-corrected seasonal naive method: the
	// same time of day over the last week, scaled by the same time of week
	// over the last four, corrected by the last two hours' level.
	PredictionSeasonal PredictionAlgorithm = "Seasonal"
	// PredictionPercentile is a percentile of the history at the same time
	// of day.
	PredictionPercentile PredictionAlgorithm = "Percentile"
)

// PredictionMode says what the forecast does.
// +kubebuilder:validation:Enum=Preview;Auto
type PredictionMode string

const (
	// PredictionPreview shows the predicted replicas in status, next to
	// the ones in force, without acting.
	PredictionPreview PredictionMode = "Preview"
	// PredictionAuto scales to the replicas the forecast peak needs ahead
	// of it, never below what the metrics ask for now.
	PredictionAuto PredictionMode = "Auto"
)

// Prediction configures predictive scaling.
type Prediction struct {
	// query is the PromQL expression of the workload's fleet-wide load, for
	// example sum(rate(istio_requests_total{destination_workload="web"}[5m])).
	// Its history is read with range queries, and the replicas a forecast
	// value needs are those the metrics ask for now, in proportion.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	Query string `json:"query"`

	// algorithm is Seasonal (default) or Percentile.
	// +optional
	// +kubebuilder:default=Seasonal
	Algorithm PredictionAlgorithm `json:"algorithm,omitempty"`

	// mode is Preview (default: status only) or Auto.
	// +optional
	// +kubebuilder:default=Preview
	Mode PredictionMode `json:"mode,omitempty"`

	// historyLength is how much history the forecast reads. Default 720h (30
	// days); at least 24h of it must exist.
	// +optional
	HistoryLength *metav1.Duration `json:"historyLength,omitempty"`

	// predictionWindowSeconds is how far ahead the forecast looks: the
	// replicas provisioned are those of the peak within it. Default 3600.
	// +optional
	// +kubebuilder:default=3600
	// +kubebuilder:validation:Minimum=60
	// +kubebuilder:validation:Maximum=86400
	PredictionWindowSeconds *int32 `json:"predictionWindowSeconds,omitempty"`

	// percentile is the Percentile algorithm's p. Default 95.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	Percentile *int32 `json:"percentile,omitempty"`
}

// PredictionStatus is the latest forecast.
type PredictionStatus struct {
	// time of the forecast; it is renewed every five minutes.
	// +required
	Time metav1.Time `json:"time"`
	// method says how the forecast was made, in words.
	// +optional
	Method string `json:"method,omitempty"`
	// currentLoad is the query's value at the forecast's time.
	// +optional
	CurrentLoad string `json:"currentLoad,omitempty"`
	// peakLoad is the largest forecast value within the window.
	// +optional
	PeakLoad string `json:"peakLoad,omitempty"`
	// peakTime is when the peak is expected.
	// +optional
	PeakTime *metav1.Time `json:"peakTime,omitempty"`
	// reactiveReplicas is what the metrics asked for at the forecast's time.
	// +optional
	ReactiveReplicas int32 `json:"reactiveReplicas,omitempty"`
	// predictedReplicas is what the forecast peak needs (before minReplicas
	// and maxReplicas).
	// +optional
	PredictedReplicas int32 `json:"predictedReplicas,omitempty"`
	// message says why there is no forecast, when there is none.
	// +optional
	Message string `json:"message,omitempty"`
}

// FederatedHPAStatus is an HPA's status, plus what the fleet adds.
type FederatedHPAStatus struct {
	autoscalingv2.HorizontalPodAutoscalerStatus `json:",inline"`

	// clusters is what each target cluster contributed to the last
	// computation (a Kurator extension).
	// +optional
	// +listType=map
	// +listMapKey=name
	Clusters []ClusterAutoscalingStatus `json:"clusters,omitempty"`

	// recommendations are the replica counts computed within the longest
	// stabilization window, newest last (a Kurator extension: they are kept
	// here so that a restarted controller honours the windows).
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=512
	Recommendations []Recommendation `json:"recommendations,omitempty"`

	// scaleEvents are the replica changes made within the longest scaling
	// policy period, newest last (a Kurator extension, for the same reason).
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=512
	ScaleEvents []ScaleEvent `json:"scaleEvents,omitempty"`

	// prediction is the latest forecast, when spec.prediction is set (a
	// Kurator extension).
	// +optional
	Prediction *PredictionStatus `json:"prediction,omitempty"`
}

// ClusterAutoscalingStatus is one cluster's part in the last computation.
type ClusterAutoscalingStatus struct {
	// name of the cluster.
	// +required
	Name string `json:"name"`

	// replicas is how many of the workload's pods the cluster runs.
	// +optional
	Replicas int32 `json:"replicas"`

	// readyReplicas is how many of them are ready.
	// +optional
	ReadyReplicas int32 `json:"readyReplicas"`

	// stale is true when the cluster's metrics could not be read in time
	// (it is down, slow or unreachable): its pods then count as the HPA
	// counts pods without metrics, and the others still scale.
	// +optional
	Stale bool `json:"stale,omitempty"`

	// message says why the cluster is stale.
	// +optional
	Message string `json:"message,omitempty"`

	// lastCollectTime is when the cluster's metrics were last read.
	// +optional
	LastCollectTime *metav1.Time `json:"lastCollectTime,omitempty"`
}

// Recommendation is a replica count the metrics asked for at a time.
type Recommendation struct {
	// time of the computation.
	// +required
	Time metav1.Time `json:"time"`
	// replicas asked for.
	// +required
	Replicas int32 `json:"replicas"`
}

// ScaleEvent is a change of the workload's replicas.
type ScaleEvent struct {
	// time of the change.
	// +required
	Time metav1.Time `json:"time"`
	// from is the replica count before the change.
	// +required
	From int32 `json:"from"`
	// to is the replica count after it.
	// +required
	To int32 `json:"to"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=federatedhpas,scope=Namespaced,shortName=fhpa,categories={kurator,karmada-io}
// +kubebuilder:printcolumn:name="Reference-Kind",type="string",JSONPath=".spec.scaleTargetRef.kind"
// +kubebuilder:printcolumn:name="Reference-Name",type="string",JSONPath=".spec.scaleTargetRef.name"
// +kubebuilder:printcolumn:name="MinPods",type="integer",JSONPath=".spec.minReplicas"
// +kubebuilder:printcolumn:name="MaxPods",type="integer",JSONPath=".spec.maxReplicas"
// +kubebuilder:printcolumn:name="Replicas",type="integer",JSONPath=".status.currentReplicas"
// +kubebuilder:printcolumn:name="Desired",type="integer",JSONPath=".status.desiredReplicas",priority=1
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"

// FederatedHPA scales a resource template from the metrics of its pods in
// every cluster: it computes the fleet's replica count as a
// HorizontalPodAutoscaler would for one cluster, writes it into the
// template, and the scheduler divides it among the clusters.
type FederatedHPA struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec FederatedHPASpec `json:"spec"`
	// +optional
	Status FederatedHPAStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// FederatedHPAList is a list of FederatedHPAs.
type FederatedHPAList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FederatedHPA `json:"items"`
}
