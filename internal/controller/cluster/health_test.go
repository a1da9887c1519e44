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
package cluster

import (
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"
)

func TestHealthTrackerDampsChanges(t *testing.T) {
	type step struct {
		advance   time.Duration
		probed    Health
		published Health
		want      Health
		wantWait  time.Duration
	}
	cases := map[string][]step{
		"first observation is published at once": {
			{probed: Unreachable, published: "", want: Unreachable},
		},
		"failure must hold for the failure threshold": {
			{probed: Healthy, published: Healthy, want: Healthy},
			{advance: time.Second, probed: Unreachable, published: Healthy, want: Healthy, wantWait: 5 * time.Second},
			{advance: 3 * time.Second, probed: Unreachable, published: Healthy, want: Healthy, wantWait: 2 * time.Second},
			{advance: 2 * time.Second, probed: Unreachable, published: Healthy, want: Unreachable},
		},
		"a blip shorter than the threshold is ignored and resets the timer": {
			{probed: Unreachable, published: Healthy, want: Healthy, wantWait: 5 * time.Second},
			{advance: 4 * time.Second, probed: Healthy, published: Healthy, want: Healthy},
			{advance: time.Second, probed: Unreachable, published: Healthy, want: Healthy, wantWait: 5 * time.Second},
		},
		"recovery must hold for the success threshold": {
			{probed: Healthy, published: Unreachable, want: Unreachable, wantWait: 3 * time.Second},
			{advance: 3 * time.Second, probed: Healthy, published: Unreachable, want: Healthy},
		},
		"switching between not-ready flavours is immediate": {
			{probed: Unhealthy, published: Unreachable, want: Unhealthy},
		},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			clock := clocktesting.NewFakePassiveClock(time.Unix(1000, 0))
			tr := newHealthTracker(clock, Thresholds{Failure: 5 * time.Second, Success: 3 * time.Second})
			for i, s := range steps {
				clock.SetTime(clock.Now().Add(s.advance))
				got, wait := tr.observe("c", s.probed, s.published)
				if got != s.want || wait != s.wantWait {
					t.Fatalf("step %d: got (%s, %s), want (%s, %s)", i, got, wait, s.want, s.wantWait)
				}
			}
		})
	}
}
