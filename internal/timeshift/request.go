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

// Package timeshift chooses when a deferrable Job starts: within the time
// its deadline leaves, in the window whose forecast carbon intensity (or
// vCPU price) is lowest on the clusters it is placed on. It is pure: the
// temporalshift controller feeds it the Job's annotations and the clusters'
// forecasts, and writes down what it decides.
package timeshift

import (
	"fmt"
	"strings"
	"time"
)

// Annotations a user sets on a suspended Job template.
const (
	// Deadline is when the Job must have finished (RFC3339).
	Deadline = "scheduling.kurator.dev/deadline"
	// ExpectedDuration is how long the Job runs (a Go duration); required
	// with a deadline.
	ExpectedDuration = "scheduling.kurator.dev/expected-duration"
	// ShiftFor names the signal to minimise: ModeCarbon (the default) or
	// ModeCost.
	ShiftFor = "scheduling.kurator.dev/shift-for"
)

// Annotations the temporalshift controller writes on the template. The
// decision lives in them, not in the controller's memory.
const (
	// StartAt is the chosen start (RFC3339).
	StartAt = "scheduling.kurator.dev/start-at"
	// StartReason is the choice's Reason.
	StartReason = "scheduling.kurator.dev/start-reason"
	// ExpectedSignal is the signal's replica-weighted mean over the run
	// from StartAt, in the mode's Unit; absent without a forecast.
	ExpectedSignal = "scheduling.kurator.dev/expected-signal"
	// StartNowSignal is the same mean had the Job started when the choice
	// was made, so that a report can tell what the shift saved.
	StartNowSignal = "scheduling.kurator.dev/start-now-signal"
	// ShiftBasis fingerprints the inputs of the choice (Basis): a changed
	// forecast, decision or request shows as a different value.
	ShiftBasis = "scheduling.kurator.dev/shift-basis"
	// ShiftStatus is "<phase>: <explanation>", for people.
	ShiftStatus = "scheduling.kurator.dev/shift-status"
	// StartedAt is when the controller cleared spec.suspend; once set the
	// Job is never touched again.
	StartedAt = "scheduling.kurator.dev/started-at"
)

// Mode is the signal a Job is shifted for.
type Mode string

const (
	// ModeCarbon minimises the grid's carbon intensity.
	ModeCarbon Mode = "carbon"
	// ModeCost minimises the vCPU-hour price.
	ModeCost Mode = "cost"
)

// Unit of the mode's signal.
func (m Mode) Unit() string {
	if m == ModeCost {
		return "USD/vCPU-hour"
	}
	return "gCO2eq/kWh"
}

// Adjective describing a low value of the mode's signal.
func (m Mode) Adjective() string {
	if m == ModeCost {
		return "cheapest"
	}
	return "greenest"
}

// Request is what a deferrable Job asks for.
type Request struct {
	Deadline time.Time
	Duration time.Duration
	Mode     Mode
}

// LatestStart is the last start that still finishes by the deadline.
func (r Request) LatestStart() time.Time { return r.Deadline.Add(-r.Duration) }

// ParseRequest reads the request from a Job's annotations. found is false
// when there is no deadline: such a Job is not deferrable. A present but
// unusable request is an error saying what to fix.
func ParseRequest(annotations map[string]string) (r Request, found bool, err error) {
	deadline, ok := annotations[Deadline]
	if !ok {
		return Request{}, false, nil
	}
	r.Deadline, err = time.Parse(time.RFC3339, strings.TrimSpace(deadline))
	if err != nil {
		return Request{}, true, fmt.Errorf("%s %q is not an RFC3339 time such as 2026-12-08T06:00:00Z", Deadline, deadline)
	}
	duration, ok := annotations[ExpectedDuration]
	if !ok {
		return Request{}, true, fmt.Errorf("%s is required with %s: the latest start is the deadline minus it", ExpectedDuration, Deadline)
	}
	r.Duration, err = time.ParseDuration(strings.TrimSpace(duration))
	if err != nil || r.Duration <= 0 {
		return Request{}, true, fmt.Errorf("%s %q is not a positive Go duration such as 2h30m", ExpectedDuration, duration)
	}
	switch mode := Mode(strings.TrimSpace(annotations[ShiftFor])); mode {
	case "", ModeCarbon:
		r.Mode = ModeCarbon
	case ModeCost:
		r.Mode = ModeCost
	default:
		return Request{}, true, fmt.Errorf("%s %q is neither %q nor %q", ShiftFor, annotations[ShiftFor], ModeCarbon, ModeCost)
	}
	return r, true, nil
}
