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
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// monday is a Monday at midnight UTC.
var monday = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// series samples value every step over [from, to).
func series(from, to time.Time, step time.Duration, value func(time.Time) float64) []Sample {
	var out []Sample
	for t := from; t.Before(to); t = t.Add(step) {
		out = append(out, Sample{Time: t, Value: value(t)})
	}
	return out
}

// dailySine swings between 50 and 150 once a day, in UTC.
func dailySine(t time.Time) float64 {
	h, m, _ := t.UTC().Clock()
	return 100 + 50*math.Sin(2*math.Pi*float64(h*60+m)/(24*60))
}

// worstError is the largest relative error of the points at or after from
// against truth.
func worstError(p Prediction, from time.Time, truth func(time.Time) float64) float64 {
	worst := 0.0
	for _, point := range p.Points {
		if !point.Time.Before(from) {
			worst = max(worst, math.Abs(point.Value-truth(point.Time))/truth(point.Time))
		}
	}
	return worst
}

func mustForecast(t *testing.T, history []Sample, now time.Time, window time.Duration, cfg Config) Prediction {
	t.Helper()
	p, err := Forecast(history, now, window, time.Minute, cfg)
	if err != nil {
		t.Fatalf("forecast at %s: %v", now, err)
	}
	return p
}

func TestSeasonalForecastsADailySine(t *testing.T) {
	now := monday.Add(14*Day + 9*time.Hour + 17*time.Minute)
	for _, c := range []struct {
		history   time.Duration
		dailyOnly bool
	}{{3 * Day, true}, {14 * Day, false}} {
		history := series(now.Add(-c.history), now, time.Minute, dailySine)
		p := mustForecast(t, history, now, time.Hour, Config{})
		if worst := worstError(p, now, dailySine); worst > 0.02 {
			t.Errorf("%s of history: worst error %.2f%%; want below 2%%", c.history, 100*worst)
		}
		if len(p.Points) != 61 || !p.Points[0].Time.Equal(now) || !p.Points[60].Time.Equal(now.Add(time.Hour)) {
			t.Fatalf("%d points from %s to %s; want 61 from now to now+1h", len(p.Points), p.Points[0].Time, p.Points[len(p.Points)-1].Time)
		}
		// The sine falls after 06:00, so the peak is the first point.
		if !p.Peak.Time.Equal(now) || p.Peak.Value != p.Points[0].Value {
			t.Errorf("peak %+v; want the first point %+v", p.Peak, p.Points[0])
		}
		if strings.Contains(p.Method, "daily only") != c.dailyOnly {
			t.Errorf("%s of history: method %q; daily only should be said: %t", c.history, p.Method, c.dailyOnly)
		}
	}
}

func TestSeasonalPicksUpTheWeekendShape(t *testing.T) {
	// Weekdays peak at 06:00; weekends are lower and peak at 15:00, a
	// shape no level correction of a weekday can give.
	weekly := func(t time.Time) float64 {
		if d := t.Weekday(); d == time.Saturday || d == time.Sunday {
			return 80 + 40*math.Sin(2*math.Pi*(float64(t.Hour())+float64(t.Minute())/60-9)/24)
		}
		return dailySine(t)
	}
	now := monday.Add(19*Day + 8*time.Hour)
	if now.Weekday() != time.Saturday {
		t.Fatalf("now is a %s", now.Weekday())
	}
	history := series(monday, now, time.Minute, weekly)
	p := mustForecast(t, history, now, 12*time.Hour, Config{})
	if worst := worstError(p, now, weekly); worst > 0.03 {
		t.Errorf("worst error %.2f%% on Saturday; want below 3%% (%s)", 100*worst, p.Method)
	}
	dailyOnly := mustForecast(t, history, now, 12*time.Hour, Config{History: 6 * Day})
	if worst := worstError(dailyOnly, now, weekly); worst < 0.3 {
		t.Errorf("a daily-only forecast is within %.2f%% of Saturday; the test does not need the weekly factor", 100*worst)
	}
}

func TestSeasonalFollowsALevelShift(t *testing.T) {
	now := monday.Add(14*Day + 18*time.Hour)
	shifted := func(t time.Time) float64 {
		if now.Sub(t) <= 36*time.Hour {
			return 1.3 * dailySine(t)
		}
		return dailySine(t)
	}
	p := mustForecast(t, series(monday, now, time.Minute, shifted), now, time.Hour, Config{})
	if worst := worstError(p, now, shifted); worst > 0.02 {
		t.Errorf("worst error %.2f%% after a 30%% step; want below 2%% (%s)", 100*worst, p.Method)
	}
}

func TestSeasonalFollowsGrowth(t *testing.T) {
	// 20% a week, the fleet's growth since last week.
	growing := func(t time.Time) float64 {
		return dailySine(t) * (1 + 0.2*float64(t.Sub(monday))/float64(Week))
	}
	now := monday.Add(21*Day + 14*time.Hour)
	p := mustForecast(t, series(monday, now, time.Minute, growing), now, time.Hour, Config{})
	if worst := worstError(p, now, growing); worst > 0.02 {
		t.Errorf("worst error %.2f%% with 20%% growth a week; want below 2%% (%s)", 100*worst, p.Method)
	}
	if !strings.Contains(p.Method, "level") {
		t.Errorf("method %q does not give the level", p.Method)
	}
}

func TestSeasonalUsesCalendarDaysAcrossDaylightSaving(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// The load follows Berlin's clocks, which move forward on 2026-03-29;
	// two days later most of the last week was an hour off in UTC.
	local := func(t time.Time) float64 {
		h, m, _ := t.In(berlin).Clock()
		return 100 + 50*math.Sin(2*math.Pi*float64(h*60+m)/(24*60))
	}
	now := time.Date(2026, 3, 31, 11, 30, 0, 0, berlin)
	history := series(now.Add(-10*Day), now, time.Minute, local)
	p := mustForecast(t, history, now, time.Hour, Config{Location: berlin})
	if worst := worstError(p, now, local); worst > 0.02 {
		t.Errorf("worst error %.2f%% in Berlin's days; want below 2%% (%s)", 100*worst, p.Method)
	}
	utc := mustForecast(t, history, now, time.Hour, Config{})
	// The level correction hides part of the shift (4.2% measured).
	if worst := worstError(utc, now, local); worst < 0.03 {
		t.Errorf("UTC days are within %.2f%%: the test does not need calendar days", 100*worst)
	}
}

func TestForecastToleratesGapsDisorderAndDuplicates(t *testing.T) {
	now := monday.Add(14*Day + 11*time.Hour)
	full := SyntheticTrace(monday, 15, time.Minute, 3)
	full = full[:int(now.Sub(monday)/time.Minute)]
	want := mustForecast(t, full, now, time.Hour, Config{})

	shuffled := append([]Sample(nil), full...)
	random := rand.New(rand.NewPCG(7, 7))
	random.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	doubled := append(append([]Sample(nil), full...), full...)
	for name, history := range map[string][]Sample{"shuffled": shuffled, "doubled": doubled} {
		got := mustForecast(t, history, now, time.Hour, Config{})
		for i := range got.Points {
			if math.Abs(got.Points[i].Value-want.Points[i].Value) > 1e-9*want.Points[i].Value {
				t.Fatalf("%s: point %d is %v; want %v as from the ordered history", name, i, got.Points[i].Value, want.Points[i].Value)
			}
		}
	}

	// Every seventh sample lost, a three-hour outage two days ago, and
	// a NaN: the medians and the level absorb the straight lines drawn
	// over the gaps.
	var gappy []Sample
	outage := now.Add(-2 * Day)
	for i, s := range shuffled {
		inOutage := !s.Time.Before(outage) && s.Time.Before(outage.Add(3*time.Hour))
		if i%7 != 0 && !inOutage {
			gappy = append(gappy, s)
		}
	}
	gappy = append(gappy, Sample{Time: now.Add(-time.Hour), Value: math.NaN()})
	got := mustForecast(t, gappy, now, time.Hour, Config{})
	truth := func(t time.Time) float64 { return want.Points[int(t.Sub(now)/time.Minute)].Value }
	if worst := worstError(got, now, truth); worst > 0.02 {
		t.Errorf("with gaps the forecast moves by up to %.2f%%; want below 2%%", 100*worst)
	}
}

func TestForecastWithoutRecentSamples(t *testing.T) {
	now := monday.Add(10*Day + 8*time.Hour)
	// The metric stopped three hours ago: the profile still forecasts,
	// without a level.
	history := series(monday, now.Add(-3*time.Hour), time.Minute, dailySine)
	p := mustForecast(t, history, now, time.Hour, Config{})
	if worst := worstError(p, now, dailySine); worst > 0.02 {
		t.Errorf("worst error %.2f%%; want below 2%%", 100*worst)
	}
	if !strings.Contains(p.Method, "level not corrected") {
		t.Errorf("method %q does not say the level was not corrected", p.Method)
	}
}

func TestHistoryTooShort(t *testing.T) {
	now := monday.Add(3 * Day)
	for name, history := range map[string][]Sample{
		"none":      nil,
		"23h":       series(now.Add(-23*time.Hour), now, time.Minute, dailySine),
		"in future": series(now.Add(time.Hour), now.Add(3*Day), time.Minute, dailySine),
		"too old":   series(now.Add(-40*Day), now.Add(-31*Day), time.Minute, dailySine),
	} {
		for _, algorithm := range []Algorithm{Seasonal, Percentile} {
			_, err := Forecast(history, now, time.Hour, time.Minute, Config{Algorithm: algorithm})
			if !errors.Is(err, ErrHistoryTooShort) {
				t.Errorf("%s history, %s: error %v; want ErrHistoryTooShort", name, algorithm, err)
			}
		}
	}
	// A day is enough.
	history := series(now.Add(-Day), now, time.Minute, dailySine)
	if _, err := Forecast(history, now, time.Hour, time.Minute, Config{}); err != nil {
		t.Errorf("one day of history: %v", err)
	}
}

func TestInvalidConfig(t *testing.T) {
	now := monday.Add(3 * Day)
	history := series(monday, now, time.Minute, dailySine)
	for name, c := range map[string]struct {
		window, step time.Duration
		cfg          Config
	}{
		"zero window":        {0, time.Minute, Config{}},
		"negative window":    {-time.Hour, time.Minute, Config{}},
		"zero step":          {time.Hour, 0, Config{}},
		"too many points":    {30 * Day, time.Second, Config{}},
		"negative p":         {time.Hour, time.Minute, Config{Algorithm: Percentile, Percentile: -5}},
		"p above 100":        {time.Hour, time.Minute, Config{Algorithm: Percentile, Percentile: 101}},
		"NaN p":              {time.Hour, time.Minute, Config{Percentile: math.NaN()}},
		"bucket over a day":  {time.Hour, time.Minute, Config{Bucket: 25 * time.Hour}},
		"negative bucket":    {time.Hour, time.Minute, Config{Bucket: -time.Hour}},
		"negative margin":    {time.Hour, time.Minute, Config{Margin: -0.1}},
		"unknown algorithm":  {time.Hour, time.Minute, Config{Algorithm: "Magic"}},
		"history under 1d":   {time.Hour, time.Minute, Config{History: 12 * time.Hour}},
		"negative level win": {time.Hour, time.Minute, Config{LevelWindow: -time.Hour}},
	} {
		if _, err := Forecast(history, now, c.window, c.step, c.cfg); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: error %v; want ErrInvalidConfig", name, err)
		}
	}
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("the zero config: %v", err)
	}
	if err := (Config{Algorithm: Percentile, Percentile: 100}).Validate(); err != nil {
		t.Errorf("p100: %v", err)
	}
}

func TestMarginRaisesEveryPoint(t *testing.T) {
	now := monday.Add(3*Day + 7*time.Hour)
	history := series(monday, now, time.Minute, dailySine)
	plain := mustForecast(t, history, now, time.Hour, Config{})
	raised := mustForecast(t, history, now, time.Hour, Config{Margin: 0.1})
	for i := range plain.Points {
		if math.Abs(raised.Points[i].Value-1.1*plain.Points[i].Value) > 1e-9 {
			t.Fatalf("point %d with a 10%% margin is %v; want %v", i, raised.Points[i].Value, 1.1*plain.Points[i].Value)
		}
	}
	if !strings.Contains(raised.Method, "+10% margin") {
		t.Errorf("method %q does not give the margin", raised.Method)
	}
}

// A range query from now-48h returns its first point a hair after it
// (Prometheus' timestamps are milliseconds): that is still two days of
// history, so a 24-hour window whose end is more than a day past the last
// sample forecasts from the day before.
func TestHistoryOfWholeDaysShortByAMillisecond(t *testing.T) {
	now := monday.Add(5*Day + 21*time.Hour + 17*time.Minute + 300*time.Microsecond)
	step := 20 * time.Second
	first := now.Add(-48*time.Hour + time.Millisecond)
	history := series(first, now.Add(-3*time.Hour), step, dailySine)
	p, err := Forecast(history, now, Day, step, Config{History: 48 * time.Hour})
	if err != nil {
		t.Fatalf("forecast: %v", err)
	}
	if !strings.Contains(p.Method, "last 2 days") {
		t.Errorf("method %q; want the profile of the last 2 days", p.Method)
	}
}
