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
package spreadgen

import (
	"strings"
	"testing"

	"kurator.dev/kurator/internal/scenario"
)

// Every scenario builds, or is a policy the control plane would refuse
// (the generator draws some invalid bounds on purpose).
func TestEveryScenarioBuildsOrIsRefused(t *testing.T) {
	refused := 0
	for i := range 200 {
		sc, err := scenario.Parse(strings.NewReader(Scenario(1, i)))
		if err != nil {
			if !strings.Contains(err.Error(), "the control plane would refuse it") {
				t.Fatalf("scenario %d: %v", i, err)
			}
			refused++
			continue
		}
		if _, _, err := sc.Build(); err != nil {
			t.Fatalf("scenario %d: %v", i, err)
		}
		if n := len(sc.Clusters); n < 3 || n > 9 {
			t.Errorf("scenario %d: %d clusters, want 3 to 9", i, n)
		}
	}
	if refused == 0 || refused > 60 {
		t.Errorf("%d of 200 scenarios refused, want some invalid policies but mostly valid ones", refused)
	}
}

func TestScenarioDependsOnSeedAndIndexOnly(t *testing.T) {
	first, again := Scenario(3, 17), Scenario(3, 17)
	if first != again {
		t.Fatal("the same seed and index gave different scenarios")
	}
	if first == Scenario(4, 17) || first == Scenario(3, 18) {
		t.Fatal("another seed or index gave the same scenario")
	}
}
