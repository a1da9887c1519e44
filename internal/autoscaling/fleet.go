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

package autoscaling

import (
	"fmt"
	"math"
)

// ClusterPods is one cluster's part of a workload: the replicas its
// placement gives it and its pods' samples of one metric.
type ClusterPods struct {
	Name     string
	Assigned int32
	Pods     []PodSample
	// Stale: the cluster's pods could not be read. The others' load is
	// taken to stand for it (the fleet scales up on their word), but the
	// fleet does not scale down while a cluster's load is unknown.
	Stale bool
}

// Fleet is a workload spread over clusters, as a FederatedHPA scales it.
// Template is the template's replicas: the fleet's total when they are
// divided, each cluster's count when duplicated. The pods the clusters run
// per template replica (the calibration, Karmada's) converts a pod count
// into a template count.
type Fleet struct {
	Template  int32
	Clusters  []ClusterPods
	Tolerance float64
}

// Result is what one metric asks of the template.
type Result struct {
	// Replicas is the template's replica count the metric asks for.
	Replicas int32
	// Current is the fleet's value of the metric: average utilization in
	// percent, or the average or total value in milli-units.
	Current int64
	// ByCluster is each cluster's own value of the metric (utilization or
	// average value), for clusters that reported.
	ByCluster map[string]int64
	// Hottest names the cluster whose own load asked for more than the
	// fleet's average did, when one did.
	Hottest string
	// HeldByStale names a stale cluster that kept the fleet from scaling
	// down.
	HeldByStale string
}

// Utilization is the template's replica count for a target average
// utilization (percent of requests).
func (f Fleet) Utilization(target int32) (Result, error) {
	return f.podMetric(func(current int32, pods []PodSample) (int32, int64, error) {
		desired, utilization, err := UtilizationReplicas(current, pods, target, f.Tolerance)
		return desired, int64(utilization), err
	}, float64(target))
}

// AverageValue is the template's replica count for a target average value
// per pod (milli-units).
func (f Fleet) AverageValue(target int64) (Result, error) {
	return f.podMetric(func(current int32, pods []PodSample) (int32, int64, error) {
		return AverageValueReplicas(current, pods, target, f.Tolerance)
	}, float64(target))
}

// Total is the template's replica count for a fleet-wide total (an External
// metric summed over clusters) against a target value or a target average
// per pod (milli-units; one of them is zero).
func (f Fleet) Total(total, targetValue, targetAverage int64) Result {
	assigned := f.assigned(true)
	desired := TotalValueReplicas(assigned, total, targetValue, targetAverage, f.Tolerance)
	return Result{Replicas: f.toTemplate(desired, assigned), Current: total}
}

// podMetric computes a per-pod metric twice: over the fleet's pods as one
// HPA would (Karmada's answer, exact when every pod carries the same
// load), and per cluster: a cluster whose pods are busier than the
// fleet's by more than the tolerance (the traffic is not split as the
// replicas are) asks for the template count that brings it to the target
// at its current share, and the larger answer wins.
func (f Fleet) podMetric(compute func(current int32, pods []PodSample) (int32, int64, error), target float64) (Result, error) {
	var all []PodSample
	for _, c := range f.Clusters {
		if !c.Stale {
			all = append(all, c.Pods...)
		}
	}
	known := f.assigned(false)
	desired, fleetValue, err := compute(known, all)
	if err != nil {
		return Result{Replicas: f.Template}, err
	}
	out := Result{Replicas: f.toTemplate(desired, known), Current: fleetValue, ByCluster: map[string]int64{}}
	for _, c := range f.Clusters {
		if c.Stale || c.Assigned == 0 || len(c.Pods) == 0 {
			continue
		}
		_, value, err := compute(c.Assigned, c.Pods)
		if err != nil {
			continue
		}
		out.ByCluster[c.Name] = value
		ratio := float64(value) / target
		if ratio <= 1+f.Tolerance || float64(value) <= float64(fleetValue)*(1+f.Tolerance) {
			continue
		}
		if need := int32(math.Ceil(float64(f.Template) * ratio)); need > out.Replicas {
			out.Replicas, out.Hottest = need, c.Name
		}
	}
	if out.Replicas < f.Template {
		for _, c := range f.Clusters {
			if c.Stale && c.Assigned > 0 {
				out.Replicas, out.HeldByStale = f.Template, c.Name
				break
			}
		}
	}
	return out, nil
}

// assigned is the replicas the placement gives the clusters, stale ones
// included or not.
func (f Fleet) assigned(withStale bool) int32 {
	var n int32
	for _, c := range f.Clusters {
		if withStale || !c.Stale {
			n += c.Assigned
		}
	}
	return n
}

// toTemplate converts a pod count asked of the clusters that were assigned
// assigned replicas into a template count with the calibration: the pods
// the clusters are assigned per template replica (1 when divided, the
// number of clusters when duplicated). The stale clusters' share follows
// the others'.
func (f Fleet) toTemplate(pods, assigned int32) int32 {
	if f.Template <= 0 || assigned <= 0 {
		return pods
	}
	if pods == assigned {
		return f.Template
	}
	return int32(math.Ceil(float64(pods) * float64(f.Template) / float64(assigned)))
}

// Assigned is the replicas the placement gives every cluster, stale ones
// included.
func (f Fleet) Assigned() int32 { return f.assigned(true) }

// String describes the result for an event or a condition.
func (r Result) String() string {
	if r.HeldByStale != "" {
		return fmt.Sprintf("%d replicas: no scale-down while cluster %s cannot be read", r.Replicas, r.HeldByStale)
	}
	if r.Hottest != "" {
		return fmt.Sprintf("%d replicas: cluster %s is busier than the fleet's average", r.Replicas, r.Hottest)
	}
	return fmt.Sprintf("%d replicas", r.Replicas)
}
