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

package tuning

import (
	"context"
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Limiter bounds how many decisions run at once. Its limit can change while
// decisions run: a new limit applies to the acquisitions that follow, and
// decisions already holding a slot finish.
type Limiter struct {
	mu       sync.Mutex
	limit    int
	inFlight int
	waiting  int
	// freed is closed, and replaced, whenever a waiter may now get a slot
	// (a release, or a larger limit): every waiter looks again.
	freed chan struct{}

	limitGauge, inFlightGauge prometheus.Gauge
}

// NewLimiter returns a Limiter of limit slots (at least one).
func NewLimiter(limit int) *Limiter {
	return &Limiter{limit: max(limit, 1), freed: make(chan struct{})}
}

// Export keeps the gauges at the limit and the number of slots held.
func (l *Limiter) Export(limit, inFlight prometheus.Gauge) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limitGauge, l.inFlightGauge = limit, inFlight
	l.observe()
}

// Acquire waits for a slot, or for ctx to end (then it returns an error and
// no release). The returned release frees the slot; calling it more than
// once frees it once.
func (l *Limiter) Acquire(ctx context.Context) (release func(), err error) {
	for {
		l.mu.Lock()
		if l.inFlight < l.limit {
			l.inFlight++
			l.observe()
			l.mu.Unlock()
			var once sync.Once
			return func() { once.Do(l.release) }, nil
		}
		freed := l.freed
		l.waiting++
		l.mu.Unlock()
		select {
		case <-freed:
			l.mu.Lock()
			l.waiting--
			l.mu.Unlock()
		case <-ctx.Done():
			l.mu.Lock()
			l.waiting--
			limit := l.limit
			l.mu.Unlock()
			return nil, fmt.Errorf("waiting for one of %d decision slots: %w", limit, ctx.Err())
		}
	}
}

func (l *Limiter) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	l.observe()
	l.wake()
}

// Resize sets the limit (at least one).
func (l *Limiter) Resize(limit int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	limit = max(limit, 1)
	grew := limit > l.limit
	l.limit = limit
	l.observe()
	if grew {
		l.wake()
	}
}

// Limit is the number of slots.
func (l *Limiter) Limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}

// InFlight is the number of slots held.
func (l *Limiter) InFlight() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inFlight
}

// wake lets every waiter look again; l.mu is held.
func (l *Limiter) wake() {
	if l.waiting == 0 {
		return
	}
	close(l.freed)
	l.freed = make(chan struct{})
}

// observe updates the gauges; l.mu is held.
func (l *Limiter) observe() {
	if l.limitGauge != nil {
		l.limitGauge.Set(float64(l.limit))
	}
	if l.inFlightGauge != nil {
		l.inFlightGauge.Set(float64(l.inFlight))
	}
}
