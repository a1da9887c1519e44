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

package overrides

import "testing"

func TestPlaintextOverrider(t *testing.T) {
	tests := []overriderCase{
		{
			name: "plaintext add replace remove",
			obj:  deploymentYAML,
			rule: `{plaintext: [{path: /spec/replicas, operator: replace, value: 5}, {path: /metadata/labels/x, operator: add, value: "y"}, {path: /metadata/annotations, operator: remove}]}`,
			want: map[string]interface{}{"/spec/replicas": int64(5), "/metadata/labels/x": "y", "/metadata/annotations": nil},
		},
		{
			name:    "plaintext remove missing",
			obj:     deploymentYAML,
			rule:    `{plaintext: [{path: /spec/replicas, operator: replace, value: 5}, {path: /spec/nope, operator: remove}]}`,
			wantErr: `plaintext[1]: path "/spec/nope"`,
		},
		{
			name:    "plaintext add under missing parent",
			obj:     deploymentYAML,
			rule:    `{plaintext: [{path: /spec/a/b, operator: add, value: 1}]}`,
			wantErr: `plaintext[0]: path "/spec/a/b"`,
		},
		{
			name:    "plaintext bad pointer",
			obj:     deploymentYAML,
			rule:    `{plaintext: [{path: spec, operator: add, value: 1}]}`,
			wantErr: "must start with /",
		},
	}
	runOverriderCases(t, tests)
}
