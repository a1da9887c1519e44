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

package scheduling

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDecisionsRememberTheGenerationAndStatusWritten(t *testing.T) {
	var d decisions
	at := metav1.NewTime(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	status := schedulingStatus{SchedulerObservedGeneration: 2, LastScheduledTime: &at,
		Conditions: []metav1.Condition{{Type: "Scheduled", Status: metav1.ConditionTrue, ObservedGeneration: 2}}}
	if d.decided("ns/a", 2) || d.wrote("ns/a", 2, status) {
		t.Fatal("nothing was recorded yet")
	}
	d.record("ns/a", 2, status)
	if !d.decided("ns/a", 2) || d.decided("ns/a", 3) || d.decided("ns/b", 2) {
		t.Fatal("decided must hold for the recorded binding and generation only")
	}
	later := metav1.NewTime(at.Add(time.Minute))
	restamped := status
	restamped.LastScheduledTime = &later
	if !d.wrote("ns/a", 2, restamped) {
		t.Error("the same decision stamped with another time counts as written")
	}
	changed := status
	changed.SchedulerObservedAffinityName = "backup"
	if d.wrote("ns/a", 2, changed) || d.wrote("ns/a", 3, status) {
		t.Error("another status or generation is not written yet")
	}
	d.forget("ns/a")
	if d.decided("ns/a", 2) {
		t.Error("forget drops the record")
	}
}
