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
// Package clusterproperties reads what a cluster costs and how clean its
// power is: prices per vCPU-hour and per GiB-hour (on-demand and spot) and
// the grid's carbon intensity now and forecast. They come from the Cluster
// object's labels and annotations, which a person, a script or an exporter
// writes; timestamped values older than their maximum age count as missing,
// and missing never counts as cheapest or greenest.
package clusterproperties

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

// Property names, read from a Cluster's annotations, then its labels.
const (
	VCPUHourUSD     = "cost.kurator.dev/vcpu-hour-usd"
	GiBHourUSD      = "cost.kurator.dev/gb-hour-usd"
	SpotVCPUHourUSD = "cost.kurator.dev/spot-vcpu-hour-usd"
	SpotGiBHourUSD  = "cost.kurator.dev/spot-gb-hour-usd"
	// CapacityType says which prices the cluster's capacity is bought at:
	// "spot" or "on-demand" (the default).
	CapacityType = "cost.kurator.dev/capacity-type"
	// CarbonIntensity is the grid's average (location-based) carbon
	// intensity in gCO2eq/kWh.
	CarbonIntensity = "carbon.kurator.dev/intensity-gco2eq-kwh"
	// CarbonForecast lists future intensities as "<RFC3339>=<g/kWh>"
	// pairs separated by commas, each in force until the next.
	CarbonForecast = "carbon.kurator.dev/intensity-forecast"
	// PriceForecast lists future on-demand or spot vCPU-hour prices (the
	// capacity type's) in the same form; GiB-hour prices scale with them.
	PriceForecast = "cost.kurator.dev/vcpu-hour-usd-forecast"
	// ObservedAt is when the annotated values were measured (RFC3339). A
	// feed writes it with the values; without it they are static
	// configuration and never go stale.
	ObservedAt = "properties.kurator.dev/observed-at"
	// MaxAge bounds how old timestamped values may be (a Go duration).
	MaxAge = "properties.kurator.dev/max-age"

	// KubeFleet's names, accepted as on-demand prices. KubeFleet charges
	// the whole node price to both, so they rank clusters rather than
	// bill them; Kurator's own names take precedence.
	KubeFleetPerCPUCoreCost  = "kubernetes.azure.com/per-cpu-core-cost"
	KubeFleetPerGBMemoryCost = "kubernetes.azure.com/per-gb-memory-cost"

	// CapacitySpot is the CapacityType of spot capacity.
	CapacitySpot = "spot"
)

// DefaultMaxAge applies to timestamped values when the cluster sets none:
// an exporter that has not written for this long is considered broken.
const DefaultMaxAge = 6 * time.Hour

// Value is one property's reading.
type Value struct {
	Value float64
	// Known is false when the property is absent, unparsable or stale.
	Known bool
	// Source is the label or annotation it was read from.
	Source string
	// ObservedAt is zero for static configuration.
	ObservedAt time.Time
	// Problem says why a present value is not Known.
	Problem string
}

// Age of the value at now; zero for static configuration.
func (v Value) Age(now time.Time) time.Duration {
	if v.ObservedAt.IsZero() {
		return 0
	}
	return now.Sub(v.ObservedAt)
}

// Point is a forecast value in force from At.
type Point struct {
	At    time.Time
	Value float64
}

// Properties of one cluster at one instant.
type Properties struct {
	Spot bool
	// VCPUHour and GiBHour are the prices workloads pay there: spot
	// prices on spot capacity when given, else on-demand prices.
	VCPUHour, GiBHour Value
	// OnDemandVCPUHour is kept for reports comparing spot with on-demand.
	OnDemandVCPUHour, OnDemandGiBHour Value
	Carbon                            Value
	CarbonForecast, PriceForecast     []Point
	MaxAge                            time.Duration
}

// Read takes a cluster's properties as they stand at now.
func Read(c *karmadaclusterv1alpha1.Cluster, now time.Time) Properties {
	r := reader{annotations: c.Annotations, labels: c.Labels, now: now, maxAge: DefaultMaxAge}
	if s, ok := r.raw(MaxAge); ok {
		if d, err := time.ParseDuration(s); err == nil && d > 0 {
			r.maxAge = d
		}
	}
	if s, ok := c.Annotations[ObservedAt]; ok {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			r.observedProblem = fmt.Sprintf("%s %q is not an RFC3339 time", ObservedAt, s)
		}
		r.observedAt = t
	}
	p := Properties{MaxAge: r.maxAge}
	capacity, _ := r.raw(CapacityType)
	p.Spot = strings.EqualFold(capacity, CapacitySpot)
	p.OnDemandVCPUHour = r.first(VCPUHourUSD, KubeFleetPerCPUCoreCost)
	p.OnDemandGiBHour = r.first(GiBHourUSD, KubeFleetPerGBMemoryCost)
	p.VCPUHour, p.GiBHour = p.OnDemandVCPUHour, p.OnDemandGiBHour
	if p.Spot {
		if v := r.value(SpotVCPUHourUSD); v.Known || v.Problem != "" {
			p.VCPUHour = v
		}
		if v := r.value(SpotGiBHourUSD); v.Known || v.Problem != "" {
			p.GiBHour = v
		}
	}
	p.Carbon = r.value(CarbonIntensity)
	p.CarbonForecast = r.forecast(CarbonForecast)
	p.PriceForecast = r.forecast(PriceForecast)
	return p
}

type reader struct {
	annotations, labels map[string]string
	now                 time.Time
	observedAt          time.Time
	observedProblem     string
	maxAge              time.Duration
}

// raw reads a property from the annotations, then the labels (label values
// cannot hold every number, but a static price list often is labels).
func (r reader) raw(name string) (string, bool) {
	if s, ok := r.annotations[name]; ok {
		return s, true
	}
	s, ok := r.labels[name]
	return s, ok
}

func (r reader) first(names ...string) Value {
	for _, n := range names {
		if v := r.value(n); v.Known || v.Problem != "" {
			return v
		}
	}
	return Value{}
}

func (r reader) value(name string) Value {
	s, ok := r.raw(name)
	if !ok {
		return Value{}
	}
	v := Value{Source: name}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 {
		v.Problem = fmt.Sprintf("%s %q is not a non-negative number", name, s)
		return v
	}
	v.Value = f
	if _, annotated := r.annotations[name]; annotated {
		if r.observedProblem != "" {
			v.Problem = r.observedProblem
			return v
		}
		v.ObservedAt = r.observedAt
	}
	if !v.ObservedAt.IsZero() && r.now.Sub(v.ObservedAt) > r.maxAge {
		v.Problem = fmt.Sprintf("%s is stale: observed %s ago, max age %s", name, r.now.Sub(v.ObservedAt).Round(time.Second), r.maxAge)
		return v
	}
	v.Known = true
	return v
}

// forecast parses "<time>=<value>,..." and keeps the points still useful:
// the last one in force at now and every later one. A stale or broken
// forecast is empty.
func (r reader) forecast(name string) []Point {
	s, ok := r.annotations[name]
	if !ok || r.observedProblem != "" || (!r.observedAt.IsZero() && r.now.Sub(r.observedAt) > r.maxAge) {
		return nil
	}
	points, err := ParseForecast(s)
	if err != nil {
		return nil
	}
	start := 0
	for i, p := range points {
		if !p.At.After(r.now) {
			start = i
		}
	}
	return points[start:]
}

// ParseForecast parses "<RFC3339>=<value>,..." in time order.
func ParseForecast(s string) ([]Point, error) {
	var out []Point
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		at, val, ok := strings.Cut(item, "=")
		if !ok {
			return nil, fmt.Errorf("forecast point %q is not <time>=<value>", item)
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(at))
		if err != nil {
			return nil, fmt.Errorf("forecast point %q: %w", item, err)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || f < 0 {
			return nil, fmt.Errorf("forecast point %q: the value is not a non-negative number", item)
		}
		if len(out) > 0 && !t.After(out[len(out)-1].At) {
			return nil, fmt.Errorf("forecast point %q is not after the one before", item)
		}
		out = append(out, Point{At: t, Value: f})
	}
	return out, nil
}

// FormatForecast writes points as ParseForecast reads them.
func FormatForecast(points []Point) string {
	parts := make([]string, len(points))
	for i, p := range points {
		parts[i] = p.At.UTC().Format(time.RFC3339) + "=" + strconv.FormatFloat(p.Value, 'f', -1, 64)
	}
	return strings.Join(parts, ",")
}

// At returns the forecast value in force at t, falling back to now's value
// before the first point and holding the last point after the end.
func At(now Value, points []Point, t time.Time) (float64, bool) {
	v, ok := now.Value, now.Known
	for _, p := range points {
		if p.At.After(t) {
			break
		}
		v, ok = p.Value, true
	}
	return v, ok
}

// names are every property and freshness key.
var names = []string{
	VCPUHourUSD, GiBHourUSD, SpotVCPUHourUSD, SpotGiBHourUSD, CapacityType, CarbonIntensity, CarbonForecast,
	PriceForecast, ObservedAt, MaxAge, KubeFleetPerCPUCoreCost, KubeFleetPerGBMemoryCost,
}

// Changed reports whether two versions of a cluster's annotations differ
// in a property.
func Changed(old, updated map[string]string) bool {
	for _, n := range names {
		if old[n] != updated[n] {
			return true
		}
	}
	return false
}
