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
	"math"
	"math/rand"
	"slices"
	"testing"
)

// The packed ranking must order exactly as the field-by-field comparison,
// leave its input alone, and give way when the values do not fit in 64 bits.
func TestRankPackedMatchesFields(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := range 2000 {
		n := r.Intn(60)
		cands := make([]*Candidate, n)
		for j, order := range r.Perm(n) {
			c := &Candidate{tier: int32(r.Intn(3)), Score: int64(r.Intn(5) * 50), capacity: int64(r.Intn(4) * 480), order: int32(order * 7)}
			switch r.Intn(4) {
			case 0:
				c.capacity = math.MaxInt32
			case 1:
				c.Score = r.Int63() - math.MaxInt64/2
			}
			cands[j] = c
		}
		want := slices.Clone(cands)
		rankByFields(want)
		before := slices.Clone(cands)
		if got := rank(cands); !slices.Equal(got, want) {
			t.Fatalf("case %d: packed ranking differs from the field-by-field one", i)
		}
		if !slices.Equal(cands, before) {
			t.Fatalf("case %d: ranking changed its input", i)
		}
	}
	wide := []*Candidate{{Score: math.MinInt64, order: 0}, {Score: math.MaxInt64, order: 1}}
	if _, ok := rankPacked(wide); ok {
		t.Fatal("scores spanning 64 bits cannot be packed")
	}
	if got := rank(wide); got[0].order != 1 {
		t.Fatal("the highest score must rank first")
	}
}
