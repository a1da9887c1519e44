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
	"fmt"
	"math"
	"time"
)

// Algorithm names a forecasting method; the values are what the API
// exposes.
type Algorithm string

const (
	// Seasonal is the level-corrected seasonal naive method with daily and
	// weekly profiles (see the package documentation).
	Seasonal Algorithm = "Seasonal"
	// Percentile is the time-of-day percentile method (see the package
	// documentation).
	Percentile Algorithm = "Percentile"
)

const (
	// Day and Week are the seasons the Seasonal algorithm knows.
	Day  = 24 * time.Hour
	Week = 7 * Day
	// MinHistory is the least history either algorithm forecasts from.
	MinHistory = Day
	// DefaultHistory is how far back the history is used by default.
	DefaultHistory = 30 * Day
	// DefaultPercentile is the Percentile algorithm's default p.
	DefaultPercentile = 95.0
	// DefaultBucket is the Percentile algorithm's default time-of-day bucket.
	DefaultBucket = time.Hour
	// DefaultLevelWindow is how much recent history sets the Seasonal
	// algorithm's level by default.
	DefaultLevelWindow = 2 * time.Hour
	// maxPoints bounds a forecast's size against a window far larger than
	// its step.
	maxPoints = 100_000
	// dailyLags and maxWeeks are how many past days and weeks make the
	// Seasonal profiles.
	dailyLags = 7
	maxWeeks  = 4
)

// ErrInvalidConfig wraps every error about the forecast's parameters.
var ErrInvalidConfig = errors.New("invalid forecast configuration")

// ErrHistoryTooShort means the history does not reach back far enough for
// the algorithm.
var ErrHistoryTooShort = errors.New("history too short to forecast")

// Sample is one point of a metric series.
type Sample struct {
	Time  time.Time
	Value float64
}

// Config chooses and tunes the algorithm. The zero value forecasts with
// Seasonal over 30 days of history.
type Config struct {
	// Algorithm is Seasonal (also when empty) or Percentile.
	Algorithm Algorithm
	// History is how far back samples are used; 0 means DefaultHistory.
	History time.Duration
	// Percentile is the Percentile algorithm's p, in (0, 100]; 0 means
	// DefaultPercentile.
	Percentile float64
	// Bucket is the Percentile algorithm's time-of-day bucket, at most a
	// day; 0 means DefaultBucket.
	Bucket time.Duration
	// Margin is a fraction added to every forecast point (0.1: +10%).
	Margin float64
	// LevelWindow is how much recent history sets the Seasonal level; 0
	// means DefaultLevelWindow.
	LevelWindow time.Duration
	// Location is where days begin, for both algorithms; nil means UTC.
	Location *time.Location
}

// Prediction is a forecast over [now, now+window].
type Prediction struct {
	Algorithm Algorithm
	// Points are the forecast at now, now+step, ... up to now+window.
	Points []Sample
	// Peak is the highest point, what pre-scaling provisions for.
	Peak Sample
	// Method explains in one sentence how the points were computed, for a
	// status.
	Method string
}

// Forecast predicts the series over [now, now+window] every step from its
// history.
func Forecast(history []Sample, now time.Time, window, step time.Duration, cfg Config) (Prediction, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Prediction{}, err
	}
	if err := checkWindow(window, step); err != nil {
		return Prediction{}, err
	}
	g, err := resample(history, now, cfg.History, step)
	if err != nil {
		return Prediction{}, err
	}
	targets := make([]Sample, int(window/step)+1)
	for i := range targets {
		targets[i].Time = now.Add(time.Duration(i) * step)
	}
	var method string
	switch cfg.Algorithm {
	case Seasonal:
		method, err = forecastSeasonal(g, targets, cfg)
	case Percentile:
		method, err = forecastPercentile(g, targets, cfg)
	}
	if err != nil {
		return Prediction{}, err
	}
	// Load is never negative, whatever a level correction extrapolates.
	for i := range targets {
		targets[i].Value = max(0, targets[i].Value) * (1 + cfg.Margin)
	}
	p := Prediction{Algorithm: cfg.Algorithm, Points: targets, Peak: targets[0], Method: method}
	for _, point := range targets[1:] {
		if point.Value > p.Peak.Value {
			p.Peak = point
		}
	}
	if cfg.Margin > 0 {
		p.Method += fmt.Sprintf(", +%s margin", formatPercent(cfg.Margin*100))
	}
	return p, nil
}

// Validate reports what is wrong with the configuration, if anything.
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

func (c Config) withDefaults() (Config, error) {
	if c.Algorithm == "" {
		c.Algorithm = Seasonal
	}
	if c.History == 0 {
		c.History = DefaultHistory
	}
	if c.Percentile == 0 {
		c.Percentile = DefaultPercentile
	}
	if c.Bucket == 0 {
		c.Bucket = DefaultBucket
	}
	if c.LevelWindow == 0 {
		c.LevelWindow = DefaultLevelWindow
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	switch {
	case c.Algorithm != Seasonal && c.Algorithm != Percentile:
		return c, fmt.Errorf("%w: algorithm %q is neither %s nor %s", ErrInvalidConfig, c.Algorithm, Seasonal, Percentile)
	case c.History < MinHistory:
		return c, fmt.Errorf("%w: history %s is shorter than the minimum %s", ErrInvalidConfig, c.History, MinHistory)
	case !(c.Percentile > 0 && c.Percentile <= 100):
		return c, fmt.Errorf("%w: percentile %v is outside (0, 100]", ErrInvalidConfig, c.Percentile)
	case c.Bucket < 0 || c.Bucket > Day:
		return c, fmt.Errorf("%w: bucket %s is outside (0, 24h]", ErrInvalidConfig, c.Bucket)
	case !(c.Margin >= 0) || math.IsInf(c.Margin, 1):
		return c, fmt.Errorf("%w: margin %v is negative or not finite", ErrInvalidConfig, c.Margin)
	case c.LevelWindow < 0:
		return c, fmt.Errorf("%w: level window %s is negative", ErrInvalidConfig, c.LevelWindow)
	}
	return c, nil
}

func checkWindow(window, step time.Duration) error {
	switch {
	case window <= 0:
		return fmt.Errorf("%w: window %s is not positive", ErrInvalidConfig, window)
	case step <= 0:
		return fmt.Errorf("%w: step %s is not positive", ErrInvalidConfig, step)
	case window/step >= maxPoints:
		return fmt.Errorf("%w: window %s in steps of %s makes more than %d points", ErrInvalidConfig, window, step, maxPoints)
	}
	return nil
}

// formatSpan writes a duration in days, hours and minutes ("7d", "2h30m").
func formatSpan(d time.Duration) string {
	d = d.Round(time.Minute)
	days, rest := d/Day, d%Day
	out := ""
	if days > 0 {
		out = fmt.Sprintf("%dd", days)
	}
	if h := rest / time.Hour; h > 0 {
		out += fmt.Sprintf("%dh", h)
	}
	if m := (rest % time.Hour) / time.Minute; m > 0 {
		out += fmt.Sprintf("%dm", m)
	}
	if out == "" {
		return d.String()
	}
	return out
}

func formatPercent(v float64) string {
	return fmt.Sprintf("%s%%", trimFloat(v))
}

func trimFloat(v float64) string {
	return fmt.Sprintf("%.4g", v)
}
