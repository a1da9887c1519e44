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
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
)

// Recommendation is a replica count the metrics asked for at a time.
type Recommendation struct {
	Time     time.Time
	Replicas int32
}

// ScaleEvent is a change of the replicas made at a time: positive up,
// negative down.
type ScaleEvent struct {
	Time   time.Time
	Change int32
}

// Bounds are what limits a recommendation: the current replicas, the
// HPA's minimum and maximum, its behaviour (nil: the defaults), and what
// happened before now.
type Bounds struct {
	Current, Min, Max int32
	Behavior          *autoscalingv2.HorizontalPodAutoscalerBehavior
	// History is the recommendations of earlier evaluations, within the
	// longest stabilization window.
	History []Recommendation
	// Events are the scale events of the longest policy period.
	Events []ScaleEvent
	Now    time.Time
}

// Limited is the outcome of Normalize: the replicas to set and why they
// differ from what the metrics asked, if they do.
type Limited struct {
	Replicas int32
	// Reason is empty when the recommendation is followed as it is.
	Reason string
}

// Normalize limits a recommendation the way the HPA does: the
// stabilization windows keep the count from moving unless every
// recommendation within the window agrees (scale-up takes the lowest of
// them, scale-down the highest), then the scaling policies bound how much
// it may change within their periods, then min and max.
func Normalize(recommended int32, b Bounds) Limited {
	behavior := WithDefaults(b.Behavior)
	stabilized := stabilize(recommended, b, behavior)
	out := Limited{Replicas: stabilized}
	if stabilized != recommended {
		out.Reason = fmt.Sprintf("stabilized at %d: recent recommendations within the stabilization window ask no further", stabilized)
	}
	if up := scaleUpLimit(b.Current, b.Events, b.Now, behavior.ScaleUp); out.Replicas > up {
		out.Replicas, out.Reason = up, fmt.Sprintf("scale-up limited to %d by the scale-up policies", up)
	}
	if down := scaleDownLimit(b.Current, b.Events, b.Now, behavior.ScaleDown); out.Replicas < down {
		out.Replicas, out.Reason = down, fmt.Sprintf("scale-down limited to %d by the scale-down policies", down)
	}
	switch {
	case out.Replicas > b.Max:
		out.Replicas, out.Reason = b.Max, fmt.Sprintf("capped at maxReplicas %d", b.Max)
	case out.Replicas < b.Min:
		out.Replicas, out.Reason = b.Min, fmt.Sprintf("raised to minReplicas %d", b.Min)
	}
	return out
}

// WithDefaults fills what a behaviour leaves out with the HPA's defaults:
// scale up by 100% or 4 pods per 15 s, whichever is more, at once; scale
// down by up to 100% per 15 s after a 300 s stabilization window.
func WithDefaults(in *autoscalingv2.HorizontalPodAutoscalerBehavior) autoscalingv2.HorizontalPodAutoscalerBehavior {
	out := autoscalingv2.HorizontalPodAutoscalerBehavior{}
	if in != nil {
		out = *in.DeepCopy()
	}
	maxPolicy := autoscalingv2.MaxChangePolicySelect
	if out.ScaleUp == nil {
		out.ScaleUp = &autoscalingv2.HPAScalingRules{}
	}
	if out.ScaleUp.StabilizationWindowSeconds == nil {
		out.ScaleUp.StabilizationWindowSeconds = ptrTo[int32](0)
	}
	if out.ScaleUp.SelectPolicy == nil {
		out.ScaleUp.SelectPolicy = &maxPolicy
	}
	if len(out.ScaleUp.Policies) == 0 {
		out.ScaleUp.Policies = []autoscalingv2.HPAScalingPolicy{
			{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15},
			{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
		}
	}
	if out.ScaleDown == nil {
		out.ScaleDown = &autoscalingv2.HPAScalingRules{}
	}
	if out.ScaleDown.StabilizationWindowSeconds == nil {
		out.ScaleDown.StabilizationWindowSeconds = ptrTo[int32](300)
	}
	if out.ScaleDown.SelectPolicy == nil {
		out.ScaleDown.SelectPolicy = &maxPolicy
	}
	if len(out.ScaleDown.Policies) == 0 {
		out.ScaleDown.Policies = []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15}}
	}
	return out
}

// stabilize moves the current count toward the recommendation only as far
// as every recommendation within each window allows.
func stabilize(recommended int32, b Bounds, behavior autoscalingv2.HorizontalPodAutoscalerBehavior) int32 {
	up, down := recommended, recommended
	upSince := b.Now.Add(-seconds(*behavior.ScaleUp.StabilizationWindowSeconds))
	downSince := b.Now.Add(-seconds(*behavior.ScaleDown.StabilizationWindowSeconds))
	for _, r := range b.History {
		if r.Time.After(upSince) {
			up = min(up, r.Replicas)
		}
		if r.Time.After(downSince) {
			down = max(down, r.Replicas)
		}
	}
	out := b.Current
	if out < up {
		out = up
	}
	if out > down {
		out = down
	}
	return out
}

// scaleUpLimit is the most replicas the scale-up policies allow now.
func scaleUpLimit(current int32, events []ScaleEvent, now time.Time, rules *autoscalingv2.HPAScalingRules) int32 {
	return max(policyLimit(events, now, rules, current, true), current)
}

// scaleDownLimit is the fewest replicas the scale-down policies allow now.
func scaleDownLimit(current int32, events []ScaleEvent, now time.Time, rules *autoscalingv2.HPAScalingRules) int32 {
	return min(policyLimit(events, now, rules, current, false), current)
}

// policyLimit is the count the policies let the replicas reach in one
// direction: each policy proposes one from the count at the start of its
// period, and selectPolicy takes the largest change (Max) or the smallest
// (Min); Disabled allows none.
func policyLimit(events []ScaleEvent, now time.Time, rules *autoscalingv2.HPAScalingRules, current int32, up bool) int32 {
	selected := *rules.SelectPolicy
	if selected == autoscalingv2.DisabledPolicySelect {
		return current
	}
	var limit int32
	for i, p := range rules.Policies {
		added, removed := changes(events, now, p.PeriodSeconds)
		start := current - added + removed
		var proposed int32
		switch {
		case p.Type == autoscalingv2.PodsScalingPolicy && up:
			proposed = start + p.Value
		case p.Type == autoscalingv2.PodsScalingPolicy:
			proposed = start - p.Value
		case up:
			proposed = int32(math.Ceil(float64(start) * (1 + float64(p.Value)/100)))
		default:
			proposed = int32(float64(start) * (1 - float64(p.Value)/100))
		}
		// Up, the largest change is the most replicas; down, the fewest.
		largest := (proposed > limit) == up
		if i == 0 || largest == (selected == autoscalingv2.MaxChangePolicySelect) {
			limit = proposed
		}
	}
	return limit
}

// changes sums the replicas added and removed within the last period.
func changes(events []ScaleEvent, now time.Time, periodSeconds int32) (added, removed int32) {
	since := now.Add(-seconds(periodSeconds))
	for _, e := range events {
		if !e.Time.After(since) {
			continue
		}
		if e.Change > 0 {
			added += e.Change
		} else {
			removed -= e.Change
		}
	}
	return added, removed
}

func seconds(n int32) time.Duration { return time.Duration(n) * time.Second }

func ptrTo[T any](v T) *T { return &v }
