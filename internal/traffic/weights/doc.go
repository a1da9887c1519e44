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

// Package weights is the law that splits one route target's traffic (a host,
// or one subset of it) across the clusters that serve it. It is pure: it reads
// no clock and does no I/O; the caller passes the previous decision and "now".
//
// Every cluster i brings a base weight (replica counts such as 6/4, or
// explicit weights such as 80/20; the scale does not matter) and a health in
// [0,1], where 0 means the cluster must not receive traffic (NotReady, SLO
// breached, no available replicas). Its ideal share, the target, is
// base × health, renormalised so the targets add up to 100. Targets are
// integers: each gets the floor of its exact share, and the points left over
// go one each to the largest remainders, ties to the alphabetically first
// cluster name, so the same inputs always give the same split (1/1/1 gives
// 34/33/33). A floor (MinWeight) lifts every cluster that can serve to at
// least that many points, taken from the others in proportion.
//
// Weights in force do not jump to the targets; guards decide, in this order:
//
//   - No cluster can serve (every target is 0): the weights in force are kept
//     ("fail static"). Envoy's own outlier detection does better with some
//     endpoints than with none. If nothing is in force yet, weights follow the
//     base alone.
//   - First decision (no cluster has a weight in force): weights are the targets.
//   - Drain: a cluster with health 0 and weight in force drops to 0 at once,
//     whatever the other guards say, and a cluster that left the input is gone.
//     The freed points go to the others in proportion to their targets, in the
//     same decision and without a step limit. The drained cluster is marked
//     Recovering, so it ramps back rather than jumping back.
//   - Hysteresis: if every cluster is within Hysteresis points of its target
//     (default 5), nothing moves. A Recovering cluster below its target does
//     not count as within: its ramp continues.
//   - Cooldown: no move starts until Cooldown (default 30s) after the last
//     change; Decision.NextEvaluation says when.
//   - Move: every cluster moves toward its target, never past it. A
//     Recovering cluster rises by at most ceil(target / RecoverySteps) per
//     decision (default 3 steps, so 0 → 60 goes 20, 40, 60, one cooldown
//     apart); the points it cannot take stay with the clusters that were to
//     give them up, in proportion to how much each was to give. Then all moves
//     are scaled by one factor so none exceeds MaxStep points (default 20);
//     one factor keeps the total at 100. A cluster stops Recovering when it
//     reaches its target. A cluster that appears while others have weights
//     starts Recovering from 0.
//
// Weights always add up to exactly 100 when the input has any cluster.
//
// Combine multiplies the user's subset weights (v1 90, v2 10) with each
// subset's per-cluster weights from Compute into one route whose entries add
// up to 100; a subset with no serving cluster hands its share to the others.
//
// docs/traffic-weights.md explains why the guards exist and walks through an
// example.
package weights
