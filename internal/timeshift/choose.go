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
	"errors"
	"math"
	"slices"
	"time"
)

// Signal is a forecast value at an instant, false where unknown. It is
// constant between the boundaries given with it.
type Signal func(t time.Time) (float64, bool)

// Reason says how a start was chosen.
type Reason string

const (
	// ReasonLowest: the start of the window with the lowest mean signal
	// among those finishing by the deadline (now, when now is lowest).
	ReasonLowest Reason = "Lowest"
	// ReasonNoForecast: nothing is known to compare, so the Job starts now.
	ReasonNoForecast Reason = "NoForecast"
	// ReasonDeadlineForced: now is past the latest start, so the Job
	// starts now, the earliest it can.
	ReasonDeadlineForced Reason = "DeadlineForced"
)

// Choice is a chosen start.
type Choice struct {
	Start       time.Time
	LatestStart time.Time
	Reason      Reason
	// Mean is the signal's mean over the run from Start, NowMean over a
	// run from now; each is known only when the signal is throughout.
	Mean, NowMean       float64
	MeanKnown, NowKnown bool
}

// tieTolerance is the relative difference under which two means are equal:
// sums of the same values in another order differ in the last bits, and a
// tie must go to the earliest start.
const tieTolerance = 1e-9

// ChooseStart picks when a run of the given duration starts so that it
// finishes by the deadline with the lowest mean signal. The mean of a
// piecewise constant signal over a window is piecewise linear in the
// window's start, with its breakpoints where the window's start or end
// crosses a boundary; its minimum over [now, latest start] is therefore at
// one of: now, the latest start, a boundary, or a boundary minus the
// duration. Those are the candidates; ties go to the earliest. The start is
// never after the latest start unless now already is.
func ChooseStart(now, deadline time.Time, duration time.Duration, signal Signal, boundaries []time.Time) (Choice, error) {
	if duration <= 0 {
		return Choice{}, errors.New("the expected duration must be positive")
	}
	if deadline.IsZero() || signal == nil {
		return Choice{}, errors.New("a deadline and a signal are required")
	}
	sorted := slices.Clone(boundaries)
	slices.SortFunc(sorted, time.Time.Compare)
	latest := deadline.Add(-duration)
	c := Choice{Start: now, LatestStart: latest}
	c.NowMean, c.NowKnown = meanOver(signal, sorted, now, duration)
	c.Mean, c.MeanKnown = c.NowMean, c.NowKnown
	if now.After(latest) {
		c.Reason = ReasonDeadlineForced
		return c, nil
	}
	if _, ok := signal(now); !ok || len(sorted) == 0 {
		c.Reason = ReasonNoForecast
		return c, nil
	}
	c.Reason = ReasonLowest
	found := false
	for _, start := range candidates(now, latest, duration, sorted) {
		m, ok := meanOver(signal, sorted, start, duration)
		if ok && (!found || m < c.Mean-tieTolerance*math.Max(math.Abs(c.Mean), 1)) {
			c.Start, c.Mean, c.MeanKnown, found = start, m, true, true
		}
	}
	if !found {
		// No window is known throughout (a forecast with gaps).
		c.Reason = ReasonNoForecast
	}
	return c, nil
}

// candidates are the starts where the mean can be lowest, in [now, latest],
// earliest first and without repeats.
func candidates(now, latest time.Time, duration time.Duration, boundaries []time.Time) []time.Time {
	out := []time.Time{now, latest}
	for _, b := range boundaries {
		for _, t := range []time.Time{b, b.Add(-duration)} {
			if t.After(now) && t.Before(latest) {
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return slices.CompactFunc(out, time.Time.Equal)
}

// meanOver integrates the signal over [start, start+duration) segment by
// segment between the boundaries, where it is constant.
func meanOver(signal Signal, boundaries []time.Time, start time.Time, duration time.Duration) (float64, bool) {
	end := start.Add(duration)
	sum, from := 0.0, start
	i, _ := slices.BinarySearchFunc(boundaries, start, time.Time.Compare)
	for from.Before(end) {
		for i < len(boundaries) && !boundaries[i].After(from) {
			i++
		}
		to := end
		if i < len(boundaries) && boundaries[i].Before(end) {
			to = boundaries[i]
		}
		v, ok := signal(from)
		if !ok {
			return 0, false
		}
		sum += v * to.Sub(from).Seconds()
		from = to
	}
	return sum / duration.Seconds(), true
}
