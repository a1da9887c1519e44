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

package intelligentscheduler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	"kurator.dev/kurator/internal/autoscaling/forecast"
	"kurator.dev/kurator/internal/metricsprovider"
)

// Prediction bounds: the forecaster needs a day of history and reads at
// most 30.
const (
	defaultLookback = 7 * 24 * time.Hour
	minLookback     = forecast.MinHistory
	maxLookback     = forecast.DefaultHistory
	// predictionRefresh is how often the forecast is made again: the
	// history moves slowly against a day ahead.
	predictionRefresh = 5 * time.Minute
)

// SpendSeries is the series the spend forecast reads: the gauge this
// controller exports, which Prometheus must scrape, as the highest of the
// controller-managers'. Only the leader sets it, but a former leader's
// last value lingers until it restarts, so after a failover the history
// may read high for a while.
func SpendSeries(scheduler string) string {
	return fmt.Sprintf(`max(%s{scheduler=%q})`, spendMetricName, scheduler)
}

// algorithmFor maps the model asked for to the algorithm that serves it,
// and says so when it is not the one asked for.
func algorithmFor(model string) (forecast.Algorithm, string) {
	switch strings.ToLower(model) {
	case "", "seasonal":
		return forecast.Seasonal, ""
	case "percentile":
		return forecast.Percentile, ""
	}
	return forecast.Seasonal, fmt.Sprintf("model %q is not implemented in Kurator; the Seasonal algorithm served it", model)
}

// predict forecasts the next day's spend from its history.
func (r *Reconciler) predict(ctx context.Context, s *schedulingv1alpha1.IntelligentScheduler, now time.Time) *schedulingv1alpha1.PredictionStatus {
	p := s.Spec.Prediction
	if p == nil || !p.Enabled {
		return nil
	}
	if last := s.Status.Prediction; last != nil && last.Time != nil && now.Sub(last.Time.Time) < predictionRefresh &&
		last.RequestedModel == p.Model && s.Status.ObservedGeneration == s.Generation {
		return last
	}
	algorithm, substituted := algorithmFor(p.Model)
	made := metav1.NewTime(now)
	out := &schedulingv1alpha1.PredictionStatus{RequestedModel: p.Model, Algorithm: string(algorithm), Time: &made}
	say := func(msg string) *schedulingv1alpha1.PredictionStatus {
		out.Message = strings.TrimSpace(substituted + ". " + msg)
		if substituted == "" {
			out.Message = msg
		}
		return out
	}
	lookback := defaultLookback
	if p.LookbackWindow != nil && p.LookbackWindow.Duration > 0 {
		lookback = min(max(p.LookbackWindow.Duration, minLookback), maxLookback)
	}
	series := SpendSeries(s.Name)
	points, step, err := metricsprovider.History(ctx, r.Metrics, series, lookback, now)
	if errors.Is(err, metricsprovider.ErrNoHistory) {
		return say(err.Error() + " yet: Prometheus must scrape the controller-manager's metrics")
	}
	if err != nil {
		return say(err.Error())
	}
	samples := make([]forecast.Sample, len(points))
	for i, pt := range points {
		samples[i] = forecast.Sample{Time: pt.Time, Value: pt.Value}
	}
	window := 24 * time.Hour
	prediction, err := forecast.Forecast(samples, now, window, step, forecast.Config{Algorithm: algorithm, History: lookback})
	if err != nil {
		return say(err.Error())
	}
	// The mean rate over the day ahead, as a day's spend; the last point
	// closes the window and is left out.
	var sum float64
	pts := prediction.Points[:len(prediction.Points)-1]
	for _, pt := range pts {
		sum += pt.Value
	}
	out.ProjectedPerDay = money(sum / float64(len(pts)) * 24)
	return say(fmt.Sprintf("from %s of %s: %s", lookback, series, prediction.Method))
}
