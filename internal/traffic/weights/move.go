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

import "math"

// move steps every weight toward its target, never past it: Recovering
// clusters climb at most ceil(target / RecoverySteps), the points they leave
// stay with the clusters that were to give them up, and one common factor
// scales all moves so none exceeds MaxStep. A common factor keeps the total
// at 100.
func (e *evaluation) move() {
	e.summary = SummaryMoved
	n := len(e.clusters)
	points := e.targets.points
	delta := make([]float64, n)
	capped := make([]bool, n)
	var left float64
	for i, w := range e.inForce {
		gap := points[i] - w
		delta[i] = float64(gap)
		if limit := ceilDiv(points[i], e.guards.RecoverySteps); e.recovering[i] && gap > limit {
			delta[i] = float64(limit)
			capped[i] = true
			left += float64(gap - limit)
		}
	}
	if left > 0 {
		// The clusters that were to make room keep what the ramp did not
		// take, each in proportion to the room it was to make, so none of
		// them moves away from its target.
		shrinking := make([]bool, n)
		room := make([]int32, n)
		for i, w := range e.inForce {
			room[i] = max(w-points[i], 0)
			shrinking[i] = room[i] > 0
		}
		kept := proportions(left, shrinking, room)
		for i := range delta {
			delta[i] += kept[i]
		}
	}

	var largest float64
	for _, d := range delta {
		largest = math.Max(largest, math.Abs(d))
	}
	factor := 1.0
	if maxStep := float64(e.guards.MaxStep); largest > maxStep {
		factor = maxStep / largest
	}
	shares := make([]float64, n)
	for i, w := range e.inForce {
		shares[i] = float64(w) + factor*delta[i]
	}
	e.weights = apportion(shares, 100)

	for i, w := range e.weights {
		if factor < 1 && delta[i] != 0 && w != points[i] {
			e.addReason(i, "step limited to %d", e.guards.MaxStep)
		}
		if e.recovering[i] && points[i] > 0 && w > 0 {
			limit := ceilDiv(points[i], e.guards.RecoverySteps)
			step := min(max(ceilDiv(w, limit), 1), e.guards.RecoverySteps)
			e.addReason(i, "recovering: step %d of %d", step, e.guards.RecoverySteps)
		}
	}
}
