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

package admission_test

import (
	"testing"

	"kurator.dev/kurator/config/admission"
)

// The RBAC comes before the policy naming its identity, and every object
// decodes with a kind and a name.
func TestObjects(t *testing.T) {
	objs, err := admission.Objects()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, o := range objs {
		kinds = append(kinds, o.GetKind()+"/"+o.GetName())
	}
	want := []string{
		"ClusterRole/" + admission.ProjectorUser, "ClusterRoleBinding/" + admission.ProjectorUser,
		"ValidatingAdmissionPolicy/kurator-revision-projection", "ValidatingAdmissionPolicyBinding/kurator-revision-projection",
	}
	if len(kinds) != len(want) {
		t.Fatalf("objects %v; want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("objects %v; want %v", kinds, want)
		}
	}
}
