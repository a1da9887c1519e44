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
	"errors"
	"strings"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
)

// pods makes n samples of the same kind.
func pods(n int, ready, hasMetric bool, value, request int64) []PodSample {
	out := make([]PodSample, n)
	for i := range out {
		out[i] = PodSample{Ready: ready, HasMetric: hasMetric, Value: value, Request: request}
	}
	return out
}

func join(groups ...[]PodSample) []PodSample {
	var out []PodSample
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// The HPA's replica calculation: the ratio of usage to target times the
// reporting pods, nothing within the tolerance, missing pods assumed at the
// target when scaling down and idle when scaling up, pods not ready idle
// when scaling up and ignored when scaling down, and no move when the
// assumptions reverse the direction.
func TestUtilizationReplicas(t *testing.T) {
	for _, tc := range []struct {
		name      string
		current   int32
		pods      []PodSample
		target    int32
		want      int32
		wantUtil  int32
		wantError error
	}{
		{"twice the target doubles", 3, pods(3, true, true, 1000, 1000), 50, 6, 100, nil},
		{"within the tolerance", 3, pods(3, true, true, 520, 1000), 50, 3, 52, nil},
		{"just outside the tolerance", 3, pods(3, true, true, 560, 1000), 50, 4, 56, nil},
		{"half the target halves", 4, pods(4, true, true, 250, 1000), 50, 2, 25, nil},
		{"missing pod counts at the target on the way down", 4, join(pods(3, true, true, 200, 1000), pods(1, true, false, 0, 1000)), 50, 3, 20, nil},
		{"missing pod counts idle on the way up", 3, join(pods(2, true, true, 1000, 1000), pods(1, true, false, 0, 1000)), 50, 4, 100, nil},
		{"starting pods absorb a scale-up", 4, join(pods(2, true, true, 1000, 1000), pods(2, false, true, 0, 1000)), 50, 4, 100, nil},
		{"starting pods are ignored on the way down", 4, join(pods(2, true, true, 100, 1000), pods(2, false, true, 900, 1000)), 50, 1, 10, nil},
		{"assumptions reversing the direction scale nothing", 4, join(pods(1, true, true, 600, 1000), pods(3, true, false, 0, 1000)), 50, 4, 60, nil},
		{"no metric at all", 3, pods(3, true, false, 0, 1000), 50, 3, 0, ErrNoMetrics},
		{"no requests", 3, pods(3, true, true, 500, 0), 50, 3, 0, ErrNoRequests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, util, err := UtilizationReplicas(tc.current, tc.pods, tc.target, DefaultTolerance)
			if !errors.Is(err, tc.wantError) || got != tc.want || util != tc.wantUtil {
				t.Fatalf("UtilizationReplicas = %d at %d%% (%v); want %d at %d%% (%v)", got, util, err, tc.want, tc.wantUtil, tc.wantError)
			}
		})
	}
}

func TestAverageAndTotalValueReplicas(t *testing.T) {
	if got, avg, err := AverageValueReplicas(4, pods(4, true, true, 200, 0), 100, DefaultTolerance); err != nil || got != 8 || avg != 200 {
		t.Fatalf("average value twice the target: %d (average %d, %v); want 8", got, avg, err)
	}
	if got, _, err := AverageValueReplicas(4, pods(4, true, true, 105, 0), 100, DefaultTolerance); err != nil || got != 4 {
		t.Fatalf("average value within the tolerance: %d (%v); want 4", got, err)
	}
	for _, tc := range []struct {
		name                        string
		current                     int32
		total, target, targetAvgVal int64
		want                        int32
	}{
		{"average value: total over target", 4, 1000, 0, 100, 10},
		{"average value within the tolerance", 4, 420, 0, 100, 4},
		{"average value from zero replicas", 0, 250, 0, 100, 3},
		{"value: scaled by total over target", 4, 150, 100, 0, 6},
		{"value within the tolerance", 4, 108, 100, 0, 4},
	} {
		if got := TotalValueReplicas(tc.current, tc.total, tc.target, tc.targetAvgVal, DefaultTolerance); got != tc.want {
			t.Errorf("%s: %d; want %d", tc.name, got, tc.want)
		}
	}
}

// example12 is the seed's cost-aware-hpa behaviour: scale down by 50% or 5
// pods per minute, whichever is smaller.
func example12() *autoscalingv2.HorizontalPodAutoscalerBehavior {
	minChange := autoscalingv2.MinChangePolicySelect
	return &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleDown: &autoscalingv2.HPAScalingRules{
		Policies: []autoscalingv2.HPAScalingPolicy{
			{Type: autoscalingv2.PercentScalingPolicy, Value: 50, PeriodSeconds: 60},
			{Type: autoscalingv2.PodsScalingPolicy, Value: 5, PeriodSeconds: 60},
		},
		SelectPolicy: &minChange,
	}}
}

func TestNormalizeFollowsExample12sScaleDown(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	// Load gone for longer than the 5-minute stabilization window: the
	// metrics ask for the minimum, 3.
	quiet := []Recommendation{{Time: now.Add(-301 * time.Second), Replicas: 20}, {Time: now.Add(-200 * time.Second), Replicas: 3}}
	steps := []struct {
		current int32
		events  []ScaleEvent
		want    int32
	}{
		// 50% of 20 is 10, 5 pods is 15: the smaller change wins.
		{20, nil, 15},
		// Within the same minute nothing more may go.
		{15, []ScaleEvent{{Time: now.Add(-30 * time.Second), Change: -5}}, 15},
		// A minute later: 50% of 15 is 7, 5 pods is 10.
		{15, []ScaleEvent{{Time: now.Add(-61 * time.Second), Change: -5}}, 10},
		// 50% of 10 is 5, 5 pods is 5.
		{10, nil, 5},
		// Never below minReplicas.
		{5, nil, 3},
	}
	for i, s := range steps {
		got := Normalize(3, Bounds{Current: s.current, Min: 3, Max: 20, Behavior: example12(), History: quiet, Events: s.events, Now: now})
		if got.Replicas != s.want {
			t.Fatalf("step %d from %d: %d (%s); want %d", i, s.current, got.Replicas, got.Reason, s.want)
		}
	}
}

func TestNormalizeDefaults(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	// Scale up at once by 100% or 4 pods, whichever is more.
	if got := Normalize(20, Bounds{Current: 2, Min: 1, Max: 50, Now: now}); got.Replicas != 6 || !strings.Contains(got.Reason, "scale-up limited") {
		t.Fatalf("scale-up from 2: %+v; want 6, limited by the policies", got)
	}
	if got := Normalize(20, Bounds{Current: 10, Min: 1, Max: 50, Now: now}); got.Replicas != 20 {
		t.Fatalf("scale-up from 10: %+v; want 20 (100%%)", got)
	}
	// Scale down waits for the 5-minute window: a recommendation of 9 a
	// minute and a half ago holds the count at 9.
	got := Normalize(5, Bounds{Current: 10, Min: 1, Max: 50, History: []Recommendation{{Time: now.Add(-90 * time.Second), Replicas: 9}}, Now: now})
	if got.Replicas != 9 || !strings.Contains(got.Reason, "stabilized") {
		t.Fatalf("scale-down within the window: %+v; want 9, stabilized", got)
	}
	// maxReplicas caps.
	if got := Normalize(80, Bounds{Current: 40, Min: 1, Max: 50, Now: now}); got.Replicas != 50 || !strings.Contains(got.Reason, "maxReplicas") {
		t.Fatalf("above the maximum: %+v; want 50", got)
	}
}

func TestNormalizeStabilizesScaleUpAndHonoursDisabled(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	window := int32(60)
	b := &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleUp: &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: &window}}
	history := []Recommendation{{Time: now.Add(-30 * time.Second), Replicas: 12}, {Time: now.Add(-90 * time.Second), Replicas: 10}}
	if got := Normalize(15, Bounds{Current: 10, Min: 1, Max: 50, Behavior: b, History: history, Now: now}); got.Replicas != 12 {
		t.Fatalf("scale-up stabilized by a 60 s window: %+v; want 12, the lowest recent recommendation", got)
	}
	disabled := autoscalingv2.DisabledPolicySelect
	off := &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleDown: &autoscalingv2.HPAScalingRules{SelectPolicy: &disabled}}
	if got := Normalize(2, Bounds{Current: 10, Min: 1, Max: 50, Behavior: off, History: []Recommendation{{Time: now.Add(-time.Hour), Replicas: 10}}, Now: now}); got.Replicas != 10 {
		t.Fatalf("scale-down disabled: %+v; want 10", got)
	}
}
