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

package scheduler

import (
	"fmt"
	"math"
	"strings"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/cost"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// costWeightScale is the weight of the cheapest cluster; a cluster n times
// dearer weighs costWeightScale/n.
const costWeightScale = 1000

// costWeights weighs each chosen cluster by the inverse of what one replica
// costs there (the policy annotation scheduling.karmada.io/cost-weight). A
// cluster without a known price weighs as the dearest known one; with no
// price known at all, every cluster weighs the same.
func costWeights(w *framework.Workload, chosen []*Candidate, expl *Explanation) []policyv1alpha1.StaticClusterWeight {
	usage := cost.Usage{VCPU: 1}
	if w.Requirements != nil {
		if u := cost.UsageOf(w.Requirements.Requests); u.VCPU > 0 || u.GiB > 0 {
			usage = u
		}
	}
	prices := make([]float64, len(chosen))
	cheapest, dearest := math.Inf(1), 0.0
	for i, c := range chosen {
		p, ok := cost.PerHour(c.info.Properties(w.Now), usage)
		if !ok || p <= 0 {
			prices[i] = -1
			continue
		}
		prices[i] = p
		cheapest, dearest = min(cheapest, p), max(dearest, p)
	}
	if dearest == 0 {
		expl.Division += "cost-weight: no cluster has a known price, so every cluster weighs the same. "
		return nil
	}
	rules := make([]policyv1alpha1.StaticClusterWeight, len(chosen))
	var parts []string
	for i, c := range chosen {
		p := prices[i]
		unknown := p < 0
		if unknown {
			p = dearest
		}
		weight := max(1, int64(math.Round(costWeightScale*cheapest/p)))
		rules[i] = policyv1alpha1.StaticClusterWeight{TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: []string{c.Name}}, Weight: weight}
		if len(parts) <= listLimit {
			note := fmt.Sprintf("%s %.4g USD/h", c.Name, p)
			if unknown {
				note = c.Name + " price unknown, as the dearest"
			}
			parts = append(parts, note)
		}
	}
	expl.Division += "cost-weight: weights are inverse to each cluster's price per replica (" + strings.Join(parts, ", ") + "). "
	return rules
}
