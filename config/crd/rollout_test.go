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

// TestStagedUpdateStrategyRules checks the strategy's schema and CEL rules
// offline, as the API server evaluates them.
func TestStagedUpdateStrategyRules(t *testing.T) {
	const head = `
apiVersion: rollout.kurator.dev/v1alpha1
kind: StagedUpdateStrategy
metadata: {name: s, namespace: ns}
spec:
`
	good := head + `  progressDeadline: 10m
  maxFailures: 10%
  stages:
  - name: canary
    labelSelector: {matchLabels: {stage: canary}}
    beforeStageTasks: [{type: Approval}]
    afterStageTasks:
    - {type: TimedWait, waitTime: 1m}
    - type: Analysis
      analysis:
        templates: [{templateName: success-rate}]
        args: [{name: service-name, value: reviews}]
        scope: ClusterAndFleet
    canary: {trafficPolicy: reviews, steps: [10, 50, 100], stepDuration: 30s}
  - name: rest
    sortingLabelKey: order
    maxConcurrency: 50%
`
	admitters := newAdmitters(t)
	obj := toUnstructured(t, []byte(good))
	if _, errs := admitters[obj.GroupVersionKind().GroupKind()].Admit(obj.Object); len(errs) > 0 {
		t.Fatalf("a valid strategy was refused: %v", errs.ToAggregate())
	}
	cases := []struct{ name, yaml, want string }{
		{"no stages", head + "  stages: []\n", "should have at least 1 items"},
		{"duplicate stage names", head + "  stages: [{name: a}, {name: a}]\n", "stage names must be unique"},
		{"bad stage name", head + "  stages: [{name: Canary}]\n", "should match"},
		{"zero concurrency", head + "  stages: [{name: a, maxConcurrency: 0}]\n", "an integer of at least 1, or a percentage"},
		{"bad percentage", head + "  stages: [{name: a, maxConcurrency: 150%}]\n", "an integer of at least 1, or a percentage"},
		{"negative maxFailures", head + "  maxFailures: -1\n  stages: [{name: a}]\n", "an integer of at least 0, or a percentage"},
		{"timed wait without a time", head + "  stages: [{name: a, afterStageTasks: [{type: TimedWait}]}]\n", "waitTime is set for, and only for, a TimedWait"},
		{"approval with a time", head + "  stages: [{name: a, afterStageTasks: [{type: Approval, waitTime: 1m}]}]\n", "waitTime is set for, and only for, a TimedWait"},
		{"timed wait before a stage", head + "  stages: [{name: a, beforeStageTasks: [{type: TimedWait, waitTime: 1m}]}]\n", "a TimedWait belongs after a stage"},
		{"two waits after a stage", head + "  stages: [{name: a, afterStageTasks: [{type: TimedWait, waitTime: 1m}, {type: TimedWait, waitTime: 2m}]}]\n", "at most one task of each type after a stage"},
		{"analysis without templates", head + "  stages: [{name: a, afterStageTasks: [{type: Analysis}]}]\n", "analysis is set for, and only for, an Analysis task"},
		{"unknown task", head + "  stages: [{name: a, afterStageTasks: [{type: Pause}]}]\n", "Unsupported value"},
		{"canary step over 100", head + "  stages: [{name: a, canary: {trafficPolicy: t, steps: [10, 150]}}]\n", "should be less than or equal to 100"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := toUnstructured(t, []byte(tc.yaml))
			_, errs := admitters[obj.GroupVersionKind().GroupKind()].Admit(obj.Object)
			if len(errs) == 0 {
				t.Fatalf("admitted; want an error containing %q", tc.want)
			}
			if !strings.Contains(errs.ToAggregate().Error(), tc.want) {
				t.Fatalf("error %q lacks %q", errs.ToAggregate(), tc.want)
			}
		})
	}
}
