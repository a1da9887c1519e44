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

// TestKarmadaConfigRules checks the KarmadaConfig's schema offline: the
// seed's settings and an empty spec are admitted; out-of-range numbers and
// durations that are not positive or too long are refused.
func TestKarmadaConfigRules(t *testing.T) {
	admitters := newAdmitters(t)
	admit := func(t *testing.T, spec string) string {
		t.Helper()
		obj := toUnstructured(t, []byte("apiVersion: karmada.io/v1alpha1\nkind: KarmadaConfig\nmetadata: {name: tuning}\n"+spec))
		pruned, errs := admitters[obj.GroupVersionKind().GroupKind()].Admit(obj.Object)
		if len(pruned) > 0 {
			t.Errorf("fields pruned: %v", pruned)
		}
		if len(errs) > 0 {
			return errs.ToAggregate().Error()
		}
		return ""
	}
	for _, spec := range []string{
		"spec: {}\n",
		"spec: {scheduler: {parallelism: 1, percentOfNodesToScore: 0}}\n",
		"spec: {scheduler: {parallelism: 256, percentOfNodesToScore: 100, cacheSyncTimeout: 10m}, estimator: {timeout: 1m}}\n",
		"spec: {scheduler: {cacheSyncTimeout: 1m30s}, estimator: {timeout: 500ms}}\n",
	} {
		if err := admit(t, spec); err != "" {
			t.Errorf("%s refused: %s", strings.TrimSpace(spec), err)
		}
	}
	for _, tc := range []struct{ spec, want string }{
		{"spec: {scheduler: {parallelism: 0}}\n", "spec.scheduler.parallelism"},
		{"spec: {scheduler: {parallelism: 257}}\n", "spec.scheduler.parallelism"},
		{"spec: {scheduler: {percentOfNodesToScore: -1}}\n", "spec.scheduler.percentOfNodesToScore"},
		{"spec: {scheduler: {percentOfNodesToScore: 101}}\n", "spec.scheduler.percentOfNodesToScore"},
		{"spec: {scheduler: {cacheSyncTimeout: 0s}}\n", "cacheSyncTimeout must be a duration above 0s and at most 10m"},
		{"spec: {scheduler: {cacheSyncTimeout: 11m}}\n", "cacheSyncTimeout must be a duration above 0s and at most 10m"},
		{"spec: {scheduler: {cacheSyncTimeout: soon}}\n", "spec.scheduler.cacheSyncTimeout"},
		{"spec: {estimator: {timeout: -1s}}\n", "timeout must be a duration above 0s and at most 1m"},
		{"spec: {estimator: {timeout: 2m}}\n", "timeout must be a duration above 0s and at most 1m"},
	} {
		if err := admit(t, tc.spec); !strings.Contains(err, tc.want) {
			t.Errorf("%s: admission error %q; want it to contain %q", strings.TrimSpace(tc.spec), err, tc.want)
		}
	}
}
