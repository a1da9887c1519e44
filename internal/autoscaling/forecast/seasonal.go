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
	"slices"
	"time"
)

// weeklyFactorHalfWidth is how far either side of a time the weekly factor
// averages: a day-of-week difference spans hours, and averaging keeps the
// noise of single points out of a factor that multiplies every forecast.
const weeklyFactorHalfWidth = 30 * time.Minute

// seasonalModel computes the Seasonal baseline S(t) = D(t) * F(t) from a
// grid.
type seasonalModel struct {
	g   grid
	loc *time.Location
	// days is how many past days make the daily profile, weeks how many
	// past weeks the weekly factor (0: daily-only).
	days, weeks int
	// halfWidth is weeklyFactorHalfWidth in points.
	halfWidth int
	scratch   []float64
}

func newSeasonalModel(g grid, loc *time.Location) *seasonalModel {
	m := &seasonalModel{
		g:         g,
		loc:       loc,
		days:      min(dailyLags, int(g.span/Day)),
		weeks:     min(maxWeeks, int(g.span/Week)),
		scratch:   make([]float64, 0, maxWeeks*dailyLags),
		halfWidth: int(weeklyFactorHalfWidth / g.step),
	}
	return m
}

// baseline is S(t), if the history holds the same time of day on at least
// one earlier day.
func (m *seasonalModel) baseline(t time.Time) (float64, bool) {
	daily, ok := m.medianAt(t, 1, m.days, m.g.at)
	if !ok || m.weeks == 0 {
		return daily, ok
	}
	weekly, ok := m.medianAt(t, dailyLags, m.weeks, m.meanAround)
	if !ok {
		return daily, true
	}
	typical, ok := m.medianAt(t, 1, m.weeks*dailyLags, m.meanAround)
	if !ok || typical <= 0 {
		return daily, true
	}
	return daily * weekly / typical, true
}

// medianAt is the median of value at t minus every, 2*every, ... n*every
// days, where known.
func (m *seasonalModel) medianAt(t time.Time, every, n int, value func(time.Time) (float64, bool)) (float64, bool) {
	values := m.scratch[:0]
	for k := 1; k <= n; k++ {
		if v, ok := value(daysBefore(t, k*every, m.loc)); ok {
			values = append(values, v)
		}
	}
	m.scratch = values
	return median(values)
}

// meanAround is the mean of the known points within weeklyFactorHalfWidth
// of t, if t's own point is known.
func (m *seasonalModel) meanAround(t time.Time) (float64, bool) {
	i, ok := m.g.index(t)
	if !ok || math.IsNaN(m.g.values[i]) {
		return 0, false
	}
	sum, n := 0.0, 0
	for _, v := range m.g.values[max(0, i-m.halfWidth):min(len(m.g.values), i+m.halfWidth+1)] {
		if !math.IsNaN(v) {
			sum, n = sum+v, n+1
		}
	}
	return sum / float64(n), true
}

func median(values []float64) (float64, bool) {
	if len(values) == 0 {
		return 0, false
	}
	slices.Sort(values)
	middle := len(values) / 2
	if len(values)%2 == 1 {
		return values[middle], true
	}
	return (values[middle-1] + values[middle]) / 2, true
}

// level is L: the recent history over the baseline at the same points, 1
// when no recent point has both.
func (m *seasonalModel) level(window time.Duration) (float64, bool) {
	var actual, expected float64
	last := len(m.g.values) - 1
	for i := last; i >= 0 && i > last-int(window/m.g.step); i-- {
		v := m.g.values[i]
		if math.IsNaN(v) {
			continue
		}
		if b, ok := m.baseline(m.g.time(i)); ok {
			actual += v
			expected += b
		}
	}
	if expected <= 0 {
		return 1, false
	}
	return actual / expected, true
}

// forecastSeasonal fills the targets' values with L * S(t) and explains
// how.
func forecastSeasonal(g grid, targets []Sample, cfg Config) (string, error) {
	m := newSeasonalModel(g, cfg.Location)
	level, leveled := m.level(cfg.LevelWindow)
	for i := range targets {
		b, ok := m.baseline(targets[i].Time)
		if !ok {
			return "", fmt.Errorf("%w: no sample at the time of day of %s on any of the last %d days",
				ErrHistoryTooShort, targets[i].Time.UTC().Format(time.RFC3339), m.days)
		}
		targets[i].Value = level * b
	}
	var method string
	if m.weeks > 0 {
		method = fmt.Sprintf("%s: median of the same time of day over the last %d days × day-of-week factor from the last %d weeks",
			Seasonal, m.days, m.weeks)
	} else {
		method = fmt.Sprintf("%s (daily only: %s of history, the weekly component needs %s): median of the same time of day over the last %d days",
			Seasonal, formatSpan(g.span), formatSpan(Week), m.days)
	}
	if leveled {
		method += fmt.Sprintf(", × %.3f level from the last %s", level, formatSpan(cfg.LevelWindow))
	} else {
		method += fmt.Sprintf(", level not corrected: no recent sample in the last %s", formatSpan(cfg.LevelWindow))
	}
	return method, nil
}
