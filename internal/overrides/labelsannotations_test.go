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

func TestLabelsAnnotationsOverrider(t *testing.T) {
	tests := []overriderCase{
		{
			name: "labels add replace remove",
			obj:  deploymentYAML,
			rule: `{labelsOverrider: [{operator: add, value: {new: "1", app: web2}}, {operator: replace, value: {tier: back, missing: x}}, {operator: remove, value: {new: "", absent: ""}}]}`,
			want: map[string]interface{}{
				"/metadata/labels": map[string]interface{}{"app": "web2", "tier": "back"},
			},
		},
		{
			name: "annotations add creates map and escaped key",
			obj:  configMapYAML,
			rule: `{annotationsOverrider: [{operator: add, value: {"example.com/a": b}}]}`,
			want: map[string]interface{}{"/metadata/annotations/example.com~1a": "b"},
		},
		{
			name: "annotations replace and remove on absent map",
			obj:  configMapYAML,
			rule: `{annotationsOverrider: [{operator: replace, value: {a: b}}, {operator: remove, value: {a: b}}]}`,
			want: map[string]interface{}{"/metadata/name": "cfg"},
		},
		{
			name:    "wrong type: labels not a map",
			obj:     "{apiVersion: v1, kind: ConfigMap, metadata: {name: c, labels: [a]}}",
			rule:    `{labelsOverrider: [{operator: add, value: {a: b}}]}`,
			wantErr: "metadata.labels is []interface {}, not an object",
		},
	}
	runOverriderCases(t, tests)
}
