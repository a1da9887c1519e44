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

package v1alpha1

import "testing"

func TestExecutionNamespace(t *testing.T) {
	if got, want := ExecutionNamespace("member1"), "karmada-es-member1"; got != want {
		t.Errorf("ExecutionNamespace(member1) = %q, want %q", got, want)
	}
	cases := []struct {
		namespace, cluster string
		ok                 bool
	}{
		{"karmada-es-member1", "member1", true},
		{"karmada-es-", "", false},
		{"default", "", false},
		{"karmada-system", "", false},
	}
	for _, tc := range cases {
		cluster, ok := ClusterForExecutionNamespace(tc.namespace)
		if cluster != tc.cluster || ok != tc.ok {
			t.Errorf("ClusterForExecutionNamespace(%q) = (%q, %v), want (%q, %v)", tc.namespace, cluster, ok, tc.cluster, tc.ok)
		}
	}
}
