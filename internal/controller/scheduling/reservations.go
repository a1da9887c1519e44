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
package scheduling

import (
	"sync"
	"time"

	"k8s.io/utils/clock"

	"kurator.dev/kurator/internal/scheduler/estimator"
)

// reservations remember replicas just placed on clusters whose pods may not
// exist yet, so the next decision does not count that room as free. Only the
// increase over the previous decision is reserved, for a short while.
type reservations struct {
	clock clock.PassiveClock
	ttl   time.Duration

	mu     sync.Mutex
	byWork map[string]reservation
}

type reservation struct {
	req      estimator.Requirements
	clusters map[string]int64
	expires  time.Time
}

// others returns, per cluster, what other bindings have reserved.
func (r *reservations) others(binding string) map[string][]estimator.Reservation {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	out := map[string][]estimator.Reservation{}
	for k, res := range r.byWork {
		if now.After(res.expires) {
			delete(r.byWork, k)
			continue
		}
		if k == binding {
			continue
		}
		for c, n := range res.clusters {
			out[c] = append(out[c], estimator.Reservation{Requirements: res.req, Replicas: n})
		}
	}
	return out
}

// record reserves the increase of a binding's decision.
func (r *reservations) record(binding string, req estimator.Requirements, previous, decided map[string]int64) {
	grown := map[string]int64{}
	for c, n := range decided {
		if d := n - previous[c]; d > 0 {
			grown[c] = d
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(grown) == 0 {
		delete(r.byWork, binding)
		return
	}
	r.byWork[binding] = reservation{req: req, clusters: grown, expires: r.clock.Now().Add(r.ttl)}
}

func (r *reservations) forget(binding string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.byWork, binding)
}
