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

package traffic

import (
	"fmt"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	"kurator.dev/kurator/internal/metricsprovider"
	trafficspec "kurator.dev/kurator/internal/traffic"
)

// measured is one evaluation's SLIs by subset and cluster; nil when SLIs were
// not read this time (not due, no objectives, or no metrics).
type measured map[string]map[string]metricsprovider.SLI

// clusterHealth is one (subset, cluster)'s health with its reasons, and the
// breach count and SLIs to record.
type clusterHealth struct {
	health   float64
	reasons  []string
	breaches int32
	sli      *metricsprovider.SLI
}

// healthOf combines readiness, availability and objectives. SLIs measured
// this time move the breach count: up on a miss, to 0 when met; a cluster
// that served nothing is probed, its count falling by one per interval, so a
// drained cluster ramps back and is measured again.
func healthOf(c placedCluster, prev *networkingv1alpha1.ClusterTraffic, o trafficspec.Objectives, slis map[string]metricsprovider.SLI, evaluated bool) clusterHealth {
	h := clusterHealth{health: 1}
	if prev != nil {
		h.breaches = prev.Breaches
	}
	if evaluated && o.Set {
		if s, ok := slis[c.name]; ok {
			h.sli = &s
			if why := o.Breached(s); why != "" {
				h.breaches++
				h.reasons = append(h.reasons, why)
			} else {
				h.breaches = 0
			}
		} else if h.breaches > 0 {
			h.breaches--
		}
	}
	switch {
	case !c.ready:
		h.health = 0
		h.reasons = append(h.reasons, "cluster is not Ready")
	case !c.reported:
		h.health = 0
		h.reasons = append(h.reasons, "no status reported by the member yet")
	case c.replicas > 0:
		h.health = min(1, float64(c.available)/float64(c.replicas))
		if c.available < c.replicas {
			h.reasons = append(h.reasons, fmt.Sprintf("%d of %d replicas available", c.available, c.replicas))
		}
	}
	if h.breaches >= o.BreachWindows {
		h.health = 0
		h.reasons = append(h.reasons, fmt.Sprintf("objectives missed for %d consecutive intervals", h.breaches))
	}
	return h
}

// baseWeight is the cluster's weight before health: explicit, or its replicas.
func baseWeight(tp *networkingv1alpha1.TrafficPolicy, c placedCluster) float64 {
	if len(tp.Spec.ClusterWeights) > 0 {
		for _, w := range tp.Spec.ClusterWeights {
			if w.Cluster == c.name {
				return float64(w.Weight)
			}
		}
		return 0
	}
	return float64(c.replicas)
}
