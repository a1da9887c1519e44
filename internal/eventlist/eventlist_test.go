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

package eventlist

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestRecentKeepsTheLastTenOldestFirst(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var events []eventsv1.Event
	for i := 11; i >= 0; i-- {
		e := eventsv1.Event{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("e%d", i)}}
		at := start.Add(time.Duration(i) * time.Minute)
		if i%2 == 0 {
			e.EventTime = metav1.NewMicroTime(at)
		} else {
			// Written through core/v1: no eventTime.
			e.CreationTimestamp = metav1.NewTime(at)
		}
		events = append(events, e)
	}
	var names []string
	for _, e := range Recent(events) {
		names = append(names, e.Name)
	}
	want := []string{"e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9", "e10", "e11"}
	if d := cmp.Diff(want, names); d != "" {
		t.Fatalf("recent events (-want +got):\n%s", d)
	}
}
