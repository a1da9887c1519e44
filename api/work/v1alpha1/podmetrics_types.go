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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MaxReportedContainers bounds the containers a PodMetricsSummary has sums
// for, so that a report's size does not grow with the pod spec.
const MaxReportedContainers = 16

// PodMetricsSummary is a workload's pods in one member and what they use,
// summed: the HPA's arithmetic needs only counts and sums of the pods that
// report a metric, of those that do not, and of those not ready yet. Its
// size depends on the containers, never on the number of pods.
type PodMetricsSummary struct {
	// collectTime is when the agent read the pods and their usage.
	// +required
	CollectTime metav1.Time `json:"collectTime"`

	// reportInterval is how often the agent reports: a summary older than
	// three intervals is stale.
	// +required
	ReportInterval metav1.Duration `json:"reportInterval"`

	// pods counts the workload's pods, those being deleted and those that
	// have terminated left out, as the HPA counts them.
	// +required
	// +kubebuilder:validation:Minimum=0
	Pods int32 `json:"pods"`

	// readyPods counts those of them that are ready.
	// +required
	// +kubebuilder:validation:Minimum=0
	ReadyPods int32 `json:"readyPods"`

	// resources are the sums of cpu and memory, over whole pods (no
	// container) and per container.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=34
	Resources []ResourceUsageSum `json:"resources,omitempty"`

	// containersOmitted is true when the pods have more containers than
	// are reported (16): a ContainerResource metric of another container
	// cannot be computed from this summary.
	// +optional
	ContainersOmitted bool `json:"containersOmitted,omitempty"`
}

// ResourceUsageSum sums one resource of the pods, or of one container of
// the pods, by how the HPA counts each pod.
type ResourceUsageSum struct {
	// resource is cpu or memory, what metrics.k8s.io reports.
	// +required
	// +kubebuilder:validation:Enum=cpu;memory
	Resource corev1.ResourceName `json:"resource"`

	// container names the container summed; empty: whole pods.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Container string `json:"container,omitempty"`

	// ready are the ready pods that report a usage.
	// +optional
	Ready PodGroupSum `json:"ready,omitempty"`

	// unready are the pods not ready yet that report a usage.
	// +optional
	Unready PodGroupSum `json:"unready,omitempty"`

	// missing are the pods no usage is reported for (too new, or not
	// scraped yet); their usage is zero.
	// +optional
	Missing PodGroupSum `json:"missing,omitempty"`
}

// PodGroupSum is a number of pods and their summed usage and requests, in
// milli-units (millicores, millibytes), as the HPA computes.
type PodGroupSum struct {
	// pods is how many pods are summed.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Pods int32 `json:"pods,omitempty"`

	// usageMilli is their summed usage.
	// +optional
	// +kubebuilder:validation:Minimum=0
	UsageMilli int64 `json:"usageMilli,omitempty"`

	// requestMilli is their summed request.
	// +optional
	// +kubebuilder:validation:Minimum=0
	RequestMilli int64 `json:"requestMilli,omitempty"`
}
