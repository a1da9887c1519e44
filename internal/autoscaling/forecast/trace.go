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

package forecast

import (
	"math"
	"math/rand/v2"
	"time"
)

// The synthetic trace's shape: a weekday evening peaks at about
// tracePeakRate requests per second in the first days.
const (
	tracePeakRate     = 2000.0
	traceNightFloor   = 0.2
	traceWeekendScale = 0.6
	// traceGrowth is the growth over 30 days.
	traceGrowth = 0.25
	// traceNoise is the standard deviation of the relative noise, and
	// traceNoiseMemory how long it stays correlated.
	traceNoise       = 0.04
	traceNoiseMemory = 10 * time.Minute
	traceSpikes      = 5
)

// SyntheticTrace is a made-up request rate (requests per second), every
// step for the given days from start, for tests and benchmarks; it
// describes no real workload. It is deterministic for a seed. Its shape
// (times in UTC):
//
//   - a day with a night trough around 04:00 at a fifth of the peak, a
//     late-morning peak around 11:00 and a higher evening peak around
//     20:30;
//   - Saturdays and Sundays at 60% of a weekday, with a small midday peak
//     instead of the late-morning one and the evening peak an hour later;
//   - growth of 25% over 30 days, linear;
//   - correlated noise of 4% (an AR(1) process with a 10-minute memory);
//   - five one-off spikes of +60% to +120%, 15 to 45 minutes long, at
//     random times.
func SyntheticTrace(start time.Time, days int, step time.Duration, seed int64) []Sample {
	if days <= 0 || step <= 0 {
		return nil
	}
	random := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	n := int(time.Duration(days) * Day / step)
	spikes := make([]traceSpike, traceSpikes)
	for i := range spikes {
		spikes[i] = traceSpike{
			start:    start.Add(time.Duration(random.Int64N(int64(time.Duration(days) * Day)))),
			length:   15*time.Minute + time.Duration(random.Int64N(int64(30*time.Minute))),
			increase: 0.6 + 0.6*random.Float64(),
		}
	}
	// An AR(1) process x' = r*x + sqrt(1-r²)*sigma*N(0,1) keeps the
	// standard deviation sigma with a correlation r per step.
	correlation := math.Exp(-float64(step) / float64(traceNoiseMemory))
	innovation := math.Sqrt(1-correlation*correlation) * traceNoise
	noise := random.NormFloat64() * traceNoise
	trace := make([]Sample, n)
	for i := range trace {
		t := start.Add(time.Duration(i) * step)
		noise = correlation*noise + innovation*random.NormFloat64()
		rate := tracePeakRate * dailyShape(t) * (1 + traceGrowth*float64(t.Sub(start))/float64(30*Day))
		rate *= max(0, 1+noise)
		for _, s := range spikes {
			rate *= s.factor(t)
		}
		trace[i] = Sample{Time: t, Value: rate}
	}
	return trace
}

// dailyShape is the share of a weekday's evening peak at t in UTC. A
// weekend day has a small midday peak instead of the late-morning one and
// a later evening, at traceWeekendScale of a weekday.
func dailyShape(t time.Time) float64 {
	h, m, s := t.UTC().Clock()
	hour := float64(h) + float64(m)/60 + float64(s)/3600
	if d := t.UTC().Weekday(); d == time.Saturday || d == time.Sunday {
		return traceWeekendScale * (traceNightFloor + 0.25*bump(hour, 13, 3) + 0.8*bump(hour, 21.5, 2.5))
	}
	return traceNightFloor + 0.55*bump(hour, 11, 2.5) + 0.8*bump(hour, 20.5, 2)
}

// bump is a bell around center hours with width hours, wrapping around
// midnight.
func bump(hour, center, width float64) float64 {
	distance := math.Abs(hour - center)
	distance = min(distance, 24-distance)
	return math.Exp(-0.5 * (distance / width) * (distance / width))
}

// traceSpike is a one-off burst that ramps up over its first five minutes.
type traceSpike struct {
	start    time.Time
	length   time.Duration
	increase float64
}

func (s traceSpike) factor(t time.Time) float64 {
	since := t.Sub(s.start)
	if since < 0 || since >= s.length {
		return 1
	}
	ramp := min(1, float64(since)/float64(5*time.Minute))
	return 1 + s.increase*ramp
}
