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
package propagation

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

func TestTargets(t *testing.T) {
	tc := func(name string, replicas int32) workv1alpha2.TargetCluster {
		return workv1alpha2.TargetCluster{Name: name, Replicas: replicas}
	}
	snap := func(name string, clusters ...workv1alpha2.TargetCluster) workv1alpha2.BindingSnapshot {
		return workv1alpha2.BindingSnapshot{Namespace: "ns", Name: name, Clusters: clusters}
	}
	cases := map[string]struct {
		spec workv1alpha2.ResourceBindingSpec
		want []workv1alpha2.TargetCluster
	}{
		"nothing":                   {workv1alpha2.ResourceBindingSpec{}, nil},
		"own decision only":         {workv1alpha2.ResourceBindingSpec{Clusters: []workv1alpha2.TargetCluster{tc("a", 3), tc("b", 2)}}, []workv1alpha2.TargetCluster{tc("a", 3), tc("b", 2)}},
		"attached: requiredBy only": {workv1alpha2.ResourceBindingSpec{RequiredBy: []workv1alpha2.BindingSnapshot{snap("web", tc("b", 6), tc("a", 4))}}, []workv1alpha2.TargetCluster{tc("b", 0), tc("a", 0)}},
		"several dependents overlap": {
			workv1alpha2.ResourceBindingSpec{RequiredBy: []workv1alpha2.BindingSnapshot{snap("web", tc("a", 1), tc("b", 1)), snap("api", tc("b", 2), tc("c", 2))}},
			[]workv1alpha2.TargetCluster{tc("a", 0), tc("b", 0), tc("c", 0)},
		},
		"own decision and dependents: own replicas kept, own clusters first": {
			workv1alpha2.ResourceBindingSpec{
				Clusters:   []workv1alpha2.TargetCluster{tc("c", 5)},
				RequiredBy: []workv1alpha2.BindingSnapshot{snap("web", tc("a", 1), tc("c", 9)), snap("empty")},
			},
			[]workv1alpha2.TargetCluster{tc("c", 5), tc("a", 0)},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, Targets(&c.spec)); diff != "" {
				t.Fatalf("targets (-want +got):\n%s", diff)
			}
		})
	}
}
