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

package scheduling

import (
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheduler/affinity"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// consolidates reports whether, in Cascade mode, a fresh decision runs more
// replicas in an earlier tier than the decision in force: replicas that
// spilled to a later tier (an outage, a full tier) can come back. Without
// the failback opt-in they stay where they are.
func consolidates(p *policyv1alpha1.Placement, snap *framework.Snapshot, current []workv1alpha2.TargetCluster, fresh []framework.TargetCluster) bool {
	if !p.CascadesTiers() {
		return false
	}
	matchers := make([]*affinity.Matcher, len(p.ClusterAffinities))
	for i := range p.ClusterAffinities {
		matchers[i] = affinity.Compile(&p.ClusterAffinities[i].ClusterAffinity)
	}
	tierOf := map[string]int{}
	for _, c := range snap.Clusters {
		tierOf[c.Name()] = len(matchers)
		for i, m := range matchers {
			if m.Matches(c.Cluster) {
				tierOf[c.Name()] = i
				break
			}
		}
	}
	was, now := make([]int64, len(matchers)+1), make([]int64, len(matchers)+1)
	for _, t := range current {
		if tier, ok := tierOf[t.Name]; ok {
			was[tier] += int64(t.Replicas)
		}
	}
	for _, t := range fresh {
		if tier, ok := tierOf[t.Name]; ok {
			now[tier] += t.Replicas
		}
	}
	for i := range was {
		if now[i] != was[i] {
			return now[i] > was[i]
		}
	}
	return false
}
