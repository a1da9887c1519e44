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

package crd_test

import (
	"strings"
	"testing"
)

func TestIntelligentSchedulerRules(t *testing.T) {
	admitters := newAdmitters(t)
	admit := func(t *testing.T, doc string) string {
		t.Helper()
		obj := toUnstructured(t, []byte(doc))
		if _, errs := admitters[obj.GroupVersionKind().GroupKind()].Admit(obj.Object); len(errs) > 0 {
			return errs.ToAggregate().Error()
		}
		return ""
	}
	doc := func(objective, constraints string) string {
		return `
apiVersion: scheduling.kurator.dev/v1alpha1
kind: IntelligentScheduler
metadata: {name: s}
spec:
  optimization:
    objective: ` + objective + `
    constraints: ` + constraints + "\n"
	}
	for _, ok := range []string{
		`{maxCost: 1000 USD/day, minPerformance: 99.9% SLO}`,
		`{maxCost: "41.5 EUR / hour", minPerformance: "95%"}`,
		`{maxCost: 30000 USD/month}`,
	} {
		if err := admit(t, doc("[cost, carbon-footprint]", ok)); err != "" {
			t.Errorf("%s refused: %s", ok, err)
		}
	}
	for _, tc := range []struct{ objective, constraints, want string }{
		{"[cost]", "{maxCost: 1000 USD}", "maxCost must be an amount per period"},
		{"[cost]", "{maxCost: lots/day}", "maxCost must be an amount per period"},
		{"[cost]", "{minPerformance: 99.9}", "minPerformance must be a percentage"},
		{"[speed]", "{}", "Unsupported value: \"speed\""},
		{"[]", "{}", "spec.optimization.objective"},
		{"[cost, cost]", "{}", "Duplicate value"},
	} {
		if err := admit(t, doc(tc.objective, tc.constraints)); !strings.Contains(err, tc.want) {
			t.Errorf("%s %s: admission error %q; want it to contain %q", tc.objective, tc.constraints, err, tc.want)
		}
	}
}
