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

// Package karmada holds the spread-constraint conformance corpus: scenarios
// on which Kurator's scheduler must decide as Karmada's does. The test here
// only keeps the corpus well formed; the decisions are compared by
// hack/karmada-oracle.
package karmada

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kurator.dev/kurator/internal/scenario"
)

const expectationPrefix = "# Karmada decides: "

// expectation is what a scenario's comment says Karmada decides: the
// clusters with their replicas, or why it does not schedule.
var expectation = regexp.MustCompile(`^(` +
	`[a-z0-9.-]+:[0-9]+(, [a-z0-9.-]+:[0-9]+)*` +
	`|unschedulable \(.+\)` +
	`|rejected by the admission webhook \(.+\)` +
	`)$`)

func TestCorpusScenariosParseAndStateKarmadasDecision(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenario in testdata")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(data), "# ") {
				t.Error("the scenario does not start with a comment saying what it covers")
			}
			var stated []string
			for line := range strings.Lines(string(data)) {
				if rest, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), expectationPrefix); ok {
					stated = append(stated, rest)
				}
			}
			if len(stated) != 1 || !expectation.MatchString(stated[0]) {
				t.Errorf("want exactly one %q line listing cluster:replicas, unschedulable (why) or rejected by the admission webhook (why); found %q", expectationPrefix, stated)
			}
			sc, err := scenario.Parse(strings.NewReader(string(data)))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := sc.Build(); err != nil {
				t.Fatal(err)
			}
			for _, c := range sc.Clusters {
				// Karmada's general estimator reads only the resource summary.
				if _, ok := c.Annotations[scenario.NodesAnnotation]; ok || c.Status.ResourceSummary == nil {
					t.Errorf("cluster %s: capacity must come from status.resourceSummary, not %s", c.Name, scenario.NodesAnnotation)
				}
			}
		})
	}
}
