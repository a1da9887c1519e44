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
	"fmt"
	"testing"
)

// Inputs of ../../../../shared/reference/scheduler-benchmark.md (a): cluster i
// is member-%05d with ceil(N/K)*(1+i%4) available replicas.
const benchUID = "5d7f3c1e-0000-4000-8000-000000000001"

var benchGrid = struct{ n, k []int64 }{n: []int64{10, 1000, 100000}, k: []int64{5, 100, 1000}}

func benchCandidates(n, k int64) []Candidate {
	per := (n + k - 1) / k
	out := make([]Candidate, k)
	for i := range out {
		out[i] = Candidate{Name: fmt.Sprintf("member-%05d", i), Allocatable: per * (1 + int64(i)%4)}
	}
	return out
}

func BenchmarkPerfWebster(b *testing.B) {
	for _, n := range benchGrid.n {
		for _, k := range benchGrid.k {
			cands := benchCandidates(n, k)
			parties := make([]Party, len(cands))
			for i, c := range cands {
				parties[i] = Party{Name: c.Name, Votes: c.Allocatable}
			}
			b.Run(fmt.Sprintf("N=%d/K=%d", n, k), func(b *testing.B) {
				for b.Loop() {
					Webster(n, parties, benchUID)
				}
			})
		}
	}
}

func BenchmarkPerfDivide(b *testing.B) {
	for _, strategy := range []string{"DynamicWeight", "Aggregated"} {
		for _, n := range benchGrid.n {
			for _, k := range benchGrid.k {
				cands := benchCandidates(n, k)
				b.Run(fmt.Sprintf("%s/N=%d/K=%d", strategy, n, k), func(b *testing.B) {
					for b.Loop() {
						if _, err := Dynamic(n, cands, strategy == "Aggregated", benchUID); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
