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

// Package podresources computes what a pod asks of a node, exactly as the
// kube-scheduler counts it. The cluster inventory sums it over members' pods;
// the scheduler uses it for the replicas of a workload template.
package podresources

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Requests is what the kube-scheduler reserves for a pod: the larger of
// the sum of its containers and its largest init container (restartable init
// containers, i.e. sidecars, count with the containers), replaced by the
// pod-level requests (spec.resources) for the resources those set, plus
// overhead.
func Requests(spec *corev1.PodSpec) corev1.ResourceList {
	sum := corev1.ResourceList{}
	for _, c := range spec.Containers {
		Add(sum, c.Resources.Requests)
	}
	initMax := corev1.ResourceList{}
	sidecars := corev1.ResourceList{}
	for _, c := range spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			Add(sidecars, c.Resources.Requests)
			continue
		}
		candidate := sidecars.DeepCopy()
		Add(candidate, c.Resources.Requests)
		for name, q := range candidate {
			if cur, ok := initMax[name]; !ok || q.Cmp(cur) > 0 {
				initMax[name] = q
			}
		}
	}
	Add(sum, sidecars)
	for name, q := range initMax {
		if cur, ok := sum[name]; !ok || q.Cmp(cur) > 0 {
			sum[name] = q
		}
	}
	if spec.Resources != nil {
		for name, q := range spec.Resources.Requests {
			if podLevelResource(name) {
				sum[name] = q.DeepCopy()
			}
		}
	}
	Add(sum, spec.Overhead)
	return sum
}

// podLevelResource reports whether pod-level resources may set name (as
// k8s.io/component-helpers/resource.IsSupportedPodLevelResource).
func podLevelResource(name corev1.ResourceName) bool {
	return name == corev1.ResourceCPU || name == corev1.ResourceMemory || strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

// Add adds more to total in place.
func Add(total, more corev1.ResourceList) {
	for name, q := range more {
		if cur, ok := total[name]; ok {
			cur.Add(q)
			total[name] = cur
		} else {
			total[name] = q.DeepCopy()
		}
	}
}
