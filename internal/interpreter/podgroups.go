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

package interpreter

import (
	corev1 "k8s.io/api/core/v1"

	"kurator.dev/kurator/internal/scheduler/estimator"
)

// Helpers of the kinds that run several groups of pods, each from a
// template of its own: a Volcano Job's tasks, a PyTorchJob's replica
// types. The scheduler sees one kind of replica per workload, so a replica
// of such a kind asks for what the most demanding group's pod asks: a
// cluster estimated to hold n of those holds n of any group.

// podGroup is one group of identical pods.
type podGroup struct {
	name     string
	replicas int64
	spec     *corev1.PodSpec
}

// groupsReplicas sums the groups' replicas.
func groupsReplicas(groups []podGroup) int64 {
	var n int64
	for _, g := range groups {
		n += g.replicas
	}
	return n
}

// mostDemanding is the requirements of the group whose pod requests the
// most CPU, then the most memory (see MostDemanding), with that pod's node
// selector, affinity and tolerations, so that the estimate counts the
// nodes that group's pods can use.
func mostDemanding(groups []podGroup) estimator.Requirements {
	reqs := make([]estimator.Requirements, len(groups))
	for i, g := range groups {
		reqs[i] = PodRequirements(g.spec)
	}
	return MostDemanding(reqs)
}

// MostDemanding is the requirements that request the most CPU, then the
// most memory; the first of them on a tie.
func MostDemanding(reqs []estimator.Requirements) estimator.Requirements {
	var best estimator.Requirements
	for i, r := range reqs {
		if i == 0 || demandsMore(r.Requests, best.Requests) {
			best = r
		}
	}
	return best
}

// demandsMore: a requests more CPU than b, or as much CPU and more memory.
func demandsMore(a, b corev1.ResourceList) bool {
	if c := a.Cpu().Cmp(*b.Cpu()); c != 0 {
		return c > 0
	}
	return a.Memory().Cmp(*b.Memory()) > 0
}

// groupsDependencies is what every group's pod spec references.
func groupsDependencies(ns string, groups []podGroup) []Dependency {
	return collectDependencies(ns, func(add func(kind, name string)) {
		for _, g := range groups {
			visitPodSpec(g.spec, add)
		}
	})
}
