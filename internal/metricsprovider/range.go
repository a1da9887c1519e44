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

package metricsprovider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// Point is one value of a series at a time.
type Point struct {
	Time  time.Time
	Value float64
}

// RangeQuerier reads a series over time (predictive scaling's history).
type RangeQuerier interface {
	// QueryRange evaluates query, which must give one series (a sum, say),
	// every step from start to end.
	QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]Point, error)
}

// ErrNoRangeQueries means the provider cannot read series over time.
var ErrNoRangeQueries = errors.New("the metrics provider cannot read a series over time (Prometheus can: give the controller-manager --prometheus-url)")

// QueryRange implements RangeQuerier. Prometheus answers at most 11,000
// points per series, so a long range is read in pieces.
func (p *Prometheus) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]Point, error) {
	if step <= 0 || !end.After(start) {
		return nil, fmt.Errorf("%s: range %s to %s every %s is empty", p, start, end, step)
	}
	const perRequest = 10_000
	var out []Point
	for from := start; !from.After(end); from = from.Add(perRequest * step) {
		to := from.Add((perRequest - 1) * step)
		if to.After(end) {
			to = end
		}
		points, err := p.queryRange(ctx, query, from, to, step)
		if err != nil {
			return nil, err
		}
		out = append(out, points...)
	}
	return out, nil
}

func (p *Prometheus) queryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]Point, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, _, err := p.api.QueryRange(ctx, query, promv1.Range{Start: start, End: end, Step: step})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	matrix, ok := v.(model.Matrix)
	if !ok {
		return nil, fmt.Errorf("%s: range query returned %s, want a matrix", p, v.Type())
	}
	switch len(matrix) {
	case 0:
		return nil, nil
	case 1:
	default:
		return nil, fmt.Errorf("%s: %s gives %d series; sum it into one", p, query, len(matrix))
	}
	out := make([]Point, 0, len(matrix[0].Values))
	for _, s := range matrix[0].Values {
		f := float64(s.Value)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		out = append(out, Point{Time: s.Timestamp.Time(), Value: f})
	}
	return out, nil
}

// historyPoints bounds how many points a history read asks for: 30 days
// at 5-minute steps.
const historyPoints = 8640

// ErrNoHistory means the series has no points in the span read.
var ErrNoHistory = errors.New("no history")

// History reads a series over the span before now, for a forecast, at the
// step that gives at most 8,640 points (and at least 15 s); it returns the
// points and the step. ErrNoRangeQueries when the provider cannot read
// over time; an error wrapping ErrNoHistory when the series is empty.
func History(ctx context.Context, p Provider, query string, span time.Duration, now time.Time) ([]Point, time.Duration, error) {
	querier, ok := p.(RangeQuerier)
	if !ok {
		return nil, 0, ErrNoRangeQueries
	}
	step := max(span/historyPoints, 15*time.Second).Truncate(time.Second)
	points, err := querier.QueryRange(ctx, query, now.Add(-span), now, step)
	if err != nil {
		return nil, step, err
	}
	if len(points) == 0 {
		return nil, step, fmt.Errorf("%s has %w in %s", query, ErrNoHistory, p)
	}
	return points, step, nil
}
