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

package v1alpha2

import "testing"

func TestBindingName(t *testing.T) {
	cases := []struct {
		name, kind, want string
	}{
		{"nginx", "Deployment", "nginx-deployment"},
		{"system:controller:foo", "ClusterRole", "system.controller.foo-clusterrole"},
		{"a:b", "RoleBinding", "a.b-rolebinding"},
		{"web", "FlinkDeployment", "web-flinkdeployment"},
	}
	for _, tc := range cases {
		if got := BindingName(tc.name, tc.kind); got != tc.want {
			t.Errorf("BindingName(%q, %q) = %q, want %q", tc.name, tc.kind, got, tc.want)
		}
	}
}
