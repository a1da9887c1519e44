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
package scheduler

import (
	"fmt"
	"time"

	"kurator.dev/kurator/internal/scheduler/framework"
)

// Move is what the stability rules decided for a governed workload, and the
// state to keep on its binding so the rules hold across restarts.
type Move struct {
	// Step says a step toward the optimum is made now; Done that it
	// reached it.
	Step, Done bool
	// SavingPercent is what the optimum would save against the decision in
	// force.
	SavingPercent float64
	Reason        string
	// SavingSince, Moving and LastStepAt are the new state.
	SavingSince time.Time
	Moving      bool
	LastStepAt  time.Time
	// RecheckAfter is when the rules may next allow a step; zero when
	// nothing waits.
	RecheckAfter time.Duration
}

// decideMove applies the stability rules: move only for a saving of at
// least MinSavingPercent that has lasted SustainFor, not within Cooldown of
// the end of the last move, one step every StepInterval.
func decideMove(o *framework.Objective, saving float64) *Move {
	s, now := o.Stability, o.Now
	mv := &Move{SavingPercent: saving, LastStepAt: s.LastStepAt}
	// The threshold decides whether a move starts; once started, it goes
	// on to the optimum while any saving is left.
	if saving < s.MinSavingPercent && (!s.Moving || saving <= 0) {
		mv.Reason = fmt.Sprintf("the optimum would save %.1f%%, below the %g%% threshold: placement stays", max(saving, 0), s.MinSavingPercent)
		return mv
	}
	mv.SavingSince = s.SavingSince
	if mv.SavingSince.IsZero() {
		mv.SavingSince = now
	}
	if s.Moving {
		if wait := s.StepInterval - now.Sub(s.LastStepAt); wait > 0 {
			mv.Moving, mv.RecheckAfter = true, wait
			mv.Reason = fmt.Sprintf("moving for a %.1f%% saving: a step every %s", saving, s.StepInterval)
			return mv
		}
		return mv.step(now, fmt.Sprintf("moving for a %.1f%% saving: a step of at most %d%% of the replicas", saving, s.MaxMovePercent))
	}
	if wait := s.SustainFor - now.Sub(mv.SavingSince); wait > 0 {
		mv.RecheckAfter = wait
		mv.Reason = fmt.Sprintf("the optimum would save %.1f%%, seen since %s: it must last %s before a move",
			saving, mv.SavingSince.UTC().Format(time.RFC3339), s.SustainFor)
		return mv
	}
	if !s.LastStepAt.IsZero() {
		if wait := s.Cooldown - now.Sub(s.LastStepAt); wait > 0 {
			mv.RecheckAfter = wait
			mv.Reason = fmt.Sprintf("the optimum would save %.1f%%, but the last move ended at %s: cooldown %s",
				saving, s.LastStepAt.UTC().Format(time.RFC3339), s.Cooldown)
			return mv
		}
	}
	return mv.step(now, fmt.Sprintf("a %.1f%% saving lasted %s: moving, at most %d%% of the replicas per step", saving, s.SustainFor, s.MaxMovePercent))
}

func (mv *Move) step(now time.Time, reason string) *Move {
	mv.Step, mv.Moving, mv.LastStepAt, mv.Reason = true, true, now, reason
	return mv
}

// finish ends a move that reached the optimum: the cooldown starts now.
func (mv *Move) finish() {
	mv.Done, mv.Moving, mv.SavingSince = true, false, time.Time{}
	mv.Reason += " (reached the optimum)"
}
