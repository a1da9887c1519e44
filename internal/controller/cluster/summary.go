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
package cluster

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

// summarize computes the node summary and the resource summary the way
// Karmada defines them: allocatable over all nodes; allocated by pods bound
// to a node and not finished; allocating by pods not yet bound. Pod counts are
// included under "pods".
func summarize(nodes []*corev1.Node, pods []*corev1.Pod) (*karmadaclusterv1alpha1.NodeSummary, *karmadaclusterv1alpha1.ResourceSummary) {
	ns := &karmadaclusterv1alpha1.NodeSummary{TotalNum: int32(len(nodes))}
	allocatable := corev1.ResourceList{}
	for _, n := range nodes {
		if nodeReady(n) {
			ns.ReadyNum++
		}
		add(allocatable, n.Status.Allocatable)
	}
	allocated, allocating := corev1.ResourceList{}, corev1.ResourceList{}
	var boundPods, pendingPods int64
	for _, p := range pods {
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		if p.Spec.NodeName != "" {
			add(allocated, podRequests(p))
			boundPods++
		} else {
			add(allocating, podRequests(p))
			pendingPods++
		}
	}
	allocated[corev1.ResourcePods] = *resource.NewQuantity(boundPods, resource.DecimalSI)
	allocating[corev1.ResourcePods] = *resource.NewQuantity(pendingPods, resource.DecimalSI)
	return ns, &karmadaclusterv1alpha1.ResourceSummary{Allocatable: allocatable, Allocated: allocated, Allocating: allocating}
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// podRequests is what the kube-scheduler reserves for a pod: the larger of
// the sum of its containers and its largest init container (restartable init
// containers, i.e. sidecars, count with the containers), replaced by the
// pod-level requests (spec.resources) for the resources those set, plus
// overhead.
func podRequests(p *corev1.Pod) corev1.ResourceList {
	sum := corev1.ResourceList{}
	for _, c := range p.Spec.Containers {
		add(sum, c.Resources.Requests)
	}
	initMax := corev1.ResourceList{}
	sidecars := corev1.ResourceList{}
	for _, c := range p.Spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			add(sidecars, c.Resources.Requests)
			continue
		}
		candidate := sidecars.DeepCopy()
		add(candidate, c.Resources.Requests)
		for name, q := range candidate {
			if cur, ok := initMax[name]; !ok || q.Cmp(cur) > 0 {
				initMax[name] = q
			}
		}
	}
	add(sum, sidecars)
	for name, q := range initMax {
		if cur, ok := sum[name]; !ok || q.Cmp(cur) > 0 {
			sum[name] = q
		}
	}
	if p.Spec.Resources != nil {
		for name, q := range p.Spec.Resources.Requests {
			if podLevelResource(name) {
				sum[name] = q.DeepCopy()
			}
		}
	}
	add(sum, p.Spec.Overhead)
	return sum
}

// podLevelResource reports whether pod-level resources may set name (as
// k8s.io/component-helpers/resource.IsSupportedPodLevelResource).
func podLevelResource(name corev1.ResourceName) bool {
	return name == corev1.ResourceCPU || name == corev1.ResourceMemory || strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

func add(total, more corev1.ResourceList) {
	for name, q := range more {
		if cur, ok := total[name]; ok {
			cur.Add(q)
			total[name] = cur
		} else {
			total[name] = q.DeepCopy()
		}
	}
}
