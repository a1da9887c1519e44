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
package division

import (
	"container/heap"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("member%d", i+1)
	}
	return out
}

func TestStaticWeightExamples(t *testing.T) {
	cases := []struct {
		name     string
		replicas int64
		weights  []int64
		want     string
	}{
		{"12 at 3:2:1", 12, []int64{3, 2, 1}, "member1:6, member2:4, member3:2"},
		{"13 at 3:2:1", 13, []int64{3, 2, 1}, "member1:7, member2:4, member3:2"},
		{"14 at 3:2:1", 14, []int64{3, 2, 1}, "member1:7, member2:5, member3:2"},
		{"7 at 2:1:1:1", 7, []int64{2, 1, 1, 1}, "member1:3, member2:2, member3:1, member4:1"},
		{"8 at 2:1:1:1", 8, []int64{2, 1, 1, 1}, "member1:3, member2:2, member3:2, member4:1"},
		{"9 at 2:1:1:1", 9, []int64{2, 1, 1, 1}, "member1:3, member2:2, member3:2, member4:2"},
		{"3 at 1:1, name ascending", 3, []int64{1, 1}, "member1:2, member2:1"},
		{"6 at 2:1:1:1", 6, []int64{2, 1, 1, 1}, "member1:3, member2:1, member3:1, member4:1"},
		{"2 at 2:1 favours the small", 2, []int64{2, 1}, "member1:1, member2:1"},
		{"seed 06: 10 at 60:40", 10, []int64{60, 40}, "member1:6, member2:4"},
		{"seed 06 scaled: 15 at 60:40", 15, []int64{60, 40}, "member1:9, member2:6"},
		{"seed 02: 10 at 70:30", 10, []int64{70, 30}, "member1:7, member2:3"},
		{"seed 11: 10 at 80:20", 10, []int64{80, 20}, "member1:8, member2:2"},
		{"weight 0 is dropped", 4, []int64{1, 0, 1}, "member1:2, member3:2"},
		{"all weights 0 count as 1", 3, []int64{0, 0, 0}, "member1:1, member2:1, member3:1"},
		{"issue 6735: 5 at 170:110:60", 5, []int64{170, 110, 60}, "member1:2, member2:2, member3:1"},
		{"issue 6735: 6 at 170:110:60", 6, []int64{170, 110, 60}, "member1:3, member2:2, member3:1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Static(tc.replicas, names(len(tc.weights)), tc.weights, "").String()
			if got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestTieBreakFollowsUIDParity(t *testing.T) {
	// Find one UID of each parity; with 1:1 weights and 3 replicas the odd
	// UID gives the extra replica to the name that sorts last.
	var odd, even string
	for i := 0; odd == "" || even == ""; i++ {
		uid := fmt.Sprintf("uid-%d", i)
		if namesDescending(uid) {
			odd = uid
		} else {
			even = uid
		}
	}
	if got := Static(3, names(2), []int64{1, 1}, odd).String(); got != "member1:1, member2:2" {
		t.Errorf("odd uid: %s", got)
	}
	if got := Static(3, names(2), []int64{1, 1}, even).String(); got != "member1:2, member2:1" {
		t.Errorf("even uid: %s", got)
	}
}

func dyn(t *testing.T, replicas int64, cands []Candidate, aggregated bool) string {
	t.Helper()
	got, err := Dynamic(replicas, cands, aggregated, "")
	if err != nil {
		t.Fatal(err)
	}
	return got.String()
}

func TestDynamicExamples(t *testing.T) {
	free := func(v ...int64) []Candidate {
		out := make([]Candidate, len(v))
		for i := range v {
			out[i] = Candidate{Name: fmt.Sprintf("member%d", i+1), Allocatable: v[i]}
		}
		return out
	}
	cases := []struct {
		name       string
		replicas   int64
		cands      []Candidate
		aggregated bool
		want       string
	}{
		{"first schedule, free 6/8/10", 12, free(6, 8, 10), false, "member1:3, member2:4, member3:5"},
		{"aggregated first schedule, free 6/8/10", 12, free(6, 8, 10), true, "member2:5, member3:7"},
		{"API example dynamic", 12, free(6, 12, 18), false, "member1:2, member2:4, member3:6"},
		{"API example aggregated", 12, free(6, 12, 18), true, "member3:12"},
		{"scale 12 to 24 from 2/4/6", 24, []Candidate{{Name: "member1", Allocatable: 10, Previous: 2}, {Name: "member2", Allocatable: 10, Previous: 4}, {Name: "member3", Allocatable: 10, Previous: 6}}, false, "member1:6, member2:8, member3:10"},
		{"scale 12 to 6 from 2/4/6", 6, []Candidate{{Name: "member1", Allocatable: 0, Previous: 2}, {Name: "member2", Allocatable: 0, Previous: 4}, {Name: "member3", Allocatable: 0, Previous: 6}}, false, "member1:1, member2:2, member3:3"},
		{"aggregated 12 to 6", 6, []Candidate{{Name: "m1", Allocatable: 0, Previous: 4}, {Name: "m2", Allocatable: 0, Previous: 8}}, true, "m2:6"},
		{"aggregated 12 to 24", 24, []Candidate{{Name: "m1", Allocatable: 4, Previous: 4}, {Name: "m2", Allocatable: 6, Previous: 8}, {Name: "m3", Allocatable: 8, Previous: 0}}, true, "m1:7, m2:12, m3:5"},
		{"aggregated prefers used clusters", 24, []Candidate{{Name: "m1", Allocatable: 6, Previous: 4}, {Name: "m2", Allocatable: 6, Previous: 8}, {Name: "m3", Allocatable: 20, Previous: 0}}, true, "m1:10, m2:14"},
		{"a cluster left, one joined", 24, []Candidate{{Name: "m1", Allocatable: 4, Previous: 4}, {Name: "m3", Allocatable: 8, Previous: 0}, {Name: "m4", Allocatable: 12, Previous: 0}}, true, "m1:7, m3:7, m4:10"},
		{"unchanged", 12, []Candidate{{Name: "m1", Allocatable: 0, Previous: 5}, {Name: "m2", Allocatable: 0, Previous: 7}}, false, "m1:5, m2:7"},
		// Karmada keeps the previous decision's order among equal clusters.
		{"aggregated 10 to 2, equal, m6 listed first", 2, []Candidate{{Name: "m1", Previous: 5, PreviousPosition: 1}, {Name: "m6", Previous: 5, PreviousPosition: 0}}, true, "m6:2"},
		{"aggregated 10 to 2, equal, m1 listed first", 2, []Candidate{{Name: "m6", Previous: 5, PreviousPosition: 1}, {Name: "m1", Previous: 5, PreviousPosition: 0}}, true, "m1:2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := dyn(t, tc.replicas, tc.cands, tc.aggregated); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestDynamicInsufficientCapacity(t *testing.T) {
	_, err := Dynamic(30, []Candidate{{Name: "a", Allocatable: 10, Previous: 0}, {Name: "b", Allocatable: 15, Previous: 0}}, false, "")
	var ie *InsufficientError
	if !errors.As(err, &ie) || ie.Needed != 30 || ie.Available != 25 {
		t.Fatalf("got %v, want InsufficientError{30, 25}", err)
	}
}

func TestFreshIgnoresThePreviousSplit(t *testing.T) {
	got, err := Fresh(12, []Candidate{{Name: "m1", Allocatable: 2, Previous: 10}, {Name: "m2", Allocatable: 12, Previous: 0}}, false, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != "m1:6, m2:6" {
		t.Fatalf("got %s", got)
	}
}

// seatBySeat is the definition of the method: one heap operation per seat.
func seatBySeat(seats int64, parties []Party, uid string) []Party {
	out := Webster(0, parties, uid) // sorted copy
	s := &slotState{parties: out, extra: make([]int64, len(out)), descending: namesDescending(uid)}
	h := &slotHeap{s: s, max: true}
	for i := range out {
		if out[i].Votes > 0 {
			h.idx = append(h.idx, i)
		}
	}
	heap.Init(h)
	for range seats {
		if len(h.idx) == 0 {
			break
		}
		i := h.idx[0]
		s.extra[i]++
		heap.Fix(h, 0)
	}
	for i := range out {
		out[i].Seats += s.extra[i]
	}
	return out
}

func TestWebsterMatchesSeatBySeat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 2000 {
		k := 1 + r.IntN(12)
		parties := make([]Party, k)
		for i := range parties {
			parties[i] = Party{Name: fmt.Sprintf("c%02d", r.IntN(100)*100+i), Votes: int64(r.IntN(7)), Seats: int64(r.IntN(4))}
			if r.IntN(3) == 0 {
				parties[i].Votes = int64(r.IntN(1000))
			}
		}
		seats := int64(r.IntN(60))
		uid := fmt.Sprintf("u%d", r.IntN(5))
		want := seatBySeat(seats, parties, uid)
		got := Webster(seats, parties, uid)
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("case %d (%d seats, %+v, uid %s): (-want +got)\n%s", n, seats, parties, uid, d)
		}
	}
}

func TestWebsterIsMonotonic(t *testing.T) {
	weights := []Party{{Name: "a", Votes: 170}, {Name: "b", Votes: 110}, {Name: "c", Votes: 60}}
	prev := Webster(0, weights, "")
	for n := int64(1); n <= 200; n++ {
		cur := Webster(n, weights, "")
		for i := range cur {
			if cur[i].Seats < prev[i].Seats {
				t.Fatalf("%d replicas: %s lost a replica (%d -> %d)", n, cur[i].Name, prev[i].Seats, cur[i].Seats)
			}
		}
		prev = cur
	}
}

func TestInsufficientErrorReadsInTheSingular(t *testing.T) {
	for _, tc := range []struct {
		err  InsufficientError
		want string
	}{
		{InsufficientError{Needed: 1, Available: 0}, "clusters have room for 0 more replicas, 1 is needed"},
		{InsufficientError{Needed: 3, Available: 1}, "clusters have room for 1 more replica, 3 are needed"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// TestScaleDownRemovesUnreadyFirst: a Kurator extension. Without unready
// replicas a scale-down is Karmada's (in proportion to what each cluster
// has); with them, those go first.
func TestScaleDownRemovesUnreadyFirst(t *testing.T) {
	cases := []struct {
		name     string
		replicas int64
		cands    []Candidate
		want     string
	}{
		{"none unready: in proportion", 8, []Candidate{{Name: "a", Previous: 6}, {Name: "b", Previous: 4, PreviousPosition: 1}}, "a:5 b:3"},
		{"unready cover the scale-down", 8, []Candidate{{Name: "a", Previous: 6, Unready: 3}, {Name: "b", Previous: 4, PreviousPosition: 1}}, "a:4 b:4"},
		{"largest unready share first", 7, []Candidate{{Name: "a", Previous: 6, Unready: 2}, {Name: "b", Previous: 4, Unready: 2, PreviousPosition: 1}}, "a:5 b:2"},
		{"then in proportion", 5, []Candidate{{Name: "a", Previous: 6, Unready: 1}, {Name: "b", Previous: 4, PreviousPosition: 1}}, "a:3 b:2"},
		{"a whole cluster unready", 4, []Candidate{{Name: "a", Previous: 4}, {Name: "b", Previous: 4, Unready: 4, PreviousPosition: 1}}, "a:4"},
		{"unready beyond previous is capped", 9, []Candidate{{Name: "a", Previous: 6, Unready: 9}, {Name: "b", Previous: 4, PreviousPosition: 1}}, "a:5 b:4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Dynamic(tc.replicas, tc.cands, false, "uid")
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, p := range got {
				parts = append(parts, fmt.Sprintf("%s:%d", p.Name, p.Seats))
			}
			if s := strings.Join(parts, " "); s != tc.want {
				t.Fatalf("got %s, want %s", s, tc.want)
			}
		})
	}
}

// TestFederatedHPACalibrationDivision is Karmada's FederatedHPA case: the
// autoscaler writes 15 into the template and a dynamic division by
// available replicas splits it 10/5 over clusters with room for 100 and 50.
func TestFederatedHPACalibrationDivision(t *testing.T) {
	got, err := Dynamic(15, []Candidate{{Name: "member1", Allocatable: 100}, {Name: "member2", Allocatable: 50}}, false, "uid")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Assignment{{Name: "member1", Seats: 10}, {Name: "member2", Seats: 5}}); !equalSeats(got, want) {
		t.Fatalf("got %v, want 10/5", got)
	}
}

func equalSeats(a, b Assignment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Seats != b[i].Seats {
			return false
		}
	}
	return true
}
