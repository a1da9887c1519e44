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

package weights

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Guards bound how fast and how often weights in force follow the targets.
type Guards struct {
	// MinWeight is the least weight, in points, of every cluster that can
	// serve. It is lowered to 100/n when n serving clusters cannot all have it.
	MinWeight int32
	// Hysteresis is the smallest distance, in points, between target and
	// weight in force that starts a move.
	Hysteresis int32
	// Cooldown is the least time between two changes, drains excepted.
	Cooldown time.Duration
	// MaxStep is the most points any cluster moves in one decision, drains excepted.
	MaxStep int32
	// RecoverySteps is the least number of decisions a Recovering cluster
	// takes to climb from 0 to its target.
	RecoverySteps int32
}

// DefaultGuards returns the guards used when a policy sets none.
func DefaultGuards() Guards {
	return Guards{
		MinWeight:     0,
		Hysteresis:    5,
		Cooldown:      30 * time.Second,
		MaxStep:       20,
		RecoverySteps: 3,
	}
}

// Validate reports guards that would make the law meaningless, such as a
// MaxStep of 0 that would freeze every weight for good.
func (g Guards) Validate() error {
	var errs []error
	if g.MinWeight < 0 || g.MinWeight > 100 {
		errs = append(errs, fmt.Errorf("minWeight %d is outside 0..100", g.MinWeight))
	}
	if g.Hysteresis < 0 || g.Hysteresis > 100 {
		errs = append(errs, fmt.Errorf("hysteresis %d is outside 0..100", g.Hysteresis))
	}
	if g.Cooldown < 0 {
		errs = append(errs, fmt.Errorf("cooldown %s is negative", g.Cooldown))
	}
	if g.MaxStep < 1 || g.MaxStep > 100 {
		errs = append(errs, fmt.Errorf("maxStep %d is outside 1..100", g.MaxStep))
	}
	if g.RecoverySteps < 1 {
		errs = append(errs, fmt.Errorf("recoverySteps %d is below 1", g.RecoverySteps))
	}
	return errors.Join(errs...)
}

// ClusterInput is one cluster's inputs and its previous state from status.
type ClusterInput struct {
	Name string
	// Base is the cluster's share before health: replica count or explicit
	// weight, any non-negative scale.
	Base float64
	// Health is in [0,1]; 0 means the cluster must drain.
	Health float64
	// Reasons say why Health is what it is; they are copied to the output.
	Reasons []string

	// Known is false when the cluster has no weight in force yet.
	Known bool
	// Weight is the weight in force, read only when Known.
	Weight int32
	// Recovering is the previous decision's Recovering, read only when Known.
	Recovering bool
}

// Input is everything one decision needs besides the current time.
type Input struct {
	Clusters []ClusterInput
	// LastChange is when the weights in force were last changed; zero if never.
	LastChange time.Time
	Guards     Guards
}

// ClusterOutput is one cluster's decided weight.
type ClusterOutput struct {
	Name string
	// Weight is the weight to put in force.
	Weight int32
	// Target is the unguarded ideal the weight is moving toward.
	Target int32
	// Recovering is true while the cluster ramps back up to its target.
	Recovering bool
	// Reasons are the input reasons followed by the guards that held the weight back.
	Reasons []string
}

// Summary values say what a decision did, for a status condition reason.
const (
	// SummaryNoClusters: the input had no cluster.
	SummaryNoClusters = "NoClusters"
	// SummaryNoHealthyCluster: no cluster can serve, weights kept (or taken from base).
	SummaryNoHealthyCluster = "NoHealthyCluster"
	// SummaryInitial: first decision, weights set to the targets.
	SummaryInitial = "Initial"
	// SummaryDrained: clusters drained or removed, their weight given to the others.
	SummaryDrained = "Drained"
	// SummaryCooldown: a move is pending until NextEvaluation.
	SummaryCooldown = "Cooldown"
	// SummaryHysteresis: every weight is close enough to its target.
	SummaryHysteresis = "Hysteresis"
	// SummaryMoved: weights moved toward the targets.
	SummaryMoved = "Moved"
	// SummaryConverged: every weight equals its target.
	SummaryConverged = "Converged"
)

// Decision is the outcome of one evaluation of the law.
type Decision struct {
	// Clusters are sorted by name.
	Clusters []ClusterOutput
	// Changed is true when any weight differs from the one in force.
	Changed bool
	// LastChange is now when Changed, else the input's LastChange.
	LastChange time.Time
	// NextEvaluation is when the next move may start if one is pending; zero otherwise.
	NextEvaluation time.Time
	// Summary is one of the Summary constants.
	Summary string
}

func (in Input) validate() error {
	errs := []error{in.Guards.Validate()}
	seen := make(map[string]bool, len(in.Clusters))
	for _, c := range in.Clusters {
		switch {
		case c.Name == "":
			errs = append(errs, errors.New("a cluster has no name"))
		case seen[c.Name]:
			errs = append(errs, fmt.Errorf("cluster %q is listed twice", c.Name))
		}
		seen[c.Name] = true
		// Written as negations so NaN fails them too.
		if !(c.Base >= 0) || math.IsInf(c.Base, 1) {
			errs = append(errs, fmt.Errorf("cluster %q: base %v is not a finite non-negative number", c.Name, c.Base))
		}
		if !(c.Health >= 0 && c.Health <= 1) {
			errs = append(errs, fmt.Errorf("cluster %q: health %v is outside [0,1]", c.Name, c.Health))
		}
		if c.Known && (c.Weight < 0 || c.Weight > 100) {
			errs = append(errs, fmt.Errorf("cluster %q: weight in force %d is outside 0..100", c.Name, c.Weight))
		}
	}
	return errors.Join(errs...)
}
