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

func TestCommandArgsOverrider(t *testing.T) {
	tests := []overriderCase{
		{
			name: "command add appends",
			obj:  deploymentYAML,
			rule: `{commandOverrider: [{containerName: app, operator: add, value: [--a, --b]}]}`,
			want: map[string]interface{}{"/spec/template/spec/containers/0/command": []interface{}{"nginx", "--a", "--b"}},
		},
		{
			name: "command add creates list",
			obj:  deploymentYAML,
			rule: `{commandOverrider: [{containerName: side, operator: add, value: [envoy]}]}`,
			want: map[string]interface{}{"/spec/template/spec/containers/1/command": []interface{}{"envoy"}},
		},
		{
			name: "args remove every match",
			obj:  deploymentYAML,
			rule: `{argsOverrider: [{containerName: app, operator: remove, value: ["-g", "nope"]}]}`,
			want: map[string]interface{}{"/spec/template/spec/containers/0/args": []interface{}{"daemon off;"}},
		},
		{
			name: "args remove absent list and unknown container",
			obj:  deploymentYAML,
			rule: `{argsOverrider: [{containerName: side, operator: remove, value: [x]}, {containerName: ghost, operator: add, value: [x]}]}`,
			want: map[string]interface{}{"/spec/template/spec/containers/0/args": []interface{}{"-g", "daemon off;", "-g"}},
		},
		{
			name:    "command replace unsupported",
			obj:     deploymentYAML,
			rule:    `{commandOverrider: [{containerName: app, operator: replace, value: [x]}]}`,
			wantErr: `commandOverrider[0]: unsupported operator "replace"`,
		},
		{
			name:    "wrong type: command not a list",
			obj:     "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, command: x}]}}",
			rule:    `{commandOverrider: [{containerName: c, operator: add, value: [y]}]}`,
			wantErr: "command is string, not a list",
		},
	}
	runOverriderCases(t, tests)
}
