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
package propagation

import (
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// Targets are the clusters a binding's resource goes to: its own
// scheduling result (spec.clusters, with its replicas) and the clusters of
// every binding that requires it (spec.requiredBy, for dependencies
// propagated with propagateDeps). Its own clusters come first, in order,
// then the others in order of first appearance, each once; a cluster only
// a dependent binding asks for carries no replicas of its own.
func Targets(spec *workv1alpha2.ResourceBindingSpec) []workv1alpha2.TargetCluster {
	if len(spec.RequiredBy) == 0 {
		return spec.Clusters
	}
	out := make([]workv1alpha2.TargetCluster, 0, len(spec.Clusters))
	seen := make(map[string]bool, len(spec.Clusters))
	for _, c := range spec.Clusters {
		if !seen[c.Name] {
			seen[c.Name] = true
			out = append(out, c)
		}
	}
	for _, dependent := range spec.RequiredBy {
		for _, c := range dependent.Clusters {
			if !seen[c.Name] {
				seen[c.Name] = true
				out = append(out, workv1alpha2.TargetCluster{Name: c.Name})
			}
		}
	}
	return out
}
