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
	"math"
	"math/rand"
	"slices"
	"testing"

	"kurator.dev/kurator/internal/scheduler/plugins/objectives"
)

// The packed objective order must order exactly as the field-by-field
// comparison, leave its input alone, and give way when the values do not
// fit in 64 bits.
func TestObjectiveOrderPackedMatchesFields(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	prices := []float64{0, 0.0125, 0.03, 0.031, 0.04}
	for i := range 2000 {
		n := r.Intn(60)
		cands := make([]*Candidate, n)
		for j, order := range r.Perm(n) {
			c := &Candidate{Name: fmt.Sprintf("c%04d", order*7), order: int32(order * 7), tier: int32(r.Intn(3)), previous: int64(r.Intn(4) * 3),
				Eval: &objectives.Evaluation{Score: int64(r.Intn(5) * 25), USDPerHour: prices[r.Intn(len(prices))], BelowSLO: r.Intn(5) == 0}}
			if r.Intn(4) == 0 {
				c.previous = int64(r.Intn(100000))
			}
			cands[j] = c
		}
		want := slices.Clone(cands)
		objectiveOrderByFields(want)
		before := slices.Clone(cands)
		if got := objectiveOrder(cands); !slices.Equal(got, want) {
			t.Fatalf("case %d: packed order %v differs from the field-by-field one %v", i, candidateNames(got), candidateNames(want))
		}
		if !slices.Equal(cands, before) {
			t.Fatalf("case %d: ordering changed its input", i)
		}
	}
	wide := []*Candidate{{Name: "a", previous: 0, Eval: &objectives.Evaluation{}}, {Name: "b", order: 1, previous: math.MaxInt64, Eval: &objectives.Evaluation{}}}
	if _, ok := objectiveOrderPacked(wide); ok {
		t.Fatal("replicas in force spanning 63 bits and more cannot be packed")
	}
	if got := objectiveOrder(wide); got[0].Name != "b" {
		t.Fatal("with all else equal, the cluster running more must come first")
	}
}

func candidateNames(cands []*Candidate) []string {
	out := make([]string, len(cands))
	for i, c := range cands {
		out[i] = c.Name
	}
	return out
}
