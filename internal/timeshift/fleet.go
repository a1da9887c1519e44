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

package timeshift

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/clusterproperties"
)

// Placement is one cluster of a scheduling decision: its Cluster object
// (nil when it is gone) and the replicas it runs.
type Placement struct {
	Name     string
	Cluster  *karmadaclusterv1alpha1.Cluster
	Replicas int32
}

// weight of a placement in the mean: its replicas, 1 when the decision
// gives none (a duplicated workload runs whole everywhere).
func (p Placement) weight() float64 {
	if p.Replicas <= 0 {
		return 1
	}
	return float64(p.Replicas)
}

// FleetSignal is the signal of a decision: the replica-weighted mean of
// its clusters' signals.
type FleetSignal struct {
	Signal     Signal
	Boundaries []time.Time
	// Included are the clusters whose signal is known now; Missing those
	// left out of the mean, having none (absent, stale or unparsable).
	Included, Missing []string
}

// series is one cluster's signal: its value now and its forecast.
type series struct {
	weight  float64
	current clusterproperties.Value
	points  []clusterproperties.Point
}

// Fleet builds the signal of mode over the placements, as the clusters'
// properties stand at now. A cluster with no known value now is left out
// rather than counted as anything: missing data must not make a window
// look green or cheap, and leaving it out of every window alike keeps
// the windows comparable.
func Fleet(mode Mode, placements []Placement, now time.Time) FleetSignal {
	var out FleetSignal
	var included []series
	total := 0.0
	for _, p := range placements {
		if p.Cluster == nil {
			out.Missing = append(out.Missing, p.Name)
			continue
		}
		props := clusterproperties.Read(p.Cluster, now)
		s := series{weight: p.weight(), current: props.Carbon, points: props.CarbonForecast}
		if mode == ModeCost {
			s.current, s.points = props.VCPUHour, props.PriceForecast
		}
		if _, ok := clusterproperties.At(s.current, s.points, now); !ok {
			out.Missing = append(out.Missing, p.Name)
			continue
		}
		included = append(included, s)
		total += s.weight
		out.Included = append(out.Included, p.Name)
		for _, pt := range s.points {
			out.Boundaries = append(out.Boundaries, pt.At)
		}
	}
	slices.SortFunc(out.Boundaries, time.Time.Compare)
	out.Boundaries = slices.CompactFunc(out.Boundaries, time.Time.Equal)
	out.Signal = func(t time.Time) (float64, bool) {
		if len(included) == 0 {
			return 0, false
		}
		sum := 0.0
		for _, s := range included {
			v, ok := clusterproperties.At(s.current, s.points, t)
			if !ok {
				return 0, false
			}
			sum += s.weight * v
		}
		return sum / total, true
	}
	return out
}

// basisKeys are the cluster properties a mode's signal is read from.
// When they were observed is left out: a feed refreshing the same numbers
// changes nothing.
var basisKeys = map[Mode][]string{
	ModeCarbon: {clusterproperties.CarbonIntensity, clusterproperties.CarbonForecast},
	ModeCost: {clusterproperties.CapacityType, clusterproperties.VCPUHourUSD, clusterproperties.SpotVCPUHourUSD,
		clusterproperties.KubeFleetPerCPUCoreCost, clusterproperties.PriceForecast},
}

// Basis fingerprints what a choice for r over the placements depends on:
// the request, the decision and the clusters' raw properties of its mode.
// A choice is made again only when this changes.
func Basis(r Request, placements []Placement) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s\n", r.Deadline.UTC().Format(time.RFC3339), r.Duration, r.Mode)
	sorted := slices.Clone(placements)
	slices.SortFunc(sorted, func(a, b Placement) int { return strings.Compare(a.Name, b.Name) })
	for _, p := range sorted {
		fmt.Fprintf(&b, "%s=%g", p.Name, p.weight())
		if p.Cluster != nil {
			for _, k := range basisKeys[r.Mode] {
				v, ok := p.Cluster.Annotations[k]
				if !ok {
					v, ok = p.Cluster.Labels[k]
				}
				if ok {
					fmt.Fprintf(&b, "|%s=%s", k, v)
				}
			}
		}
		b.WriteByte('\n')
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}
