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
	"fmt"
	"strings"
	"time"
)

// SLI is one workload's service level in one cluster over a window.
type SLI struct {
	// RPS is the rate of requests served.
	RPS float64
	// SuccessRate is the share of requests not answered 5xx, in percent.
	// It is meaningful only when RPS > 0.
	SuccessRate float64
	// P99LatencyMs is the 99th percentile response time; 0 when unknown.
	P99LatencyMs float64
}

// Workload names the pods whose requests are measured, as Istio labels them.
type Workload struct {
	Namespace string
	Name      string
}

// WorkloadSLIs measures a workload in every cluster that reports it, from
// Istio's standard metrics (reporter="destination") with their cluster label.
// A cluster that served nothing in the window is absent.
func WorkloadSLIs(ctx context.Context, p Provider, w Workload, window time.Duration, at time.Time) (map[string]SLI, error) {
	sel := fmt.Sprintf(`reporter="destination",destination_workload_namespace=%q,destination_workload=%q`, w.Namespace, w.Name)
	rng := promDuration(window)
	total, err := p.Query(ctx, fmt.Sprintf(`sum by (cluster) (rate(istio_requests_total{%s}[%s]))`, sel, rng), at)
	if err != nil {
		return nil, err
	}
	failed, err := p.Query(ctx, fmt.Sprintf(`sum by (cluster) (rate(istio_requests_total{%s,response_code=~"5.."}[%s]))`, sel, rng), at)
	if err != nil {
		return nil, err
	}
	p99, err := p.Query(ctx, fmt.Sprintf(`histogram_quantile(0.99, sum by (cluster, le) (rate(istio_request_duration_milliseconds_bucket{%s}[%s])))`, sel, rng), at)
	if err != nil {
		return nil, err
	}
	out := map[string]SLI{}
	for _, s := range total {
		if s.Value > 0 {
			out[s.Labels["cluster"]] = SLI{RPS: s.Value, SuccessRate: 100}
		}
	}
	for _, s := range failed {
		if sli, ok := out[s.Labels["cluster"]]; ok {
			sli.SuccessRate = 100 * (1 - s.Value/sli.RPS)
			out[s.Labels["cluster"]] = sli
		}
	}
	for _, s := range p99 {
		if sli, ok := out[s.Labels["cluster"]]; ok {
			sli.P99LatencyMs = s.Value
			out[s.Labels["cluster"]] = sli
		}
	}
	return out, nil
}

// promDuration writes a duration as PromQL does (whole seconds at least).
func promDuration(d time.Duration) string {
	secs := int64(d / time.Second)
	if secs < 1 {
		secs = 1
	}
	return strings.TrimSpace(fmt.Sprintf("%ds", secs))
}
