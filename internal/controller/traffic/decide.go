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
	"strconv"
	"time"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	"kurator.dev/kurator/internal/metricsprovider"
	"kurator.dev/kurator/internal/traffic/weights"
)

// Defaults of a TrafficPolicy's objectives.
const (
	defaultInterval      = 10 * time.Second
	minInterval          = 5 * time.Second
	defaultBreachWindows = 2
)

// objectives are a policy's SLOs, parsed.
type objectives struct {
	set            bool
	minSuccessRate float64 // percent; 0 means none
	maxLatencyP99  time.Duration
	interval       time.Duration
	breachWindows  int32
}

func parseObjectives(slo *networkingv1alpha1.TrafficSLO) (objectives, error) {
	o := objectives{interval: defaultInterval, breachWindows: defaultBreachWindows}
	if slo == nil {
		return o, nil
	}
	o.set = slo.MinSuccessRate != "" || slo.MaxLatencyP99 != nil
	if slo.MinSuccessRate != "" {
		v, err := strconv.ParseFloat(slo.MinSuccessRate, 64)
		if err != nil || v < 0 || v > 100 {
			return o, fmt.Errorf("slo.minSuccessRate %q is not a percentage", slo.MinSuccessRate)
		}
		o.minSuccessRate = v
	}
	if slo.MaxLatencyP99 != nil {
		o.maxLatencyP99 = slo.MaxLatencyP99.Duration
	}
	if slo.Interval != nil {
		o.interval = max(slo.Interval.Duration, minInterval)
	}
	if slo.BreachWindows > 0 {
		o.breachWindows = slo.BreachWindows
	}
	return o, nil
}

// minWindow keeps rate() meaningful: at least a few scrapes (every 5 s in
// the local fleet) must fall in the window.
const minWindow = 20 * time.Second

// window is the range SLIs are measured over.
func (o objectives) window() time.Duration { return max(o.interval, minWindow) }

// breached says which objective an SLI misses, or "".
func (o objectives) breached(s metricsprovider.SLI) string {
	if o.minSuccessRate > 0 && s.SuccessRate < o.minSuccessRate {
		return fmt.Sprintf("success rate %.1f%% below %s%%", s.SuccessRate, strconv.FormatFloat(o.minSuccessRate, 'f', -1, 64))
	}
	if o.maxLatencyP99 > 0 && s.P99LatencyMs > float64(o.maxLatencyP99.Milliseconds()) {
		return fmt.Sprintf("P99 latency %.0fms above %s", s.P99LatencyMs, o.maxLatencyP99)
	}
	return ""
}

func guardsOf(g *networkingv1alpha1.WeightGuards) weights.Guards {
	out := weights.DefaultGuards()
	if g == nil {
		return out
	}
	if g.MinWeight != nil {
		out.MinWeight = *g.MinWeight
	}
	if g.Hysteresis != nil {
		out.Hysteresis = *g.Hysteresis
	}
	if g.Cooldown != nil {
		out.Cooldown = g.Cooldown.Duration
	}
	if g.MaxStep != nil {
		out.MaxStep = *g.MaxStep
	}
	if g.RecoverySteps != nil {
		out.RecoverySteps = *g.RecoverySteps
	}
	return out
}

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
func healthOf(c placedCluster, prev *networkingv1alpha1.ClusterTraffic, o objectives, slis map[string]metricsprovider.SLI, evaluated bool) clusterHealth {
	h := clusterHealth{health: 1}
	if prev != nil {
		h.breaches = prev.Breaches
	}
	if evaluated && o.set {
		if s, ok := slis[c.name]; ok {
			h.sli = &s
			if why := o.breached(s); why != "" {
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
	if h.breaches >= o.breachWindows {
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
