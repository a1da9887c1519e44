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
package estimator

import (
	corev1 "k8s.io/api/core/v1"

	"kurator.dev/kurator/internal/podresources"
)

// NodesWithPods is the estimator's view of a cluster's nodes: each node
// with the requests and the number of the pods bound to it that have not
// terminated (Succeeded or Failed). Pods of other nodes, and pods not
// scheduled yet, are not counted. The scheduling controller builds it from
// its member informers and 'kurator schedule' from a live listing.
func NodesWithPods(nodes []*corev1.Node, pods []*corev1.Pod) []Node {
	byNode := make(map[string]*Node, len(nodes))
	out := make([]Node, len(nodes))
	for i, n := range nodes {
		out[i] = Node{Node: n, Requested: corev1.ResourceList{}}
		byNode[n.Name] = &out[i]
	}
	for _, p := range pods {
		if p.Spec.NodeName == "" || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		if n, ok := byNode[p.Spec.NodeName]; ok {
			podresources.Add(n.Requested, podresources.Requests(&p.Spec))
			n.Pods++
		}
	}
	return out
}
