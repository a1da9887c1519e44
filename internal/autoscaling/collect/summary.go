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

package collect

import (
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/autoscaling"
)

// reportedResources are what metrics.k8s.io measures, so all a Resource or
// ContainerResource metric can name.
var reportedResources = []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory}

// Summarize sums pods as the HPA's arithmetic counts them, for every
// resource metrics.k8s.io reports, over whole pods and per container (the
// first MaxReportedContainers names in order). The agent of a pull member
// reports it; Samples turns it back into samples on the control plane.
func Summarize(pods []Pod, collectTime time.Time, interval time.Duration) *workv1alpha1.PodMetricsSummary {
	s := &workv1alpha1.PodMetricsSummary{CollectTime: metav1.NewTime(collectTime), ReportInterval: metav1.Duration{Duration: interval}}
	var containers []string
	for _, p := range pods {
		s.Pods++
		if p.Ready {
			s.ReadyPods++
		}
		for name := range p.Requests {
			containers = append(containers, name)
		}
		for name := range p.Usage {
			containers = append(containers, name)
		}
	}
	slices.Sort(containers)
	containers = slices.Compact(containers)
	if len(containers) > workv1alpha1.MaxReportedContainers {
		containers, s.ContainersOmitted = containers[:workv1alpha1.MaxReportedContainers], true
	}
	for _, resource := range reportedResources {
		for _, container := range append([]string{""}, containers...) {
			sum := workv1alpha1.ResourceUsageSum{Resource: resource, Container: container}
			for _, p := range pods {
				sample := p.Sample(resource, container)
				group := &sum.Ready
				switch {
				case !sample.HasMetric:
					group = &sum.Missing
				case !sample.Ready:
					group = &sum.Unready
				}
				group.Pods++
				group.UsageMilli += sample.Value
				group.RequestMilli += sample.Request
			}
			s.Resources = append(s.Resources, sum)
		}
	}
	return s
}

// Samples are the cluster's pods' samples of resource (of container's
// alone when it is set): one per pod, from the pods read or, for a pull
// member, rebuilt from its agent's summary. ok is false when the summary
// cannot say (a resource metrics.k8s.io does not measure, or a container
// beyond those reported).
func (c Cluster) Samples(resource corev1.ResourceName, container string) (samples []autoscaling.PodSample, ok bool) {
	if c.Summary == nil {
		return Samples(c.Pods, resource, container), true
	}
	return SummarySamples(c.Summary, resource, container)
}

// Counts are how many of the workload's pods the cluster runs and how many
// of them are ready.
func (c Cluster) Counts() (pods, ready int32) {
	if c.Summary != nil {
		return c.Summary.Pods, c.Summary.ReadyPods
	}
	for _, p := range c.Pods {
		pods++
		if p.Ready {
			ready++
		}
	}
	return pods, ready
}

// SummarySamples rebuilds samples from a summary: each group of pods as
// that many pods sharing its sums evenly (the remainders on the first), so
// counts and sums are the pods'. The HPA's arithmetic uses only those,
// except that a pod without a metric counts at target% of its own request
// on a scale-down, rounded down per pod: that is exact when such pods
// request the same (pods of one template do), and otherwise within a
// milli-unit per pod.
func SummarySamples(s *workv1alpha1.PodMetricsSummary, resource corev1.ResourceName, container string) ([]autoscaling.PodSample, bool) {
	i := slices.IndexFunc(s.Resources, func(r workv1alpha1.ResourceUsageSum) bool {
		return r.Resource == resource && r.Container == container
	})
	if i < 0 {
		if container == "" || s.ContainersOmitted || !slices.Contains(reportedResources, resource) {
			return nil, false
		}
		// A container no pod has: every pod reports nothing of it, as
		// Pod.Sample says.
		return spread(nil, workv1alpha1.PodGroupSum{Pods: s.Pods}, false, false), true
	}
	r := s.Resources[i]
	out := make([]autoscaling.PodSample, 0, r.Ready.Pods+r.Unready.Pods+r.Missing.Pods)
	out = spread(out, r.Ready, true, true)
	out = spread(out, r.Unready, false, true)
	return spread(out, r.Missing, false, false), true
}

// spread appends g.Pods samples whose values and requests add up to g's.
func spread(out []autoscaling.PodSample, g workv1alpha1.PodGroupSum, ready, hasMetric bool) []autoscaling.PodSample {
	if g.Pods <= 0 {
		return out
	}
	n := int64(g.Pods)
	for i := range n {
		s := autoscaling.PodSample{Ready: ready, HasMetric: hasMetric, Value: g.UsageMilli / n, Request: g.RequestMilli / n}
		if i < g.UsageMilli%n {
			s.Value++
		}
		if i < g.RequestMilli%n {
			s.Request++
		}
		out = append(out, s)
	}
	return out
}
