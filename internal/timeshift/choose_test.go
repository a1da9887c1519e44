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
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"kurator.dev/kurator/internal/clusterproperties"
)

var now = time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return now.Add(d) }

// forecast is a step signal: each point in force until the next, unknown
// before the first.
type forecast []clusterproperties.Point

func (f forecast) signal(t time.Time) (float64, bool) {
	return clusterproperties.At(clusterproperties.Value{}, f, t)
}

func (f forecast) boundaries() []time.Time {
	out := make([]time.Time, len(f))
	for i, p := range f {
		out[i] = p.At
	}
	return out
}

func (f forecast) choose(t *testing.T, deadline time.Time, duration time.Duration) Choice {
	t.Helper()
	c, err := ChooseStart(now, deadline, duration, f.signal, f.boundaries())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTheGreenestWindowIsChosen(t *testing.T) {
	f := forecast{{At: at(-time.Hour), Value: 300}, {At: at(2 * time.Hour), Value: 80}, {At: at(5 * time.Hour), Value: 400}}
	c := f.choose(t, at(12*time.Hour), 2*time.Hour)
	if !c.Start.Equal(at(2*time.Hour)) || c.Reason != ReasonLowest {
		t.Fatalf("start %s (%s), want the 80 g window at +2h", c.Start, c.Reason)
	}
	if !c.MeanKnown || c.Mean != 80 || !c.NowKnown || c.NowMean != 300 {
		t.Fatalf("means %+v", c)
	}
}

// A window ending where the signal rises beats one starting where it
// falls: the candidates include boundaries minus the duration.
func TestAWindowCanEndAtABoundary(t *testing.T) {
	f := forecast{{At: at(-time.Hour), Value: 200}, {At: at(2 * time.Hour), Value: 100}, {At: at(4 * time.Hour), Value: 50}, {At: at(5 * time.Hour), Value: 900}}
	c := f.choose(t, at(12*time.Hour), 2*time.Hour)
	if !c.Start.Equal(at(3*time.Hour)) || c.Mean != 75 {
		t.Fatalf("start %s mean %g, want +3h (mean 75), ending where 900 begins", c.Start, c.Mean)
	}
}

func TestTheDeadlineIsNeverMissed(t *testing.T) {
	// The greenest window opens after the latest start (+8h): the Job
	// starts at the latest start, the best window it can still finish in.
	f := forecast{{At: at(-time.Hour), Value: 300}, {At: at(9 * time.Hour), Value: 10}}
	c := f.choose(t, at(10*time.Hour), 2*time.Hour)
	if !c.Start.Equal(at(8*time.Hour)) || !c.LatestStart.Equal(at(8*time.Hour)) {
		t.Fatalf("start %s, want the latest start %s", c.Start, c.LatestStart)
	}
	if c.Mean != 155 {
		t.Fatalf("mean %g, want (300+10)/2", c.Mean)
	}
}

func TestNoForecastStartsNow(t *testing.T) {
	unknown := func(time.Time) (float64, bool) { return 0, false }
	c, err := ChooseStart(now, at(10*time.Hour), time.Hour, unknown, []time.Time{at(time.Hour)})
	if err != nil || !c.Start.Equal(now) || c.Reason != ReasonNoForecast || c.MeanKnown || c.NowKnown {
		t.Fatalf("%+v %v", c, err)
	}
	// A known value without a forecast: nothing varies, nothing to shift.
	flat := func(time.Time) (float64, bool) { return 200, true }
	c, err = ChooseStart(now, at(10*time.Hour), time.Hour, flat, nil)
	if err != nil || !c.Start.Equal(now) || c.Reason != ReasonNoForecast || c.NowMean != 200 {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestPastTheLatestStartStartsNow(t *testing.T) {
	f := forecast{{At: at(-time.Hour), Value: 300}, {At: at(time.Hour), Value: 10}}
	c := f.choose(t, at(time.Hour), 2*time.Hour)
	if !c.Start.Equal(now) || c.Reason != ReasonDeadlineForced || c.NowMean != 155 {
		t.Fatalf("%+v", c)
	}
}

func TestTiesGoToTheEarliestStart(t *testing.T) {
	// Two equally green windows, and a flat forecast: the earliest wins.
	f := forecast{{At: at(-time.Hour), Value: 300}, {At: at(time.Hour), Value: 100}, {At: at(2 * time.Hour), Value: 300}, {At: at(4 * time.Hour), Value: 100}}
	c := f.choose(t, at(12*time.Hour), time.Hour)
	if !c.Start.Equal(at(time.Hour)) {
		t.Fatalf("start %s, want +1h", c.Start)
	}
	flat := forecast{{At: at(-time.Hour), Value: 0.1}, {At: at(time.Hour), Value: 0.1}}
	if c := flat.choose(t, at(12*time.Hour), time.Hour); !c.Start.Equal(now) || c.Reason != ReasonLowest {
		t.Fatalf("flat: %+v", c)
	}
}

func TestInvalidInputsAreErrors(t *testing.T) {
	f := forecast{{At: now, Value: 1}}
	if _, err := ChooseStart(now, at(time.Hour), 0, f.signal, nil); err == nil {
		t.Fatal("a zero duration should be an error")
	}
	if _, err := ChooseStart(now, time.Time{}, time.Hour, f.signal, nil); err == nil {
		t.Fatal("a zero deadline should be an error")
	}
}

// Over random forecasts and requests the start never misses the deadline,
// and no start on a fine grid of [now, latest start] has a lower mean.
func TestPropertyDeadlineKeptAndNothingGreener(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 4))
	for i := range 500 {
		f := forecast{{At: at(-time.Duration(rng.IntN(3600)) * time.Second), Value: float64(rng.IntN(500))}}
		for range rng.IntN(12) {
			next := f[len(f)-1].At.Add(time.Duration(1+rng.IntN(4*3600)) * time.Second)
			f = append(f, clusterproperties.Point{At: next, Value: float64(rng.IntN(500))})
		}
		duration := time.Duration(1+rng.IntN(6*60)) * time.Minute
		deadline := at(time.Duration(rng.IntN(16*60)) * time.Minute)
		c := f.choose(t, deadline, duration)
		latest := deadline.Add(-duration)
		if latest.Before(now) {
			if !c.Start.Equal(now) || c.Reason != ReasonDeadlineForced {
				t.Fatalf("case %d: past the latest start: %+v", i, c)
			}
			continue
		}
		if c.Start.Before(now) || c.Start.After(latest) {
			t.Fatalf("case %d: start %s outside [%s, %s]", i, c.Start, now, latest)
		}
		if len(f) > 1 && c.Reason != ReasonLowest {
			t.Fatalf("case %d: reason %s", i, c.Reason)
		}
		if got := stepMean(f, c.Start, duration); math.Abs(got-c.Mean) > 1e-6 {
			t.Fatalf("case %d: reported mean %g, integrated %g", i, c.Mean, got)
		}
		for s := now; !s.After(latest); s = s.Add(time.Minute) {
			if m := stepMean(f, s, duration); m < c.Mean-1e-6 {
				t.Fatalf("case %d: start %s has mean %g, below the chosen %s's %g", i, s, m, c.Start, c.Mean)
			}
		}
	}
}

// stepMean integrates the forecast point by point, independently of the
// code under test.
func stepMean(f forecast, start time.Time, duration time.Duration) float64 {
	end := start.Add(duration)
	sum := 0.0
	for i, p := range f {
		from, to := p.At, end
		if i+1 < len(f) {
			to = f[i+1].At
		}
		if from.Before(start) {
			from = start
		}
		if to.After(end) {
			to = end
		}
		if to.After(from) {
			sum += p.Value * to.Sub(from).Seconds()
		}
	}
	return sum / duration.Seconds()
}
