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
	"k8s.io/apimachinery/pkg/util/intstr"
)

// DurationString is a duration as Go writes it: "30s", "5m", "1h30m".
// +kubebuilder:validation:MaxLength=64
// +kubebuilder:validation:Pattern=`^(([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+|.*\{\{.*\}\}.*)$`
type DurationString string

// Metric is one check: a query, when and how often to run it, and what its
// result must be.
// +kubebuilder:validation:XValidation:rule="!has(self.count) || type(self.count) == string || self.count <= 1 || has(self.interval)",message="interval is required when count is more than 1"
// +kubebuilder:validation:XValidation:rule="!(has(self.failureLimit) && type(self.failureLimit) == int && self.failureLimit == -1) || (has(self.consecutiveSuccessLimit) && (type(self.consecutiveSuccessLimit) == string || self.consecutiveSuccessLimit > 0))",message="failureLimit -1 turns failures off; then consecutiveSuccessLimit must be more than 0"
// +kubebuilder:validation:XValidation:rule="!has(self.count) || type(self.count) != int || self.count >= 0",message="count must be 0 or more"
// +kubebuilder:validation:XValidation:rule="!has(self.failureLimit) || type(self.failureLimit) != int || self.failureLimit >= -1",message="failureLimit must be -1 (off) or more"
// +kubebuilder:validation:XValidation:rule="!has(self.inconclusiveLimit) || type(self.inconclusiveLimit) != int || self.inconclusiveLimit >= 0",message="inconclusiveLimit must be 0 or more"
// +kubebuilder:validation:XValidation:rule="!has(self.consecutiveErrorLimit) || type(self.consecutiveErrorLimit) != int || self.consecutiveErrorLimit >= 0",message="consecutiveErrorLimit must be 0 or more"
// +kubebuilder:validation:XValidation:rule="!has(self.consecutiveSuccessLimit) || type(self.consecutiveSuccessLimit) != int || self.consecutiveSuccessLimit >= 0",message="consecutiveSuccessLimit must be 0 or more"
type Metric struct {
	// name of the metric, unique in the template.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// interval is the time between two measurements, e.g. "5m". Without it
	// the metric is measured once (or count times, which then requires it).
	// +optional
	Interval DurationString `json:"interval,omitempty"`

	// initialDelay is how long after the analysis starts the first
	// measurement is taken, e.g. "1m".
	// +optional
	InitialDelay DurationString `json:"initialDelay,omitempty"`

	// count is how many measurements to take. Without count and interval,
	// one; with interval only, measurements go on until the analysis is
	// stopped. An integer, or a string holding one or an {{args.NAME}}.
	// +optional
	Count *intstr.IntOrString `json:"count,omitempty"`

	// successCondition is an expression over result (a list of numbers for
	// a Prometheus vector), e.g. "result[0] >= 0.95". Without a failure
	// condition, a measurement that does not meet it fails.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	SuccessCondition string `json:"successCondition,omitempty"`

	// failureCondition is an expression over result; a measurement that
	// meets it fails. With both conditions set, a measurement that meets
	// neither is inconclusive.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	FailureCondition string `json:"failureCondition,omitempty"`

	// failureLimit is how many failed measurements are tolerated: one more
	// fails the metric. Default 0; -1 turns failures off (then
	// consecutiveSuccessLimit decides).
	// +optional
	FailureLimit *intstr.IntOrString `json:"failureLimit,omitempty"`

	// inconclusiveLimit is how many inconclusive measurements are tolerated:
	// one more makes the metric inconclusive. Default 0.
	// +optional
	InconclusiveLimit *intstr.IntOrString `json:"inconclusiveLimit,omitempty"`

	// consecutiveErrorLimit is how many measurements in a row may error
	// (the query failed, or returned no data): one more errors the metric.
	// Default 4.
	// +optional
	ConsecutiveErrorLimit *intstr.IntOrString `json:"consecutiveErrorLimit,omitempty"`

	// consecutiveSuccessLimit, when more than 0, makes the metric
	// successful as soon as that many measurements in a row succeed. If
	// count is reached first, the metric is inconclusive (or failed when
	// failureLimit is -1). Default 0 (off).
	// +optional
	ConsecutiveSuccessLimit *intstr.IntOrString `json:"consecutiveSuccessLimit,omitempty"`

	// provider says where the metric is read from. Kurator measures
	// prometheus only.
	// +required
	Provider MetricProvider `json:"provider"`
}

// MetricProvider is where a metric is read from: set exactly one field.
// Kurator measures prometheus; the other Argo Rollouts providers are
// accepted and kept so that Argo templates apply unchanged, and a run that
// uses them fails with "provider X is not supported by Kurator; use
// prometheus".
// +kubebuilder:pruning:PreserveUnknownFields
type MetricProvider struct {
	// prometheus runs a PromQL instant query.
	// +optional
	Prometheus *PrometheusMetric `json:"prometheus,omitempty"`

	// kayenta is Argo's Kayenta provider. Not supported by Kurator.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Kayenta *apiextensionsv1.JSON `json:"kayenta,omitempty"`
	// web is Argo's HTTP provider. Not supported by Kurator.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Web *apiextensionsv1.JSON `json:"web,omitempty"`
	// datadog is Argo's Datadog provider. Not supported by Kurator.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Datadog *apiextensionsv1.JSON `json:"datadog,omitempty"`
	// wavefront is Argo's Wavefront provider. Not supported by Kurator.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Wavefront *apiextensionsv1.JSON `json:"wavefront,omitempty"`
	// newRelic is Argo's New Relic provider. Not supported by Kurator.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	NewRelic *apiextensionsv1.JSON `json:"newRelic,omitempty"`
	// job is Argo's Kubernetes Job provider. Not supported by Kurator.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Job *apiextensionsv1.JSON `json:"job,omitempty"`
	// cloudWatch is Argo's AWS CloudWatch provider. Not supported by Kurator.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	CloudWatch *apiextensionsv1.JSON `json:"cloudWatch,omitempty"`
	// graphite is Argo's Graphite provider. Not supported by Kurator.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Graphite *apiextensionsv1.JSON `json:"graphite,omitempty"`
	// influxdb is Argo's InfluxDB provider. Not supported by Kurator.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Influxdb *apiextensionsv1.JSON `json:"influxdb,omitempty"`
	// skywalking is Argo's Apache SkyWalking provider. Not supported by Kurator.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	SkyWalking *apiextensionsv1.JSON `json:"skywalking,omitempty"`
	// plugin is Argo's metric plugin provider. Not supported by Kurator.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Plugin *apiextensionsv1.JSON `json:"plugin,omitempty"`
}

// PrometheusMetric is a PromQL instant query.
type PrometheusMetric struct {
	// address of the Prometheus server, http[s]://host:port. Without it,
	// the control plane's Prometheus is used (the controller-manager's
	// --prometheus-url, or the local fleet's).
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	Address string `json:"address,omitempty"`

	// query is the PromQL expression, evaluated at the time of the
	// measurement. It may reference {{args.NAME}}.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8192
	Query string `json:"query"`

	// timeout of the query, in seconds. Kurator's Prometheus client also
	// gives up after 5 seconds, whichever comes first.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=300
	Timeout *int64 `json:"timeout,omitempty"`

	// insecure skips TLS verification. Not supported by Kurator: a run
	// with insecure true fails.
	// +optional
	Insecure bool `json:"insecure,omitempty"`

	// headers are extra HTTP headers. Not supported by Kurator: a run with
	// headers fails.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	Headers []WebMetricHeader `json:"headers,omitempty"`

	// authentication (sigv4, oauth2, basicAuth). Not supported by Kurator:
	// a run with authentication fails.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Authentication *apiextensionsv1.JSON `json:"authentication,omitempty"`

	// rangeQuery runs a range query instead. Not supported by Kurator: a
	// run with rangeQuery fails.
	// +optional
	RangeQuery *PrometheusRangeQueryArgs `json:"rangeQuery,omitempty"`
}

// WebMetricHeader is an HTTP header.
type WebMetricHeader struct {
	// key is the header's name.
	// +required
	// +kubebuilder:validation:MaxLength=256
	Key string `json:"key"`
	// value is the header's value.
	// +required
	// +kubebuilder:validation:MaxLength=4096
	Value string `json:"value"`
}

// PrometheusRangeQueryArgs are the bounds of a range query.
type PrometheusRangeQueryArgs struct {
	// start of the range, an expression.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Start string `json:"start,omitempty"`
	// end of the range, an expression.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	End string `json:"end,omitempty"`
	// step between points.
	// +optional
	Step DurationString `json:"step,omitempty"`
}
