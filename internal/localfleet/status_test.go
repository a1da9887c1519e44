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
package localfleet

import "testing"

func TestMemberNameFollowsTheControlPlane(t *testing.T) {
	const endpoint = "https://127.0.0.1:7443"
	for _, tc := range []struct {
		name             string
		joined           map[string][]string
		wantName, wantNo string
	}{
		{name: "control plane unreachable", wantName: "cluster-hangzhou"},
		{name: "joined as itself", joined: map[string][]string{endpoint: {"cluster-hangzhou"}}, wantName: "cluster-hangzhou"},
		{name: "unjoined, joined again as hz", joined: map[string][]string{endpoint: {"hz"}}, wantName: "hz", wantNo: " (local cluster cluster-hangzhou)"},
		{name: "joined twice", joined: map[string][]string{endpoint: {"cluster-hangzhou", "extra"}}, wantName: "cluster-hangzhou", wantNo: " (also joined as extra)"},
		{name: "unjoined", joined: map[string][]string{}, wantName: "cluster-hangzhou", wantNo: " (not joined to the control plane)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, note := memberName("cluster-hangzhou", tc.joined, endpoint)
			if name != tc.wantName || note != tc.wantNo {
				t.Fatalf("got %q%q, want %q%q", name, note, tc.wantName, tc.wantNo)
			}
		})
	}
}
