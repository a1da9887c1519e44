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
package karmada

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kurator.dev/kurator/internal/scenario"
	"kurator.dev/kurator/test/conformance/karmada/spreadgen"
)

const (
	karmadaPrefix = "# Karmada decides: "
	// kuratorPrefix states Kurator's decision where it goes further than
	// Karmada by design; the file's comment says why.
	kuratorPrefix = "# Kurator decides: "
)

func TestCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenario in testdata")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			karmada, stated := statedOutcomes(t, string(data))
			kurator, err := decide(string(data))
			if err != nil {
				t.Fatal(err)
			}
			if kurator.scenario != nil {
				for _, c := range kurator.scenario.Clusters {
					// Karmada's general estimator reads only the resource summary.
					if _, ok := c.Annotations[scenario.NodesAnnotation]; ok || c.Status.ResourceSummary == nil {
						t.Errorf("cluster %s: capacity must come from status.resourceSummary, not %s", c.Name, scenario.NodesAnnotation)
					}
				}
			}
			if err := judge(karmada, kurator, stated); err != nil {
				t.Fatalf("%v\nKurator's explanation: %s", err, explanation(kurator))
			}
		})
	}
}

// statedOutcomes reads Karmada's decision (exactly one line) and Kurator's
// (at most one) from a scenario's comment.
func statedOutcomes(t *testing.T, text string) (outcome, *outcome) {
	t.Helper()
	var karmada []outcome
	var kurator *outcome
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\n")
		for prefix, into := range map[string]func(outcome){
			karmadaPrefix: func(o outcome) { karmada = append(karmada, o) },
			kuratorPrefix: func(o outcome) {
				if kurator != nil {
					t.Fatalf("more than one %q line", kuratorPrefix)
				}
				kurator = &o
			},
		} {
			if rest, ok := strings.CutPrefix(line, prefix); ok {
				rest = strings.Replace(rest, "rejected by the admission webhook", "rejected", 1)
				o, err := parseOutcome(rest)
				if err != nil {
					t.Fatal(err)
				}
				into(o)
			}
		}
	}
	if len(karmada) != 1 {
		t.Fatalf("want exactly one %q line, found %d", karmadaPrefix, len(karmada))
	}
	return karmada[0], kurator
}

// generatedSeed is the spreadgen seed whose Karmada decisions are kept in
// testdata/generated-seed7.karmada.
const generatedSeed = 7

func TestGeneratedScenarios(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "generated-seed7.karmada"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	checked, same := 0, 0
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		line := lines.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		number, rest, _ := strings.Cut(line, " ")
		i, err := strconv.Atoi(number)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		karmada, err := parseOutcome(rest)
		if err != nil {
			t.Fatal(err)
		}
		kurator, err := decide(spreadgen.Scenario(generatedSeed, i))
		if err != nil {
			t.Fatalf("scenario %04d: %v", i, err)
		}
		if err := judge(karmada, kurator, nil); err != nil {
			t.Errorf("scenario %04d (go run ./hack/spreadgen -seed %d -n %d): %v\nKurator's explanation: %s", i, generatedSeed, i+1, err, explanation(kurator))
		}
		checked++
		if kurator.kind == karmada.kind && sameClusters(karmada, kurator.outcome) {
			same++
		}
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	if checked < 400 {
		t.Fatalf("checked %d generated scenarios, want 400", checked)
	}
	t.Logf("%d of %d generated scenarios decided exactly as Karmada does; the others are extensions, each explained", same, checked)
}

func explanation(d kuratorDecision) string {
	if d.result == nil {
		return d.message
	}
	e := d.result.Explanation
	return strings.TrimSpace(e.Strategy + ". " + e.Division + " Karmada: " + e.KarmadaDifference)
}
