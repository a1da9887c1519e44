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
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Day is the trace's season.
const Day = 24 * time.Hour

// Region is where one cluster of the replayed fleet runs.
type Region struct {
	Name string
	// OnDemandVCPUHour is the region's on-demand price in USD; workloads in
	// a Spot region pay the trace's spot price instead.
	OnDemandVCPUHour float64
	Spot             bool
}

// Conditions are one region's state at one step.
type Conditions struct {
	// Intensity is the grid's average carbon intensity, gCO2eq/kWh.
	Intensity float64
	// VCPUHour is the price workloads pay, USD per vCPU-hour.
	VCPUHour float64
	// SuccessRate is the windowed SLI of the region's cluster, percent.
	SuccessRate float64
}

// Trace is every region's conditions at regular steps.
type Trace struct {
	Start   time.Time
	Step    time.Duration
	Regions []Region
	// Steps[i][r] is region r at Start + i*Step.
	Steps [][]Conditions
}

// At is when step i is.
func (t Trace) At(i int) time.Time { return t.Start.Add(time.Duration(i) * t.Step) }

// Regions of the synthetic trace: four European-like grids, the
// solar-heavy one bought as spot capacity.
func Regions() []Region {
	return []Region{
		{Name: "es", OnDemandVCPUHour: 0.036, Spot: true},
		{Name: "fr", OnDemandVCPUHour: 0.040},
		{Name: "de", OnDemandVCPUHour: 0.034},
		{Name: "pl", OnDemandVCPUHour: 0.030},
	}
}

// The bounds of the synthetic series, by region in Regions' order.
var (
	intensityBounds = [][2]float64{{80, 300}, {40, 80}, {300, 600}, {600, 800}}
	spotPriceBounds = [2]float64{0.008, 0.020}
	// spikeDays is how many days the spot price spikes to
	// spikePriceBounds, above the on-demand prices, for 3-5 hours.
	spikeDays        = 2
	blipDays         = 3
	spikePriceBounds = [2]float64{0.045, 0.060}
	// successBaseline is each region's usual SLI, within successBounds.
	successBaseline = []float64{99.965, 99.98, 99.975, 99.97}
	successBounds   = [2]float64{99.95, 99.99}
	// degradedDays is how many days the spot region's SLI dips below the
	// SLO (spot reclaims), for 2-4 hours each, to 99.6-99.85%.
	degradedDays = 3
)

// SyntheticTrace is a made-up multi-region trace for the given days from
// start: deterministic for a seed, and no real data. The shapes are
// inspired by public regional averages (hours are Central European):
//
//   - "es", solar-heavy: about 290 gCO2eq/kWh at night, dipping at midday
//     to as low as 80 on a clear day (each day's clearness is random);
//   - "fr", nuclear: low and flat, 40-80, a little higher at the morning
//     and evening peaks;
//   - "de", coal and wind: 300-600, an evening peak and a small solar dip,
//     moved up and down by wind that changes over hours;
//   - "pl", coal: 600-800, higher in the day;
//   - on-demand prices per vCPU-hour are constants (0.030-0.040 USD); "es"
//     is spot capacity whose price moves every hour between 0.008 and
//     0.020, dearer in business hours, with random swings, except that on
//     two of the days it spikes to 0.045-0.060 for 3-5 hours, above every
//     on-demand price, and on three others for 20-45 minutes only;
//   - the SLI is 99.95-99.99% with slow noise, except that on three of the
//     days the spot region dips to 99.6-99.85% for 2-4 hours.
func SyntheticTrace(start time.Time, days int, step time.Duration, seed int64) Trace {
	if days <= 0 || step <= 0 || step > time.Duration(days)*Day {
		return Trace{}
	}
	g := newGenerator(start, days, step, seed)
	regions := Regions()
	intensities := [][]float64{g.solar(), g.nuclear(), g.windAndCoal(), g.coal()}
	spot := g.spotPrice()
	dips := g.dips(days)
	tr := Trace{Start: start, Step: step, Regions: regions, Steps: make([][]Conditions, len(g.hours))}
	for i := range tr.Steps {
		tr.Steps[i] = make([]Conditions, len(regions))
	}
	for r, region := range regions {
		success := g.successRate(successBaseline[r])
		for i := range tr.Steps {
			c := Conditions{Intensity: clamp(intensities[r][i], intensityBounds[r]), VCPUHour: region.OnDemandVCPUHour, SuccessRate: success[i]}
			if region.Spot {
				c.VCPUHour = spot[i]
				if level, ok := dips.at(tr.At(i)); ok {
					c.SuccessRate = level
				}
			}
			tr.Steps[i][r] = c
		}
	}
	return tr
}

// generator draws the series from one seeded source, in a fixed order.
type generator struct {
	random *rand.Rand
	start  time.Time
	step   time.Duration
	// hours is each step's local hour of the day, days its day's index.
	hours []float64
	days  []int
}

func newGenerator(start time.Time, days int, step time.Duration, seed int64) *generator {
	n := int(time.Duration(days) * Day / step)
	g := &generator{random: rand.New(rand.NewPCG(uint64(seed), 0xca4b0)), start: start, step: step,
		hours: make([]float64, n), days: make([]int, n)}
	for i := range n {
		offset := time.Duration(i) * step
		local := start.Add(offset).UTC().Add(time.Hour)
		h, m, s := local.Clock()
		g.hours[i] = float64(h) + float64(m)/60 + float64(s)/3600
		g.days[i] = int(offset / Day)
	}
	return g
}

// noise is an AR(1) series of standard deviation sigma whose correlation
// fades over memory.
func (g *generator) noise(sigma float64, memory time.Duration) []float64 {
	r := math.Exp(-float64(g.step) / float64(memory))
	innovation := math.Sqrt(1-r*r) * sigma
	x := g.random.NormFloat64() * sigma
	out := make([]float64, len(g.hours))
	for i := range out {
		x = r*x + innovation*g.random.NormFloat64()
		out[i] = x
	}
	return out
}

// daily draws one value per day in [lo, hi).
func (g *generator) daily(lo, hi float64) []float64 {
	out := make([]float64, g.days[len(g.days)-1]+1)
	for d := range out {
		out[d] = lo + (hi-lo)*g.random.Float64()
	}
	return out
}

func (g *generator) solar() []float64 {
	clearness, clouds := g.daily(0.55, 1), g.noise(8, time.Hour)
	out := make([]float64, len(g.hours))
	for i, h := range g.hours {
		out[i] = 292 - 215*math.Pow(daylight(h), 1.2)*clearness[g.days[i]] + clouds[i]
	}
	return out
}

func (g *generator) nuclear() []float64 {
	n := g.noise(4, 2*time.Hour)
	out := make([]float64, len(g.hours))
	for i, h := range g.hours {
		out[i] = 52 + 8*bump(h, 8.5, 1.5) + 14*bump(h, 19, 2) + n[i]
	}
	return out
}

func (g *generator) windAndCoal() []float64 {
	wind, clearness, n := g.noise(0.3, 8*time.Hour), g.daily(0.4, 1), g.noise(10, time.Hour)
	out := make([]float64, len(g.hours))
	for i, h := range g.hours {
		w := clamp(0.4+wind[i], [2]float64{0, 1})
		out[i] = 520 + 60*bump(h, 19, 2.5) - 60*daylight(h)*clearness[g.days[i]] - 200*w + n[i]
	}
	return out
}

func (g *generator) coal() []float64 {
	n := g.noise(12, 2*time.Hour)
	out := make([]float64, len(g.hours))
	for i, h := range g.hours {
		out[i] = 660 + 70*bump(h, 13, 4) + 40*bump(h, 19, 2) + n[i]
	}
	return out
}

// spotPrice changes on the hour, as spot markets reprice a few times a
// day rather than continuously.
func (g *generator) spotPrice() []float64 {
	swings := g.noise(0.0025, 6*time.Hour)
	out := make([]float64, len(g.hours))
	for i, h := range g.hours {
		if i > 0 && int(h) == int(g.hours[i-1]) {
			out[i] = out[i-1]
			continue
		}
		out[i] = clamp(0.0125+0.004*bump(math.Floor(h), 11, 4)+swings[i], spotPriceBounds)
	}
	// On spikeDays days the spot market runs short: for 3-5 hours from
	// some time between 10:00 and 16:00 its price is above every
	// on-demand price, and leaving it pays.
	// On blipDays other days it spikes for 20-45 minutes only: chasing
	// those costs moves and saves little.
	days := g.days[len(g.days)-1] + 1
	for n, d := range g.random.Perm(days)[:min(spikeDays+blipDays, days)] {
		from := float64(10 + g.random.IntN(7))
		length := float64(3 + g.random.IntN(3))
		if n >= spikeDays {
			length = float64(20+g.random.IntN(26)) / 60
		}
		level := spikePriceBounds[0] + (spikePriceBounds[1]-spikePriceBounds[0])*g.random.Float64()
		for i, h := range g.hours {
			if g.days[i] == d && h >= from && h < from+length {
				out[i] = level
			}
		}
	}
	return out
}

func (g *generator) successRate(baseline float64) []float64 {
	n := g.noise(0.01, time.Hour)
	out := make([]float64, len(g.hours))
	for i := range out {
		out[i] = clamp(baseline+n[i], successBounds)
	}
	return out
}

// degradation is the spot region's SLI dips: each from start for length,
// at level.
type degradation []struct {
	start  time.Time
	length time.Duration
	level  float64
}

func (g *generator) dips(days int) degradation {
	order := g.random.Perm(days)
	chosen := slices.Sorted(slices.Values(order[:min(degradedDays, days)]))
	out := make(degradation, len(chosen))
	for i, d := range chosen {
		// Between 07:00 and 17:00 CET: the hours the workload is busiest.
		begin := g.start.Add(time.Duration(d)*Day + 6*time.Hour + time.Duration(g.random.IntN(10*12))*5*time.Minute)
		out[i].start = begin
		out[i].length = 2*time.Hour + time.Duration(g.random.IntN(2*12+1))*5*time.Minute
		out[i].level = 99.6 + 0.25*g.random.Float64()
	}
	return out
}

func (d degradation) at(t time.Time) (float64, bool) {
	for _, dip := range d {
		if !t.Before(dip.start) && t.Before(dip.start.Add(dip.length)) {
			return dip.level, true
		}
	}
	return 0, false
}

// daylight is the sun's height at a local hour: 0 at night, 1 at 13:00,
// from 07:00 to 19:00.
func daylight(hour float64) float64 { return max(0, math.Sin(math.Pi*(hour-7)/12)) }

// bump is a bell around center hours with width hours, wrapping around
// midnight.
func bump(hour, center, width float64) float64 {
	distance := math.Abs(hour - center)
	distance = min(distance, 24-distance)
	return math.Exp(-0.5 * (distance / width) * (distance / width))
}

func clamp(v float64, bounds [2]float64) float64 { return min(max(v, bounds[0]), bounds[1]) }
