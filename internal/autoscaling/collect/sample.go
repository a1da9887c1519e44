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
	corev1 "k8s.io/api/core/v1"

	"kurator.dev/kurator/internal/autoscaling"
)

// Sample is what the pod reports of resource, summed over its containers,
// or of container's alone when container is set (a ContainerResource
// metric). Values are in milli-units, as the HPA computes them.
func (p Pod) Sample(resource corev1.ResourceName, container string) autoscaling.PodSample {
	s := autoscaling.PodSample{Ready: p.Ready, HasMetric: p.Usage != nil}
	for name, requests := range p.Requests {
		if container != "" && name != container {
			continue
		}
		if q, ok := requests[resource]; ok {
			s.Request += q.MilliValue()
		}
	}
	for name, usage := range p.Usage {
		if container != "" && name != container {
			continue
		}
		if q, ok := usage[resource]; ok {
			s.Value += q.MilliValue()
		}
	}
	if container != "" && p.Usage != nil {
		_, s.HasMetric = p.Usage[container]
	}
	return s
}

// Samples are every pod's samples of resource.
func Samples(pods []Pod, resource corev1.ResourceName, container string) []autoscaling.PodSample {
	out := make([]autoscaling.PodSample, len(pods))
	for i, p := range pods {
		out[i] = p.Sample(resource, container)
	}
	return out
}
