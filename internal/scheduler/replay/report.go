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

package replay

import (
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
)

// Policy is the named policy's result.
func (r Result) Policy(name string) (PolicyResult, bool) {
	for _, p := range r.Policies {
		if p.Name == name {
			return p, true
		}
	}
	return PolicyResult{}, false
}

// Savings are a policy's cost and carbon savings against the agnostic
// counterfactual, in percent; zero when the counterfactual was not run.
func (r Result) Savings(p PolicyResult) (usdPercent, carbonPercent float64) {
	base, ok := r.Policy(Agnostic)
	if !ok || base.USD == 0 || base.Grams == 0 {
		return 0, 0
	}
	return 100 * (base.USD - p.USD) / base.USD, 100 * (base.Grams - p.Grams) / base.Grams
}

// String is a Markdown table of the policies.
func (r Result) String() string {
	var out strings.Builder
	fmt.Fprintf(&out, "| policy | USD | kgCO2eq | USD saved | CO2 saved | moves | replicas moved | new on below-SLO (replica-h) | kept on below-SLO (replica-h) |\n")
	fmt.Fprintf(&out, "|---|---|---|---|---|---|---|---|---|\n")
	for _, p := range r.Policies {
		usd, carbon := r.Savings(p)
		fmt.Fprintf(&out, "| %s | %.2f | %.2f | %.1f%% | %.1f%% | %d | %d | %.1f | %.1f |\n", p.Name, p.USD, p.Grams/1000,
			usd, carbon, p.MoveSteps, p.ReplicasMoved, p.NewBelowSLO, p.KeptBelowSLO)
	}
	var replicaHours float64
	var decisions int
	if len(r.Policies) > 0 {
		replicaHours, decisions = r.Policies[0].ReplicaHours, r.Policies[0].Decisions
	}
	fmt.Fprintf(&out, "%.0f replica-hours over %s, %d decisions per policy\n", replicaHours, r.Span, decisions)
	return out.String()
}

// Summary is a table of each region's series: intensity, price and SLI,
// and how long the SLI was below the SLO.
func (t Trace) Summary() string {
	var out strings.Builder
	w := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "region\tgCO2eq/kWh min/mean/max\tUSD/vCPU-h min/mean/max\tSLI min\thours below %g%%\n", SLO)
	for r, region := range t.Regions {
		var intensity, price, success series
		below := 0
		for _, step := range t.Steps {
			c := step[r]
			intensity.add(c.Intensity)
			price.add(c.VCPUHour)
			success.add(c.SuccessRate)
			if c.SuccessRate < SLO {
				below++
			}
		}
		name := region.Name
		if region.Spot {
			name += " (spot)"
		}
		fmt.Fprintf(w, "%s\t%.0f / %.0f / %.0f\t%.4f / %.4f / %.4f\t%.2f\t%.1f\n", name, intensity.lo, intensity.mean(), intensity.hi,
			price.lo, price.mean(), price.hi, success.lo, float64(below)*t.Step.Hours())
	}
	_ = w.Flush()
	return out.String()
}

type series struct {
	lo, hi, sum float64
	n           int
}

func (s *series) add(v float64) {
	if s.n == 0 {
		s.lo, s.hi = v, v
	}
	s.lo, s.hi, s.sum = math.Min(s.lo, v), math.Max(s.hi, v), s.sum+v
	s.n++
}

func (s series) mean() float64 {
	if s.n == 0 {
		return 0
	}
	return s.sum / float64(s.n)
}
