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

// Package traffic holds what the TrafficPolicy controller and the CLI share:
// a policy's objectives and guards with their defaults.
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
	DefaultInterval      = 10 * time.Second
	MinInterval          = 5 * time.Second
	DefaultBreachWindows = 2
)

// Objectives are a policy's SLOs, parsed, with defaults.
type Objectives struct {
	Set            bool
	MinSuccessRate float64 // percent; 0 means none
	MaxLatencyP99  time.Duration
	Interval       time.Duration
	BreachWindows  int32
}

// ParseObjectives reads a policy's objectives; nil means none.
func ParseObjectives(slo *networkingv1alpha1.TrafficSLO) (Objectives, error) {
	o := Objectives{Interval: DefaultInterval, BreachWindows: DefaultBreachWindows}
	if slo == nil {
		return o, nil
	}
	o.Set = slo.MinSuccessRate != "" || slo.MaxLatencyP99 != nil
	if slo.MinSuccessRate != "" {
		v, err := strconv.ParseFloat(slo.MinSuccessRate, 64)
		if err != nil || v < 0 || v > 100 {
			return o, fmt.Errorf("slo.minSuccessRate %q is not a percentage", slo.MinSuccessRate)
		}
		o.MinSuccessRate = v
	}
	if slo.MaxLatencyP99 != nil {
		o.MaxLatencyP99 = slo.MaxLatencyP99.Duration
	}
	if slo.Interval != nil {
		o.Interval = max(slo.Interval.Duration, MinInterval)
	}
	if slo.BreachWindows > 0 {
		o.BreachWindows = slo.BreachWindows
	}
	return o, nil
}

// MinWindow keeps rate() meaningful: at least a few scrapes (every 5 s in
// the local fleet) must fall in the window.
const MinWindow = 20 * time.Second

// Window is the range SLIs are measured over.
func (o Objectives) Window() time.Duration { return max(o.Interval, MinWindow) }

// Breached says which objective an SLI misses, or "".
func (o Objectives) Breached(s metricsprovider.SLI) string {
	if o.MinSuccessRate > 0 && s.SuccessRate < o.MinSuccessRate {
		return fmt.Sprintf("success rate %.1f%% below %s%%", s.SuccessRate, strconv.FormatFloat(o.MinSuccessRate, 'f', -1, 64))
	}
	if o.MaxLatencyP99 > 0 && s.P99LatencyMs > float64(o.MaxLatencyP99.Milliseconds()) {
		return fmt.Sprintf("P99 latency %.0fms above %s", s.P99LatencyMs, o.MaxLatencyP99)
	}
	return ""
}

// GuardsOf returns a policy's guards, defaults filled in.
func GuardsOf(g *networkingv1alpha1.WeightGuards) weights.Guards {
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
