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

package overrideusage

import (
	"testing"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

func TestClusterFailure(t *testing.T) {
	cases := map[string]struct {
		message, cluster string
		others           []string
		want             string
		found            bool
	}{
		"first":                     {"a: e1; b: e2", "a", []string{"b"}, "e1", true},
		"last":                      {"a: e1; b: e2", "b", []string{"a"}, "e2", true},
		"error containing '; '":     {"a: x; y; b: z", "a", []string{"b"}, "x; y", true},
		"name prefix of another":    {"a-b: e1; a: e2", "a", []string{"a-b"}, "e2", true},
		"only other clusters fail":  {"b: e2", "a", []string{"b"}, "", false},
		"name inside another error": {"b: cluster a: e", "a", []string{"b"}, "", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, found := clusterFailure(tc.message, tc.cluster, tc.others)
			if got != tc.want || found != tc.found {
				t.Fatalf("got %q, %t; want %q, %t", got, found, tc.want, tc.found)
			}
		})
	}
}

func TestRenderFailureFallsBackToTheAggregatedStatus(t *testing.T) {
	b := &workv1alpha2.ResourceBinding{
		Spec: workv1alpha2.ResourceBindingSpec{Clusters: []workv1alpha2.TargetCluster{{Name: "a"}, {Name: "b"}}},
		Status: workv1alpha2.ResourceBindingStatus{AggregatedStatus: []workv1alpha2.AggregatedStatusItem{
			{ClusterName: "a", AppliedMessage: workv1alpha2.BindingReasonOverrideFailed + ": policy p: boom"},
			{ClusterName: "b", AppliedMessage: "ConflictExists: not ours"},
		}},
	}
	if got := RenderFailure(b, "a"); got != "policy p: boom" {
		t.Fatalf("a: %q", got)
	}
	if got := RenderFailure(b, "b"); got != "" {
		t.Fatalf("b: %q, want no render failure", got)
	}
}
