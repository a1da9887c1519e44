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

// AnalysisTemplateSpec lists the metrics that decide whether a change is
// healthy, and the arguments their queries take.
type AnalysisTemplateSpec struct {
	// metrics are measured independently; the analysis takes the worst of
	// their phases. Names are unique.
	// +required
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	Metrics []Metric `json:"metrics"`

	// args are the parameters the metrics reference as {{args.NAME}}. A
	// value given here is a default that the caller may override; an arg
	// without a value must be given by the caller. Kurator's rollouts always
	// pass cluster, namespace and workload.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=64
	Args []Argument `json:"args,omitempty"`

	// dryRun lists metrics (by name, a regular expression) whose results are
	// recorded but never fail, error or pause the analysis.
	// +optional
	// +listType=map
	// +listMapKey=metricName
	// +kubebuilder:validation:MaxItems=32
	DryRun []DryRun `json:"dryRun,omitempty"`

	// measurementRetention sets how many measurements are kept per metric
	// (by name, a regular expression). Without a rule, the last 10 are kept.
	// +optional
	// +listType=map
	// +listMapKey=metricName
	// +kubebuilder:validation:MaxItems=32
	MeasurementRetention []MeasurementRetention `json:"measurementRetention,omitempty"`

	// templates would include other templates' metrics and args. Kurator
	// accepts and keeps the field but refuses to run a template that uses
	// it: list the metrics directly.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	Templates []AnalysisTemplateRef `json:"templates,omitempty"`
}

// Argument is a named parameter of a template.
// +kubebuilder:validation:XValidation:rule="!(has(self.value) && has(self.valueFrom))",message="value and valueFrom are exclusive"
type Argument struct {
	// name of the argument, referenced in metrics as {{args.NAME}}.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
	// value is the argument's default; the caller's value takes precedence.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Value *string `json:"value,omitempty"`
	// valueFrom reads the value from elsewhere. Kurator accepts and keeps
	// it, but a run that needs it fails with an error asking for a value.
	// +optional
	ValueFrom *ValueFrom `json:"valueFrom,omitempty"`
}

// ValueFrom says where an argument's value is read from.
type ValueFrom struct {
	// secretKeyRef reads the value from a key of a Secret in the
	// template's namespace. Not supported by Kurator.
	// +optional
	SecretKeyRef *SecretKeyRef `json:"secretKeyRef,omitempty"`
	// fieldRef reads the value from a field of the object that runs the
	// analysis. Not supported by Kurator.
	// +optional
	FieldRef *FieldRef `json:"fieldRef,omitempty"`
}

// SecretKeyRef names a key of a Secret.
type SecretKeyRef struct {
	// name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
	// key in the Secret's data.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Key string `json:"key"`
}

// FieldRef names a field by path, e.g. metadata.labels['app'].
type FieldRef struct {
	// fieldPath is the path of the field.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	FieldPath string `json:"fieldPath"`
}

// DryRun marks metrics as dry-run.
type DryRun struct {
	// metricName is a regular expression matched against metric names; it
	// must match at least one. ".*" marks every metric.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	MetricName string `json:"metricName"`
}

// MeasurementRetention is how many measurements to keep for some metrics.
type MeasurementRetention struct {
	// metricName is a regular expression matched against metric names; it
	// must match at least one.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	MetricName string `json:"metricName"`
	// limit is how many of the latest measurements are kept (1 to 50, so
	// that status stays small).
	// +required
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=50
	Limit int32 `json:"limit"`
}

// AnalysisTemplateRef names another template.
type AnalysisTemplateRef struct {
	// templateName is the name of the AnalysisTemplate or
	// ClusterAnalysisTemplate.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	TemplateName string `json:"templateName"`
	// clusterScope is true when the template is a ClusterAnalysisTemplate.
	// +optional
	ClusterScope bool `json:"clusterScope,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=at,categories=kurator
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// AnalysisTemplate is an Argo Rollouts-compatible set of metric checks, in a
// namespace, that rollouts run to decide whether to continue or roll back.
type AnalysisTemplate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec lists the metrics and arguments.
	// +required
	Spec AnalysisTemplateSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// AnalysisTemplateList is a list of AnalysisTemplates.
type AnalysisTemplateList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []AnalysisTemplate `json:"items"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,shortName=cat,categories=kurator
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// ClusterAnalysisTemplate is an AnalysisTemplate that every namespace can use.
type ClusterAnalysisTemplate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec lists the metrics and arguments.
	// +required
	Spec AnalysisTemplateSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// ClusterAnalysisTemplateList is a list of ClusterAnalysisTemplates.
type ClusterAnalysisTemplateList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterAnalysisTemplate `json:"items"`
}
