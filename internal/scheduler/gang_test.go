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
	"strings"
	"testing"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// TestGangsAreNotSplitBelowTheirMinimum: a divided gang gives a cluster
// none of its replicas or at least its minimum; pieces merge into the
// largest share.
func TestGangsAreNotSplitBelowTheirMinimum(t *testing.T) {
	clusters := []*framework.ClusterInfo{makeCluster("a").nodes(4, "8").obj(), makeCluster("b").nodes(4, "8").obj(), makeCluster("c").nodes(4, "8").obj()}
	for _, tc := range []struct {
		name     string
		replicas int64
		gang     int64
		weights  *policyv1alpha1.ReplicaSchedulingStrategy
		want     string
	}{
		{"pieces at the minimum stay", 8, 4, staticWeight("a", 1, "b", 1), "a:4, b:4"},
		{"small pieces merge into the largest", 8, 4, staticWeight("a", 6, "b", 1, "c", 1), "a:8"},
		{"one piece below the minimum", 12, 4, staticWeight("a", 5, "b", 4, "c", 3), "a:8, b:4"},
		{"every piece below it", 10, 4, staticWeight("a", 5, "b", 3, "c", 2), "a:10"},
		{"a gang of its whole size is never split", 6, 6, staticWeight("a", 1, "b", 1, "c", 1), "a:6"},
		{"no gang: Karmada's division", 8, 0, staticWeight("a", 6, "b", 1, "c", 1), "a:6, b:1, c:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := deployment(tc.replicas, "100m", &policyv1alpha1.Placement{ClusterAffinity: names("a", "b", "c"), ReplicaScheduling: tc.weights})
			w.MinPerCluster = tc.gang
			res, err := schedule(t, clusters, w)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(res.Clusters); got != tc.want {
				t.Errorf("got %s, want %s (%s)", got, tc.want, res.Explanation.Division)
			}
			if tc.gang > 1 && tc.want != "a:4, b:4" && !strings.Contains(res.Explanation.Division, "gang of at least") {
				t.Errorf("the merge is not explained: %q", res.Explanation.Division)
			}
		})
	}
}
