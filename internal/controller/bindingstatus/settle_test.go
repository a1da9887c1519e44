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

package bindingstatus

import (
	"testing"
	"time"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

func TestSettlingHoldsBackForAtMostTheSettleTime(t *testing.T) {
	var s settling
	start := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	if got := s.wait("ns/a", start); got != statusSettle {
		t.Fatalf("first wait = %v, want %v", got, statusSettle)
	}
	if got := s.wait("ns/a", start.Add(2*time.Second)); got != statusSettle-2*time.Second {
		t.Fatalf("wait after 2s = %v, want %v", got, statusSettle-2*time.Second)
	}
	if got := s.wait("ns/b", start.Add(2*time.Second)); got != statusSettle {
		t.Fatalf("another binding waits on its own clock, got %v", got)
	}
	if got := s.wait("ns/a", start.Add(statusSettle)); got != 0 {
		t.Fatalf("wait at the deadline = %v, want 0 (write now)", got)
	}
	// Once written, a later change waits afresh.
	if got := s.wait("ns/a", start.Add(statusSettle+time.Second)); got != statusSettle {
		t.Fatalf("wait after the write = %v, want %v", got, statusSettle)
	}
	s.forget("ns/a")
	if got := s.wait("ns/a", start.Add(statusSettle+3*time.Second)); got != statusSettle {
		t.Fatalf("wait after forget = %v, want %v", got, statusSettle)
	}
}

func TestSameRendering(t *testing.T) {
	ok := []workv1alpha2.AggregatedStatusItem{{ClusterName: "c1", Applied: true}, {ClusterName: "c2", Applied: true}}
	failed := []workv1alpha2.AggregatedStatusItem{{ClusterName: "c1", AppliedMessage: "OverrideFailed: boom"}, {ClusterName: "c2", Applied: true}}
	otherFailure := []workv1alpha2.AggregatedStatusItem{{ClusterName: "c1", AppliedMessage: "OverrideFailed: bang"}, {ClusterName: "c2", Applied: true}}
	pending := []workv1alpha2.AggregatedStatusItem{{ClusterName: "c1"}, {ClusterName: "c2", AppliedMessage: "not yet"}}
	for _, tc := range []struct {
		name          string
		before, after []workv1alpha2.AggregatedStatusItem
		want          bool
	}{
		{"unchanged", ok, pending, true},
		{"failure appears", ok, failed, false},
		{"failure clears", failed, ok, false},
		{"first render", nil, ok, true},
		{"first render fails", nil, failed, false},
		{"same failure", failed, failed, true},
		{"another failure", failed, otherFailure, false},
	} {
		if got := sameRendering(tc.before, tc.after); got != tc.want {
			t.Errorf("%s: sameRendering = %v, want %v", tc.name, got, tc.want)
		}
	}
}
