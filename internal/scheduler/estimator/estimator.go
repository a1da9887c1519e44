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
// Package estimator answers "how many more replicas of this pod template fit
// in this cluster?" from the cluster's real nodes: a replica must fit on one
// node (CPU, memory, any requested resource, pod count, node selector and
// affinity, taints), not in a cluster-wide sum. Replicas reserved by
// decisions still in flight are placed first, so two workloads scheduled
// back to back never count the same free capacity.
package estimator

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/klog/v2"
)

// Node is a member node with what its pods already request.
type Node struct {
	Node *corev1.Node
	// Requested sums the requests of the non-terminal pods bound to it.
	Requested corev1.ResourceList
	// Pods counts those pods.
	Pods int64
}

// Requirements describe one replica: the pod template's requests and
// placement constraints.
type Requirements struct {
	Requests     corev1.ResourceList
	NodeSelector map[string]string
	Affinity     *corev1.Affinity
	Tolerations  []corev1.Toleration
}

// Reservation is a number of replicas of some template decided but not yet
// visible as pods in the cluster.
type Reservation struct {
	Requirements Requirements
	Replicas     int64
}

// free is a node's remaining capacity, in milli-units.
type free struct {
	node *corev1.Node
	res  map[corev1.ResourceName]int64
	pods int64
}

// Replicas returns how many replicas of req fit, after placing the
// reservations. Nodes that are not Ready or are cordoned take nothing.
func Replicas(nodes []Node, req Requirements, reserved ...Reservation) int64 {
	frees := make([]*free, 0, len(nodes))
	for _, n := range nodes {
		if f := newFree(n); f != nil {
			frees = append(frees, f)
		}
	}
	for _, r := range reserved {
		place(frees, r.Requirements, r.Replicas)
	}
	var total int64
	m := newMatcher(req)
	for _, f := range frees {
		if m.matches(f.node) {
			total += f.fit(req.Requests)
		}
	}
	return total
}

func newFree(n Node) *free {
	if n.Node == nil || n.Node.Spec.Unschedulable || !ready(n.Node) {
		return nil
	}
	f := &free{node: n.Node, res: map[corev1.ResourceName]int64{}}
	for name, q := range n.Node.Status.Allocatable {
		if name == corev1.ResourcePods {
			f.pods = q.Value() - n.Pods
			continue
		}
		used := n.Requested[name]
		f.res[name] = q.MilliValue() - used.MilliValue()
	}
	return f
}

// fit is how many replicas with these requests fit on the node.
func (f *free) fit(requests corev1.ResourceList) int64 {
	n := max(f.pods, 0)
	for name, q := range requests {
		need := q.MilliValue()
		if need <= 0 || name == corev1.ResourcePods {
			continue
		}
		have, ok := f.res[name]
		if !ok || have <= 0 {
			return 0
		}
		n = min(n, have/need)
	}
	return n
}

func (f *free) take(requests corev1.ResourceList, replicas int64) {
	f.pods -= replicas
	for name, q := range requests {
		f.res[name] -= q.MilliValue() * replicas
	}
}

// place puts reserved replicas on the matching nodes with the most room
// first, as a scheduler spreading them would.
func place(frees []*free, req Requirements, replicas int64) {
	m := newMatcher(req)
	candidates := make([]*free, 0, len(frees))
	for _, f := range frees {
		if m.matches(f.node) {
			candidates = append(candidates, f)
		}
	}
	slices.SortStableFunc(candidates, func(a, b *free) int {
		fa, fb := a.fit(req.Requests), b.fit(req.Requests)
		switch {
		case fa > fb:
			return -1
		case fa < fb:
			return 1
		}
		return 0
	})
	for _, f := range candidates {
		if replicas <= 0 {
			return
		}
		n := min(f.fit(req.Requests), replicas)
		f.take(req.Requests, n)
		replicas -= n
	}
}

type matcher struct {
	affinity    nodeaffinity.RequiredNodeAffinity
	tolerations []corev1.Toleration
}

func newMatcher(req Requirements) matcher {
	return matcher{affinity: nodeaffinity.NewRequiredNodeAffinity(req.NodeSelector, req.Affinity), tolerations: req.Tolerations}
}

func (m matcher) matches(node *corev1.Node) bool {
	if ok, err := m.affinity.Match(node); err != nil || !ok {
		return false
	}
	_, untolerated := corev1helpers.FindMatchingUntoleratedTaint(klog.Background(), node.Spec.Taints, m.tolerations, func(t *corev1.Taint) bool {
		return t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute
	}, false)
	return !untolerated
}

func ready(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
