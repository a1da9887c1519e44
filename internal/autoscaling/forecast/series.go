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
	"fmt"
	"math"
	"time"
)

// grid is a history resampled onto a regular step: point i is at
// origin+i*step, the last one at now, and holds NaN where nothing is known.
type grid struct {
	origin time.Time
	step   time.Duration
	values []float64
	// span is from the oldest point to now, a whole number of steps: the
	// oldest sample rounded to its point, so that a sample a millisecond
	// short of 48h (Prometheus' timestamps are milliseconds) still counts as
	// two days of history.
	span time.Duration
}

// resample puts the samples within history before now onto a grid of
// step, each point the mean of the samples nearest to it, and fills the
// gaps between known points with straight lines.
func resample(samples []Sample, now time.Time, history, step time.Duration) (grid, error) {
	// Offsets from now in nanoseconds: a 30-day history at one sample a
	// minute is 43,200 samples, and time.Time arithmetic would be most of
	// the forecast's cost.
	nowNanos, stepNanos := now.UnixNano(), int64(step)
	oldest, latest := -int64(history)-stepNanos/2, stepNanos/2
	usable := func(s Sample) (int64, bool) {
		offset := s.Time.UnixNano() - nowNanos
		return offset, offset >= oldest && offset < latest && !math.IsNaN(s.Value) && !math.IsInf(s.Value, 0)
	}
	first, found := int64(0), false
	for _, s := range samples {
		if offset, ok := usable(s); ok && (!found || offset < first) {
			first, found = offset, true
		}
	}
	if !found || -first < int64(MinHistory) {
		span := time.Duration(0)
		if found {
			span = time.Duration(-first)
		}
		return grid{}, fmt.Errorf("%w: %s of history before %s, at least %s needed",
			ErrHistoryTooShort, formatSpan(span), now.UTC().Format(time.RFC3339), formatSpan(MinHistory))
	}
	// Round up so that the oldest sample has a point within half a step.
	points := int((-first+stepNanos/2)/stepNanos) + 1
	originNanos := -int64(points-1) * stepNanos
	g := grid{origin: now.Add(time.Duration(originNanos)), step: step, span: time.Duration(-originNanos)}
	sums := make([]float64, points)
	counts := make([]int32, points)
	for _, s := range samples {
		offset, ok := usable(s)
		if !ok {
			continue
		}
		if i := int((offset - originNanos + stepNanos/2) / stepNanos); i >= 0 && i < points {
			sums[i] += s.Value
			counts[i]++
		}
	}
	for i := range sums {
		if counts[i] == 0 {
			sums[i] = math.NaN()
		} else {
			sums[i] /= float64(counts[i])
		}
	}
	g.values = sums
	interpolateGaps(g.values)
	return g, nil
}

// index is the point nearest to t, if t is on the grid.
func (g grid) index(t time.Time) (int, bool) {
	offset := t.Sub(g.origin) + g.step/2
	if offset < 0 {
		return 0, false
	}
	i := int(offset / g.step)
	return i, i < len(g.values)
}

// at is the value at the point nearest to t, if one is known.
func (g grid) at(t time.Time) (float64, bool) {
	i, ok := g.index(t)
	if !ok || math.IsNaN(g.values[i]) {
		return 0, false
	}
	return g.values[i], true
}

// time is point i's time.
func (g grid) time(i int) time.Time {
	return g.origin.Add(time.Duration(i) * g.step)
}

// interpolateGaps draws a straight line over every run of NaN between two
// known values; NaN before the first or after the last known value stays.
func interpolateGaps(values []float64) {
	previous := -1
	for i, v := range values {
		if math.IsNaN(v) {
			continue
		}
		if previous >= 0 && i-previous > 1 {
			from, slope := values[previous], (v-values[previous])/float64(i-previous)
			for j := previous + 1; j < i; j++ {
				values[j] = from + slope*float64(j-previous)
			}
		}
		previous = i
	}
}

// daysBefore is t moved back by n calendar days in loc, the same
// wall-clock time, which is n*24h except across a daylight-saving change.
func daysBefore(t time.Time, n int, loc *time.Location) time.Time {
	if loc == time.UTC {
		return t.Add(-time.Duration(n) * Day)
	}
	return t.In(loc).AddDate(0, 0, -n)
}
