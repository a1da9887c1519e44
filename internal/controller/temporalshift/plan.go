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

package temporalshift

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"kurator.dev/kurator/internal/timeshift"
)

// Phases of a deferrable Job, the first word of its shift-status and the
// reason of the event announcing them.
const (
	PhaseInvalid            = "Invalid"
	PhaseNotSuspended       = "NotSuspended"
	PhaseWaitingForDecision = "WaitingForDecision"
	PhasePlanned            = "Planned"
	PhaseStarted            = "Started"
)

// status is a phase with its explanation, as shift-status shows it.
type status struct {
	phase, message string
}

func (s status) String() string { return s.phase + ": " + s.message }

// eventType: problems the user must fix are warnings.
func (s status) eventType() string {
	if s.phase == PhaseInvalid || s.phase == PhaseNotSuspended {
		return corev1.EventTypeWarning
	}
	return corev1.EventTypeNormal
}

// recorded is the decision written on a Job, if any.
type recorded struct {
	start time.Time
	basis string
	ok    bool
}

func recordedPlan(annotations map[string]string) recorded {
	t, err := time.Parse(time.RFC3339, annotations[timeshift.StartAt])
	if err != nil {
		return recorded{}
	}
	return recorded{start: t, basis: annotations[timeshift.ShiftBasis], ok: true}
}

// needsChoice says whether to choose (again): there is no decision yet,
// or one still in the future was made on other inputs than the current
// ones, or it no longer meets the deadline. A forecast that went away
// (stale, removed) leaves a decision made on it standing: it was the best
// knowledge, and it still meets the deadline.
func needsChoice(rec recorded, basis string, latest, now time.Time, haveForecast bool) bool {
	if !rec.ok {
		return true
	}
	if !rec.start.After(now) {
		return false
	}
	return rec.start.After(latest) || (rec.basis != basis && haveForecast)
}

// planAnnotations are the annotations recording a choice; nil values
// remove means that are unknown.
func planAnnotations(c timeshift.Choice, basis string, st status) map[string]*string {
	out := map[string]*string{
		timeshift.StartAt:        ptrTo(c.Start.UTC().Format(time.RFC3339)),
		timeshift.StartReason:    ptrTo(string(c.Reason)),
		timeshift.ShiftBasis:     ptrTo(basis),
		timeshift.ShiftStatus:    ptrTo(st.String()),
		timeshift.ExpectedSignal: nil,
		timeshift.StartNowSignal: nil,
	}
	if c.MeanKnown {
		out[timeshift.ExpectedSignal] = ptrTo(number(c.Mean))
	}
	if c.NowKnown {
		out[timeshift.StartNowSignal] = ptrTo(number(c.NowMean))
	}
	return out
}

func ptrTo(s string) *string { return &s }

func number(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// signalName is what a mode's forecast is of, for messages.
func signalName(m timeshift.Mode) string {
	if m == timeshift.ModeCost {
		return "vCPU price"
	}
	return "carbon intensity"
}

// plannedStatus explains a choice.
func plannedStatus(c timeshift.Choice, r timeshift.Request, fs timeshift.FleetSignal, now time.Time) status {
	when := "starts at " + c.Start.UTC().Format(time.RFC3339)
	if !c.Start.After(now) {
		when = "starts now"
	}
	var msg string
	switch c.Reason {
	case timeshift.ReasonDeadlineForced:
		msg = fmt.Sprintf("%s: the latest start meeting the deadline, %s, has passed", when, c.LatestStart.UTC().Format(time.RFC3339))
	case timeshift.ReasonNoForecast:
		msg = fmt.Sprintf("%s: no cluster it is placed on has a fresh %s forecast to shift by", when, signalName(r.Mode))
	default:
		msg = fmt.Sprintf("%s, the %s window finishing by the deadline (latest start %s)", when, r.Mode.Adjective(), c.LatestStart.UTC().Format(time.RFC3339))
	}
	if c.MeanKnown && c.NowKnown {
		msg += fmt.Sprintf(": mean %s %s over %s against %s if started now", number(c.Mean), r.Mode.Unit(), r.Duration, number(c.NowMean))
		if c.NowMean > 0 && c.Mean < c.NowMean {
			msg += fmt.Sprintf(" (%.0f%% less)", 100*(c.NowMean-c.Mean)/c.NowMean)
		}
	}
	if len(fs.Missing) > 0 && len(fs.Included) > 0 {
		msg += fmt.Sprintf("; left out for want of a fresh %s: %s", signalName(r.Mode), strings.Join(fs.Missing, ", "))
	}
	return status{PhasePlanned, msg}
}

// startedStatus records the start against the plan.
func startedStatus(annotations map[string]string, now time.Time) status {
	return status{PhaseStarted, fmt.Sprintf("spec.suspend cleared at %s (planned start %s, %s)",
		now.UTC().Format(time.RFC3339), annotations[timeshift.StartAt], annotations[timeshift.StartReason])}
}
