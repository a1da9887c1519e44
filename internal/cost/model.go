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
// Package cost turns what a workload asks for into money and emissions per
// hour on a cluster, and parses the budgets and objectives users write
// ("1000 USD/day", "99.9% SLO").
package cost

import (
	corev1 "k8s.io/api/core/v1"

	"kurator.dev/kurator/internal/clusterproperties"
)

// Usage is what one replica reserves: its requests, in vCPU and GiB.
type Usage struct {
	VCPU, GiB float64
}

// UsageOf reads a replica's CPU and memory requests.
func UsageOf(requests corev1.ResourceList) Usage {
	var u Usage
	if q, ok := requests[corev1.ResourceCPU]; ok {
		u.VCPU = float64(q.MilliValue()) / 1000
	}
	if q, ok := requests[corev1.ResourceMemory]; ok {
		u.GiB = float64(q.Value()) / (1 << 30)
	}
	return u
}

// Scale multiplies a usage by a replica count.
func (u Usage) Scale(n int64) Usage { return Usage{VCPU: u.VCPU * float64(n), GiB: u.GiB * float64(n)} }

// Add sums two usages.
func (u Usage) Add(o Usage) Usage { return Usage{VCPU: u.VCPU + o.VCPU, GiB: u.GiB + o.GiB} }

// The energy model: Cloud Carbon Footprint's average compute coefficients
// (watts per vCPU at 50% utilisation, midway between its 0.74 W idle and
// 3.5 W full figures), its memory coefficient, and its PUE for a large
// public cloud. Requests stand in for use: a placement reserves them.
const (
	WattsPerVCPU = 2.12
	WattsPerGiB  = 0.392
	PUE          = 1.135
)

// PerHour prices a usage on a cluster, in USD per hour. It is unknown when
// the vCPU price is, or when memory is asked for and its price is not:
// missing data never makes a cluster look cheap.
func PerHour(p clusterproperties.Properties, u Usage) (float64, bool) {
	if !p.VCPUHour.Known || (u.GiB > 0 && !p.GiBHour.Known) {
		return 0, false
	}
	usd := u.VCPU * p.VCPUHour.Value
	if p.GiBHour.Known {
		usd += u.GiB * p.GiBHour.Value
	}
	return usd, true
}

// Watts is the power a usage draws, facility overhead included.
func Watts(u Usage) float64 { return (u.VCPU*WattsPerVCPU + u.GiB*WattsPerGiB) * PUE }

// CarbonPerHour is a usage's location-based emissions on a cluster, in
// gCO2eq per hour, at the given grid intensity (gCO2eq/kWh).
func CarbonPerHour(intensity float64, u Usage) float64 { return Watts(u) / 1000 * intensity }

// GramsPerHour is CarbonPerHour at the cluster's current intensity.
func GramsPerHour(p clusterproperties.Properties, u Usage) (float64, bool) {
	if !p.Carbon.Known {
		return 0, false
	}
	return CarbonPerHour(p.Carbon.Value, u), true
}
