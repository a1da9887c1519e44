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

package federatedhpa

import (
	"context"
	"math"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	"kurator.dev/kurator/internal/autoscaling/forecast"
	"kurator.dev/kurator/internal/metricsprovider"
)

// predictionRefresh is how long a forecast stands before it is made again;
// it is kept in status, so a restart does not make it sooner.
const predictionRefresh = 5 * time.Minute

// historyPoints is about how many points of history a forecast reads: 30
// days every 5 minutes.

// predict makes or reuses the forecast and returns the replicas to
// propose: the reactive ones, or in Auto mode the larger of them and what
// the forecast peak needs.
func (r *Reconciler) predict(ctx context.Context, fhpa *autoscalingv1alpha1.FederatedHPA, reactive int32, now time.Time) int32 {
	p := fhpa.Spec.Prediction
	if p == nil {
		fhpa.Status.Prediction = nil
		return reactive
	}
	status := fhpa.Status.Prediction
	if status == nil || now.Sub(status.Time.Time) >= predictionRefresh || fhpa.Status.ObservedGeneration == nil || *fhpa.Status.ObservedGeneration != fhpa.Generation {
		status = r.forecast(ctx, p, reactive, now)
		fhpa.Status.Prediction = status
	}
	if p.Mode == autoscalingv1alpha1.PredictionAuto && status.Message == "" {
		return max(reactive, status.PredictedReplicas)
	}
	return reactive
}

// forecast reads the query's history and forecasts its peak within the
// window; the replicas it needs are the reactive ones in proportion to
// the peak over the current load.
func (r *Reconciler) forecast(ctx context.Context, p *autoscalingv1alpha1.Prediction, reactive int32, now time.Time) *autoscalingv1alpha1.PredictionStatus {
	out := &autoscalingv1alpha1.PredictionStatus{Time: metav1.NewTime(now), ReactiveReplicas: reactive}
	history := forecast.DefaultHistory
	if p.HistoryLength != nil && p.HistoryLength.Duration > 0 {
		history = p.HistoryLength.Duration
	}
	window := time.Hour
	if p.PredictionWindowSeconds != nil {
		window = time.Duration(*p.PredictionWindowSeconds) * time.Second
	}
	points, step, err := metricsprovider.History(ctx, r.Metrics, p.Query, history, now)
	if err != nil {
		out.Message = err.Error()
		return out
	}
	samples := make([]forecast.Sample, len(points))
	for i, pt := range points {
		samples[i] = forecast.Sample{Time: pt.Time, Value: pt.Value}
	}
	cfg := forecast.Config{Algorithm: forecast.Algorithm(p.Algorithm), History: history}
	if p.Percentile != nil {
		cfg.Percentile = float64(*p.Percentile)
	}
	prediction, err := forecast.Forecast(samples, now, window, step, cfg)
	if err != nil {
		out.Message = err.Error()
		return out
	}
	current := points[len(points)-1].Value
	out.Method = prediction.Method
	out.CurrentLoad = formatLoad(current)
	out.PeakLoad = formatLoad(prediction.Peak.Value)
	out.PeakTime = &metav1.Time{Time: prediction.Peak.Time}
	if current <= 0 {
		out.Message = "the current load is zero: no replicas per load to scale the forecast by"
		return out
	}
	out.PredictedReplicas = int32(math.Ceil(float64(reactive) * prediction.Peak.Value / current))
	return out
}

func formatLoad(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
