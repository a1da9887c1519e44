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

package fieldpath

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseAndGet(t *testing.T) {
	obj := map[string]any{
		"spec": map[string]any{
			"size":  int64(3),
			"tasks": []any{map[string]any{"name": "master", "replicas": int64(1)}, map[string]any{"name": "worker", "replicas": int64(4)}},
		},
		"metadata": map[string]any{"labels": map[string]any{"app.kubernetes.io/name": "web"}},
	}
	for _, tc := range []struct {
		path string
		want []any
	}{
		{"spec.size", []any{int64(3)}},
		{".spec.size", []any{int64(3)}},
		{"spec.tasks[1].name", []any{"worker"}},
		{"spec.tasks[*].replicas", []any{int64(1), int64(4)}},
		{`metadata.labels["app.kubernetes.io/name"]`, []any{"web"}},
		{"metadata.labels['app.kubernetes.io/name']", []any{"web"}},
		{"spec.missing", nil},
		{"spec.tasks[7].name", nil},
		{"spec.size.deeper", nil},
	} {
		p, err := Parse(tc.path)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if got := p.Get(obj); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.path, got, tc.want)
		}
	}
}

func TestParseRefusesMalformedPaths(t *testing.T) {
	for _, path := range []string{"", ".", "spec..size", "spec.", "spec[", "spec[x]", "spec[-1]", "spec.[0]"} {
		if _, err := Parse(path); err == nil {
			t.Errorf("%q parsed; want an error", path)
		}
	}
}

func TestSet(t *testing.T) {
	obj := map[string]any{"spec": map[string]any{"tasks": []any{map[string]any{}}}}
	for path, value := range map[string]any{"spec.size": int64(5), "status.phase": "Running", "spec.tasks[0].replicas": int64(2)} {
		if err := MustParse(path).Set(obj, value); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got, _ := MustParse(path).Get1(obj); got != value {
			t.Errorf("%s: read back %v, want %v", path, got, value)
		}
	}
	for path, want := range map[string]string{"spec.tasks[*].replicas": "[*]", "spec.tasks[3].replicas": "no element 3", "spec.size.x": "not an object"} {
		if err := MustParse(path).Set(obj, int64(1)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v; want it to contain %q", path, err, want)
		}
	}
}
