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
package framework

import (
	"context"
	"time"

	"kurator.dev/kurator/internal/clusterproperties"
)

// Objective is what an IntelligentScheduler asks of a workload's placement
// (a Kurator extension): weighted objectives, an SLO, and the measurements
// they are judged on. Nil for workloads no IntelligentScheduler governs.
type Objective struct {
	// Weights of the objectives; zero leaves one out.
	Cost, Performance, Carbon int64
	// MinSuccessRate, above zero, is the SLO in percent: a cluster whose
	// measured success rate is below it gets no more replicas than it has.
	MinSuccessRate float64
	// SuccessRate is the workload's windowed SLI by cluster, in percent;
	// a cluster that served nothing in the window is absent.
	SuccessRate map[string]float64
	// Now is when cluster properties are read, for their freshness.
	Now time.Time
	// Stability bounds moves made for a saving alone.
	Stability Stability
}

// TotalWeight sums the weights.
func (o *Objective) TotalWeight() int64 { return o.Cost + o.Performance + o.Carbon }

// BelowSLO reports whether a cluster was measured below the SLO.
func (o *Objective) BelowSLO(cluster string) (float64, bool) {
	if o.MinSuccessRate <= 0 {
		return 0, false
	}
	rate, ok := o.SuccessRate[cluster]
	return rate, ok && rate < o.MinSuccessRate
}

// Stability is when a placement may move for a saving, and the timestamps,
// kept on the binding, that say where the workload stands.
type Stability struct {
	// MinSavingPercent is the least saving worth moving for.
	MinSavingPercent float64
	// SustainFor is how long the saving must have lasted.
	SustainFor time.Duration
	// Cooldown separates the end of one move from the next.
	Cooldown time.Duration
	// MaxMovePercent of the replicas move in one step (at least one).
	MaxMovePercent int64
	// StepInterval separates the steps of a move.
	StepInterval time.Duration
	// SavingSince is when the saving was first seen, zero if it was not.
	SavingSince time.Time
	// LastStepAt is when the last step of a move was made.
	LastStepAt time.Time
	// Moving says a move is under way.
	Moving bool
}

// Properties of the cluster, read once per snapshot at the first asker's
// time: a snapshot lives about a second.
func (c *ClusterInfo) Properties(now time.Time) clusterproperties.Properties {
	c.propsOnce.Do(func() { c.props = clusterproperties.Read(c.Cluster, now) })
	return c.props
}

// PreScorePlugin sees every feasible cluster before scoring, for scores
// relative to the others (the kube-scheduler's PreScore).
type PreScorePlugin interface {
	Plugin
	PreScore(ctx context.Context, state *CycleState, clusters []*ClusterInfo) *Status
}

// RunPreScores runs the score plugins that are also PreScore plugins.
func (f *Framework) RunPreScores(ctx context.Context, state *CycleState, clusters []*ClusterInfo) *Status {
	for _, p := range f.Scores {
		if pre, ok := p.(PreScorePlugin); ok {
			if s := pre.PreScore(ctx, state, clusters); !s.IsSuccess() {
				s.Plugin = p.Name()
				return s
			}
		}
	}
	return nil
}
