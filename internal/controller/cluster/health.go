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
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// Health is what one probe of a member observed.
type Health string

const (
	// Healthy means /readyz answered ok.
	Healthy Health = "Healthy"
	// Unhealthy means the API server answered, but not ok.
	Unhealthy Health = "Unhealthy"
	// Unreachable means the API server did not answer.
	Unreachable Health = "Unreachable"
)

// Thresholds damp flapping: an observed change of health is published only
// after it has held for the threshold.
type Thresholds struct {
	// Failure is how long Unhealthy/Unreachable must hold before a Ready
	// cluster is published as not ready.
	Failure time.Duration
	// Success is how long Healthy must hold before a not-ready cluster is
	// published as Ready.
	Success time.Duration
}

type observation struct {
	health Health
	since  time.Time
}

// healthTracker remembers, per cluster, the current observed health and when
// it started, and decides what to publish.
type healthTracker struct {
	clock      clock.PassiveClock
	thresholds Thresholds
	mu         sync.Mutex
	observed   map[string]observation
}

func newHealthTracker(c clock.PassiveClock, t Thresholds) *healthTracker {
	return &healthTracker{clock: c, thresholds: t, observed: map[string]observation{}}
}

// observe records a probe result and returns the health to publish, given
// the currently published health (empty when nothing was published yet),
// and how long to wait before the decision could change.
func (t *healthTracker) observe(cluster string, probed, published Health) (Health, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	obs, ok := t.observed[cluster]
	if !ok || obs.health != probed {
		obs = observation{health: probed, since: now}
		t.observed[cluster] = obs
	}
	if published == "" || published == probed {
		return probed, 0
	}
	threshold := t.thresholds.Failure
	if probed == Healthy {
		threshold = t.thresholds.Success
	}
	if published != Healthy && probed != Healthy {
		// Between the two not-ready flavours, follow at once: the cluster is
		// not ready either way and the reason should be current.
		return probed, 0
	}
	if held := now.Sub(obs.since); held < threshold {
		return published, threshold - held
	}
	return probed, 0
}

func (t *healthTracker) forget(cluster string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.observed, cluster)
}
