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
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Compute decides the weights to put in force for one route target. It reads
// no clock: now is the decision time, and the previous decision comes in
// through in.LastChange and each cluster's Known, Weight and Recovering.
// It fails only on invalid input (see Guards.Validate; names must be unique
// and non-empty, Base finite and non-negative, Health in [0,1]).
func Compute(in Input, now time.Time) (Decision, error) {
	if err := in.validate(); err != nil {
		return Decision{}, err
	}
	if len(in.Clusters) == 0 {
		return Decision{LastChange: in.LastChange, Summary: SummaryNoClusters}, nil
	}
	e := newEvaluation(in, now)
	switch {
	case !e.targets.serving:
		e.failStatic()
	case !e.anyKnown:
		e.initial()
	case e.needsDrain():
		e.drain()
	default:
		e.guardedMove()
	}
	return e.decision(), nil
}

// evaluation is the working state of one Compute call; slices are indexed
// like clusters, which are sorted by name.
type evaluation struct {
	guards     Guards
	now        time.Time
	lastChange time.Time
	clusters   []ClusterInput
	anyKnown   bool
	inForce    []int32
	targets    targets
	weights    []int32
	recovering []bool
	reasons    [][]string
	summary    string
	// nextEvaluation is set by the cooldown hold; decision() sets it otherwise.
	nextEvaluation time.Time
}

func newEvaluation(in Input, now time.Time) *evaluation {
	clusters := slices.Clone(in.Clusters)
	slices.SortFunc(clusters, func(a, b ClusterInput) int { return strings.Compare(a.Name, b.Name) })
	n := len(clusters)
	e := &evaluation{
		guards:     in.Guards,
		now:        now,
		lastChange: in.LastChange,
		clusters:   clusters,
		inForce:    make([]int32, n),
		targets:    computeTargets(clusters, in.Guards.MinWeight),
		recovering: make([]bool, n),
		reasons:    make([][]string, n),
	}
	for i, c := range clusters {
		if c.Known {
			e.anyKnown = true
			e.inForce[i] = c.Weight
		}
		e.reasons[i] = slices.Clone(c.Reasons)
	}
	for i, c := range clusters {
		// A cluster that appears next to clusters already serving ramps in
		// from 0 instead of taking its whole target at once.
		e.recovering[i] = (c.Known && c.Recovering) || (!c.Known && e.anyKnown)
		if !e.targets.serving {
			continue
		}
		// A cluster that cannot serve will ramp back once it can.
		if c.Health == 0 {
			e.recovering[i] = true
		}
		if e.targets.floored[i] {
			e.addReason(i, "floor %d", e.targets.floor)
		}
	}
	return e
}

func (e *evaluation) addReason(i int, format string, args ...any) {
	e.reasons[i] = append(e.reasons[i], fmt.Sprintf(format, args...))
}

// failStatic keeps the weights in force when no cluster can serve: sending
// traffic somewhere lets Envoy's outlier detection find what still works,
// sending it nowhere fails every request.
func (e *evaluation) failStatic() {
	e.summary = SummaryNoHealthyCluster
	total := sum32(e.inForce)
	if total > 0 {
		shares := make([]float64, len(e.clusters))
		for i, w := range e.inForce {
			shares[i] = float64(w) * 100 / float64(total)
		}
		e.weights = apportion(shares, 100)
		for i := range e.clusters {
			e.addReason(i, "no cluster can serve: weights in force kept")
		}
		return
	}
	// Nothing in force yet: the base is the only opinion there is.
	var baseTotal float64
	for _, c := range e.clusters {
		baseTotal += c.Base
	}
	shares := make([]float64, len(e.clusters))
	for i, c := range e.clusters {
		if baseTotal > 0 {
			shares[i] = 100 * c.Base / baseTotal
		} else {
			shares[i] = 100 / float64(len(e.clusters))
		}
		e.addReason(i, "no cluster can serve: weights follow base")
	}
	e.weights = apportion(shares, 100)
}

// initial puts the targets in force: with nothing in force there is nothing
// to guard.
func (e *evaluation) initial() {
	e.summary = SummaryInitial
	e.weights = slices.Clone(e.targets.points)
}

// needsDrain reports a cluster that must lose its weight now, or weights in
// force that do not add up to 100 because a cluster left the input.
func (e *evaluation) needsDrain() bool {
	for i, c := range e.clusters {
		if c.Health == 0 && e.inForce[i] > 0 {
			return true
		}
	}
	return sum32(e.inForce) != 100
}

// drain zeroes the clusters that cannot serve and hands the freed points to
// the others in proportion to their targets, ignoring every guard: half a
// drain still sends users to a broken cluster.
func (e *evaluation) drain() {
	e.summary = SummaryDrained
	n := len(e.clusters)
	kept := slices.Clone(e.inForce)
	for i, c := range e.clusters {
		if c.Health == 0 {
			if kept[i] > 0 {
				e.addReason(i, "drained")
			}
			kept[i] = 0
		}
	}
	shares := make([]float64, n)
	total := sum32(kept)
	if total > 100 {
		// Only from a corrupted status; scale back rather than refuse.
		for i, w := range kept {
			shares[i] = float64(w) * 100 / float64(total)
		}
		e.weights = apportion(shares, 100)
		return
	}
	// Recovering clusters are still ramping; the freed points go to them only
	// when no one else can take them.
	steady := make([]bool, n)
	serving := make([]bool, n)
	for i := range e.clusters {
		serving[i] = e.targets.points[i] > 0
		steady[i] = serving[i] && !e.recovering[i]
	}
	freed := proportions(float64(100-total), firstNonEmpty(steady, serving), e.targets.points)
	for i, w := range kept {
		shares[i] = float64(w) + freed[i]
	}
	e.weights = apportion(shares, 100)
	for i := range e.clusters {
		if gain := e.weights[i] - e.inForce[i]; gain > 0 {
			e.addReason(i, "took %d points freed by drained or removed clusters", gain)
		}
	}
}

// guardedMove applies hysteresis, cooldown, recovery and step limits.
func (e *evaluation) guardedMove() {
	e.settleRecovering(e.inForce)
	e.weights = slices.Clone(e.inForce)
	if !e.pending(e.inForce) {
		e.summary = SummaryConverged
		for i, w := range e.inForce {
			if t := e.targets.points[i]; t != w {
				e.summary = SummaryHysteresis
				e.addReason(i, "held by hysteresis (target %d, in force %d)", t, w)
			}
		}
		return
	}
	if cooldownEnd := e.lastChange.Add(e.guards.Cooldown); e.now.Before(cooldownEnd) {
		e.summary = SummaryCooldown
		e.nextEvaluation = cooldownEnd
		for i, w := range e.inForce {
			if e.targets.points[i] != w {
				e.addReason(i, "cooldown until %s", cooldownEnd.UTC().Format("15:04:05Z07:00"))
			}
		}
		return
	}
	e.move()
}

// pending reports whether weights are far enough from the targets to move:
// a Recovering cluster below its target always is.
func (e *evaluation) pending(weights []int32) bool {
	threshold := max(e.guards.Hysteresis, 1)
	for i, w := range weights {
		gap := e.targets.points[i] - w
		if (e.recovering[i] && gap > 0) || abs32(gap) >= threshold {
			return true
		}
	}
	return false
}

// settleRecovering ends the ramp of every cluster that can serve and has
// reached its target.
func (e *evaluation) settleRecovering(weights []int32) {
	for i, c := range e.clusters {
		if c.Health > 0 && weights[i] >= e.targets.points[i] {
			e.recovering[i] = false
		}
	}
}

func (e *evaluation) decision() Decision {
	e.settleRecovering(e.weights)
	d := Decision{
		Clusters:       make([]ClusterOutput, len(e.clusters)),
		LastChange:     e.lastChange,
		NextEvaluation: e.nextEvaluation,
		Summary:        e.summary,
	}
	for i, c := range e.clusters {
		d.Clusters[i] = ClusterOutput{
			Name:       c.Name,
			Weight:     e.weights[i],
			Target:     e.targets.points[i],
			Recovering: e.recovering[i],
			Reasons:    e.reasons[i],
		}
		if e.weights[i] != e.inForce[i] {
			d.Changed = true
		}
	}
	if d.Changed {
		d.LastChange = e.now
		if e.targets.serving && e.pending(e.weights) {
			d.NextEvaluation = e.now.Add(e.guards.Cooldown)
		}
	}
	return d
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

func ceilDiv(a, b int32) int32 {
	return int32(math.Ceil(float64(a) / float64(b)))
}

// firstNonEmpty returns the first selection that selects anything, else the last.
func firstNonEmpty(selections ...[]bool) []bool {
	for _, s := range selections {
		if slices.Contains(s, true) {
			return s
		}
	}
	return selections[len(selections)-1]
}
