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

// Package eventlist orders the events a describe command shows.
package eventlist

import (
	"sort"
	"time"

	eventsv1 "k8s.io/api/events/v1"
)

// MaxRecent is how many events Recent keeps: enough to see what happened
// lately without burying the rest of a description.
const MaxRecent = 10

// Recent sorts events oldest first and keeps the last MaxRecent.
func Recent(events []eventsv1.Event) []eventsv1.Event {
	sort.Slice(events, func(i, j int) bool { return Time(events[i]).Before(Time(events[j])) })
	if len(events) > MaxRecent {
		events = events[len(events)-MaxRecent:]
	}
	return events
}

// Time is when an event happened: its eventTime, or for an event written
// through the old core/v1 API, its creation.
func Time(e eventsv1.Event) time.Time {
	if !e.EventTime.IsZero() {
		return e.EventTime.Time
	}
	return e.CreationTimestamp.Time
}
