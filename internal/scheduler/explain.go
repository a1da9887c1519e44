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
	"strconv"
	"strings"

	"kurator.dev/kurator/internal/scheduler/division"
)

// listSome joins at most 20 items, so explanations stay readable and
// bounded at any fleet size.
func listSome(items []string) string {
	if len(items) <= listLimit {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:listLimit], ", ") + fmt.Sprintf(" and %d more", len(items)-listLimit)
}

const listLimit = 20

// boundedList is listSome for lists built one item at a time: it renders
// only the items that will be shown and counts the others.
type boundedList struct {
	shown []string
	n     int
}

func (l *boundedList) add(render func() string) {
	if l.n < listLimit {
		l.shown = append(l.shown, render())
	}
	l.n++
}

func (l *boundedList) String() string {
	if l.n <= listLimit {
		return strings.Join(l.shown, ", ")
	}
	return strings.Join(l.shown, ", ") + fmt.Sprintf(" and %d more", l.n-listLimit)
}

func listSomeAssignment(a division.Assignment) string {
	parts := make([]string, 0, min(len(a), listLimit))
	for _, p := range a[:min(len(a), listLimit)] {
		parts = append(parts, p.Name+":"+strconv.FormatInt(p.Seats, 10))
	}
	if len(a) > listLimit {
		return strings.Join(parts, ", ") + fmt.Sprintf(" and %d more", len(a)-listLimit)
	}
	return strings.Join(parts, ", ")
}

// differsFromKarmada adds a sentence on how Karmada would decide otherwise.
func (e *Explanation) differsFromKarmada(sentence string) {
	if e.KarmadaDifference != "" {
		e.KarmadaDifference += " "
	}
	e.KarmadaDifference += sentence
}
