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

// Package autoscaling is the horizontal autoscaler's arithmetic, as
// Kubernetes' HPA defines it, for replicas spread over many clusters: the
// replica count a metric asks for (with the HPA's tolerance and its handling
// of pods that are not ready or report no metric), and the behaviour that
// limits how fast that count is followed (stabilization windows, scaling
// policies, selectPolicy). It is pure: the caller supplies the pods' samples
// from every member, the recommendations and scale events so far, and the
// time.
package autoscaling

import (
	"errors"
	"math"
)

// DefaultTolerance is the HPA's: a ratio within 10% of the target scales
// nothing.
const DefaultTolerance = 0.1

// PodSample is what one pod of the workload reports, in any member.
type PodSample struct {
	// Ready: a pod that is not ready (still starting) does not pull the
	// count down, and counts as idle when the workload scales up.
	Ready bool
	// HasMetric is false for a pod no metric was read for (its member
	// did not answer in time, or it is too new).
	HasMetric bool
	// Value is the pod's usage (CPU in millicores, or the metric's value
	// in milli-units).
	Value int64
	// Request is the pod's request of the resource, for utilization
	// targets.
	Request int64
}

// ErrNoMetrics means no pod of the workload reported a metric.
var ErrNoMetrics = errors.New("no pod of the workload reports the metric")

// ErrNoRequests means a utilization target is set but the pods request
// none of the resource.
var ErrNoRequests = errors.New("the pods request none of the resource: a utilization target needs requests")

// UtilizationReplicas is the replica count a target average utilization (a
// percentage of the pods' requests) asks for, and the current utilization
// of the pods that report.
func UtilizationReplicas(current int32, pods []PodSample, target int32, tolerance float64) (int32, int32, error) {
	var usage, requests int64
	for _, p := range pods {
		if p.Ready && p.HasMetric {
			usage += p.Value
			requests += p.Request
		}
	}
	if !anyReporting(pods) {
		return current, 0, ErrNoMetrics
	}
	if requests == 0 {
		return current, 0, ErrNoRequests
	}
	utilization := int32(usage * 100 / requests)
	// A pod assumed at the target uses target% of its request; an idle
	// one nothing.
	atTarget := func(p PodSample) int64 { return p.Request * int64(target) / 100 }
	ratio := func(extraUsage, extraRequests int64) float64 {
		return float64(usage+extraUsage) * 100 / float64(requests+extraRequests) / float64(target)
	}
	return decide(current, pods, ratio(0, 0), tolerance, func(scaleUp bool) float64 {
		var u, r int64
		for _, p := range pods {
			switch {
			case !p.HasMetric && !scaleUp:
				u, r = u+atTarget(p), r+p.Request
			case !p.HasMetric, !p.Ready && scaleUp:
				r += p.Request
			}
		}
		return ratio(u, r)
	}), utilization, nil
}

// AverageValueReplicas is the replica count a target average value per pod
// (milli-units) asks for, and the current average.
func AverageValueReplicas(current int32, pods []PodSample, target int64, tolerance float64) (int32, int64, error) {
	var total int64
	reporting := 0
	for _, p := range pods {
		if p.Ready && p.HasMetric {
			total += p.Value
			reporting++
		}
	}
	if reporting == 0 {
		return current, 0, ErrNoMetrics
	}
	ratio := func(extraTotal int64, extraPods int) float64 {
		return float64(total+extraTotal) / float64(reporting+extraPods) / float64(target)
	}
	return decide(current, pods, ratio(0, 0), tolerance, func(scaleUp bool) float64 {
		var t int64
		n := 0
		for _, p := range pods {
			switch {
			case !p.HasMetric && !scaleUp:
				t, n = t+target, n+1
			case !p.HasMetric, !p.Ready && scaleUp:
				n++
			}
		}
		return ratio(t, n)
	}), total / int64(reporting), nil
}

// TotalValueReplicas is the replica count a fleet-wide metric (an External
// metric summed over the clusters, milli-units) asks for of current ready
// replicas: a target value scales them by total/target; a target average
// value divides the total by it. Within the tolerance nothing changes.
func TotalValueReplicas(current int32, total, targetValue, targetAverage int64, tolerance float64) int32 {
	if targetAverage > 0 {
		if current > 0 && math.Abs(float64(total)/(float64(targetAverage)*float64(current))-1) <= tolerance {
			return current
		}
		return int32(math.Ceil(float64(total) / float64(targetAverage)))
	}
	ratio := float64(total) / float64(targetValue)
	if math.Abs(ratio-1) <= tolerance {
		return current
	}
	return int32(math.Ceil(ratio * float64(current)))
}

func anyReporting(pods []PodSample) bool {
	for _, p := range pods {
		if p.Ready && p.HasMetric {
			return true
		}
	}
	return false
}

// decide applies the HPA's rules to the usage ratio of the ready pods that
// report (ratio): within the tolerance nothing changes; pods without a
// metric count at the target when scaling down and idle when scaling up,
// and pods not yet ready count idle when scaling up (rebalanced gives the
// ratio with those assumptions); if the assumptions reverse the direction
// or bring the ratio within the tolerance, nothing changes.
func decide(current int32, pods []PodSample, ratio, tolerance float64, rebalanced func(scaleUp bool) float64) int32 {
	reporting, missing, unready := 0, 0, 0
	for _, p := range pods {
		switch {
		case !p.HasMetric:
			missing++
		case !p.Ready:
			unready++
		default:
			reporting++
		}
	}
	rebalanceUnready := unready > 0 && ratio > 1
	if !rebalanceUnready && missing == 0 {
		if math.Abs(ratio-1) <= tolerance {
			return current
		}
		return int32(math.Ceil(ratio * float64(reporting)))
	}
	adjusted := rebalanced(ratio > 1)
	if math.Abs(adjusted-1) <= tolerance || (ratio < 1 && adjusted > 1) || (ratio > 1 && adjusted < 1) {
		return current
	}
	counted := reporting + missing
	if rebalanceUnready {
		counted += unready
	}
	desired := int32(math.Ceil(adjusted * float64(counted)))
	if (adjusted < 1 && desired > current) || (adjusted > 1 && desired < current) {
		return current
	}
	return desired
}
