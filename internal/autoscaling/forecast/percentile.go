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

// forecastPercentile fills the targets' values with the percentile of
// their time-of-day bucket and explains how.
func forecastPercentile(g grid, targets []Sample, cfg Config) (string, error) {
	byBucket := map[int]float64{}
	for i := range targets {
		bucket := bucketOf(targets[i].Time, cfg.Bucket, cfg.Location)
		value, done := byBucket[bucket]
		if !done {
			values := bucketValues(g, bucket, cfg.Bucket, cfg.Location)
			if len(values) == 0 {
				return "", fmt.Errorf("%w: no sample in the %s time-of-day bucket of %s",
					ErrHistoryTooShort, formatSpan(cfg.Bucket), targets[i].Time.UTC().Format(time.RFC3339))
			}
			value = nearestRank(values, cfg.Percentile)
			byBucket[bucket] = value
		}
		targets[i].Value = value
	}
	return fmt.Sprintf("%s: p%s of each %s time-of-day bucket over %s of history",
		Percentile, trimFloat(cfg.Percentile), formatSpan(cfg.Bucket), formatSpan(g.span)), nil
}

// bucketOf is the index of the time-of-day bucket t falls into, counted
// in wall-clock time from midnight in loc.
func bucketOf(t time.Time, bucket time.Duration, loc *time.Location) int {
	h, m, s := t.In(loc).Clock()
	sinceMidnight := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second
	return int(sinceMidnight / bucket)
}

// bucketValues is every known grid value within the bucket on any day.
func bucketValues(g grid, bucket int, width time.Duration, loc *time.Location) []float64 {
	from := time.Duration(bucket) * width
	to := min(from+width, Day)
	var values []float64
	first, last := g.time(0).In(loc), g.time(len(g.values)-1).In(loc)
	// Noon is a day's time that no daylight-saving change moves to
	// another day.
	day := time.Date(first.Year(), first.Month(), first.Day(), 12, 0, 0, 0, loc)
	for ; !day.After(last.Add(Day)); day = day.AddDate(0, 0, 1) {
		start, end := wallClock(day, from, loc), wallClock(day, to, loc)
		for i := ceilIndex(g, start); i < len(g.values) && g.time(i).Before(end); i++ {
			if !math.IsNaN(g.values[i]) {
				values = append(values, g.values[i])
			}
		}
	}
	return values
}

// wallClock is the time a duration after midnight on day's date in loc,
// read on the clock (24h is the next midnight).
func wallClock(day time.Time, sinceMidnight time.Duration, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, int(sinceMidnight/time.Second), 0, loc)
}

// ceilIndex is the first grid point at or after t.
func ceilIndex(g grid, t time.Time) int {
	offset := t.Sub(g.origin)
	if offset <= 0 {
		return 0
	}
	return int((offset + g.step - 1) / g.step)
}

// nearestRank is the smallest value that at least p% of the values are at
// or below.
func nearestRank(values []float64, p float64) float64 {
	slices.Sort(values)
	// The epsilon keeps a rounding error in p (99.9) from adding a rank.
	rank := int(math.Ceil(p*float64(len(values))/100 - 1e-9))
	return values[max(rank, 1)-1]
}
