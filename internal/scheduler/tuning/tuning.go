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

// Package tuning holds the scheduler's settings that change while it runs
// (a KarmadaConfig's): the controllers read them at every decision, sync
// or snapshot, and the KarmadaConfig controller writes them.
package tuning

import (
	"sync"
	"time"
)

// Values are the settings in force.
type Values struct {
	// Parallelism is how many bindings are decided at once.
	Parallelism int32
	// PercentOfClustersToScore is the share of feasible clusters scored
	// (0: kube-scheduler's adaptive share; 100: all).
	PercentOfClustersToScore int32
	// CacheSyncTimeout bounds the first list of a member's node and pod
	// informers.
	CacheSyncTimeout time.Duration
	// EstimatorTimeout bounds the wait for a member's node data when the
	// scheduler builds its view of the fleet.
	EstimatorTimeout time.Duration
}

// DefaultEstimatorTimeout is Karmada's --scheduler-estimator-timeout.
const DefaultEstimatorTimeout = 3 * time.Second

// Tuning is the shared, concurrency-safe holder of the settings in force,
// with the limiter that enforces Parallelism.
type Tuning struct {
	defaults Values
	limiter  *Limiter

	mu     sync.RWMutex
	values Values
}

// New starts at defaults. defaults.Parallelism is also the most that any
// setting may allow: the number of workers deciding.
func New(defaults Values) *Tuning {
	return &Tuning{defaults: defaults, values: defaults, limiter: NewLimiter(int(defaults.Parallelism))}
}

// Defaults are the values without a KarmadaConfig.
func (t *Tuning) Defaults() Values { return t.defaults }

// Values are the settings in force.
func (t *Tuning) Values() Values {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.values
}

// Apply puts v in force. Parallelism above the defaults' is capped to it.
func (t *Tuning) Apply(v Values) {
	v.Parallelism = min(max(v.Parallelism, 1), t.defaults.Parallelism)
	t.mu.Lock()
	t.values = v
	t.mu.Unlock()
	t.limiter.Resize(int(v.Parallelism))
}

// Limiter enforces Parallelism.
func (t *Tuning) Limiter() *Limiter { return t.limiter }

// PercentOfClustersToScore is read by the scheduler at every decision.
func (t *Tuning) PercentOfClustersToScore() int32 { return t.Values().PercentOfClustersToScore }

// CacheSyncTimeout is read when a member's informers start syncing.
func (t *Tuning) CacheSyncTimeout() time.Duration { return t.Values().CacheSyncTimeout }

// EstimatorTimeout is read when the scheduler builds its view of the fleet.
func (t *Tuning) EstimatorTimeout() time.Duration { return t.Values().EstimatorTimeout }
