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
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/podresources"
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
		podresources.Add(allocatable, n.Status.Allocatable)
	}
	allocated, allocating := corev1.ResourceList{}, corev1.ResourceList{}
	var boundPods, pendingPods int64
	for _, p := range pods {
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		if p.Spec.NodeName != "" {
			podresources.Add(allocated, podresources.Requests(&p.Spec))
			boundPods++
		} else {
			podresources.Add(allocating, podresources.Requests(&p.Spec))
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
