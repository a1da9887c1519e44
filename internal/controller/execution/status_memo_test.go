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

package execution

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

func TestStatusMemoSkipsOnlyTheSameStatusOverTheSameVersion(t *testing.T) {
	var m statusMemo
	key := types.NamespacedName{Namespace: "kurator-es-a", Name: "w"}
	applied := func(at time.Time, status metav1.ConditionStatus) workv1alpha1.WorkStatus {
		return workv1alpha1.WorkStatus{Conditions: []metav1.Condition{{Type: workv1alpha1.ConditionApplied, Status: status,
			Reason: "r", ObservedGeneration: 1, LastTransitionTime: metav1.NewTime(at)}}}
	}
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	if m.alreadyWritten(key, "10", 1, applied(now, metav1.ConditionTrue)) {
		t.Fatal("nothing written yet")
	}
	m.record(key, "10", 1, applied(now, metav1.ConditionTrue))
	if !m.alreadyWritten(key, "10", 1, applied(now.Add(time.Second), metav1.ConditionTrue)) {
		t.Error("the same status recomputed over the same stale version is already written")
	}
	if m.alreadyWritten(key, "11", 1, applied(now, metav1.ConditionTrue)) {
		t.Error("a newer version read may hold someone else's status: write")
	}
	if m.alreadyWritten(key, "10", 2, applied(now, metav1.ConditionTrue)) || m.alreadyWritten(key, "10", 1, applied(now, metav1.ConditionFalse)) {
		t.Error("another generation or status must be written")
	}
	m.forget(key)
	if m.alreadyWritten(key, "10", 1, applied(now, metav1.ConditionTrue)) {
		t.Error("forget drops the record")
	}
}
