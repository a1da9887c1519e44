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

func TestFieldOverrider(t *testing.T) {
	tests := []overriderCase{
		{
			name: "field json",
			obj:  configMapYAML,
			rule: `{fieldOverrider: [{fieldPath: /data/config.json, json: [{subPath: /log/level, operator: replace, value: debug}, {subPath: /extra, operator: add, value: {a: 1}}, {subPath: /list/0, operator: remove}]}]}`,
			want: map[string]interface{}{"/data/config.json": `{"log":{"level":"debug"},"list":[2],"extra":{"a":1}}`},
		},
		{
			name: "field yaml",
			obj:  configMapYAML,
			rule: `{fieldOverrider: [{fieldPath: /data/config.yaml, yaml: [{subPath: /log/level, operator: replace, value: debug}, {subPath: /list/-, operator: add, value: 2}]}]}`,
			want: map[string]interface{}{"/data/config.yaml": "list:\n- 1\n- 2\nlog:\n  level: debug\n"},
		},
		{
			name:    "field not a document",
			obj:     configMapYAML,
			rule:    `{fieldOverrider: [{fieldPath: /data/number, json: [{subPath: /a, operator: add, value: 1}]}]}`,
			wantErr: `fieldOverrider[0]: fieldPath "/data/number" does not hold a JSON document`,
		},
		{
			name:    "field missing",
			obj:     configMapYAML,
			rule:    `{fieldOverrider: [{fieldPath: /data/nope, json: [{subPath: /a, operator: add, value: 1}]}]}`,
			wantErr: `path "/data/nope" does not exist`,
		},
		{
			name:    "field subPath missing for replace",
			obj:     configMapYAML,
			rule:    `{fieldOverrider: [{fieldPath: /data/config.json, json: [{subPath: /nope, operator: replace, value: 1}]}]}`,
			wantErr: `json[0]: subPath "/nope"`,
		},
		{
			name:    "field add without value",
			obj:     configMapYAML,
			rule:    `{fieldOverrider: [{fieldPath: /data/config.yaml, yaml: [{subPath: /a, operator: add}]}]}`,
			wantErr: "value is required",
		},
	}
	runOverriderCases(t, tests)
}
