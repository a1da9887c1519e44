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

package luavm

import (
	"math"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"kurator.dev/kurator/internal/interpreter"
)

func testState(t *testing.T) *state {
	t.Helper()
	st, err := newState(Limits{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.close)
	return st
}

func TestConversionRoundTrip(t *testing.T) {
	obj := map[string]any{
		"int": int64(3), "negative": int64(-7), "beyond 2^53": int64(1 << 53), "float": 1.5, "tiny": 1e-9,
		"integral but beyond int64": 1e300,
		"string":                    "x", "empty string": "", "unicode": "ünïcode", "dotted.key": "v",
		"true": true, "false": false,
		"emptyObject": map[string]any{}, "emptyArray": []any{},
		"list": []any{
			map[string]any{"name": "a", "ports": []any{int64(80), int64(443)}, "env": []any{}, "labels": map[string]any{}},
			map[string]any{"name": "b", "matrix": []any{[]any{int64(1), int64(2)}, []any{}, []any{map[string]any{}}}},
		},
		"array with a null": []any{"a", nil, "c"},
	}
	st := testState(t)
	st.conv.reset()
	lv, err := st.conv.toLua(obj)
	if err != nil {
		t.Fatal(err)
	}
	back, keep, err := st.conv.fromLua(lv)
	if err != nil || !keep {
		t.Fatalf("%v, %v", keep, err)
	}
	if !reflect.DeepEqual(back, obj) {
		t.Fatalf("round trip\n%v\nwant\n%v", back, obj)
	}

	// And through a script that returns what it was given.
	got, err := New(Limits{}).ReviseReplica(compile(t, interpreter.OperationReviseReplica,
		`function ReviseReplica(obj, n) return obj end`), wrap(obj), 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Object, obj) {
		t.Fatalf("through a script\n%v\nwant\n%v", got.Object, obj)
	}
}

func TestConversionOfGoValuesLuaCannotHold(t *testing.T) {
	st := testState(t)
	st.conv.reset()
	// Lua cannot store nil in a table: a null field is dropped.
	lv, err := st.conv.toLua(map[string]any{"a": nil, "b": int64(1)})
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := st.conv.fromLua(lv)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"b": int64(1)}; !reflect.DeepEqual(back, want) {
		t.Fatalf("got %v, want %v", back, want)
	}
	_, err = st.conv.toLua(map[string]any{"typed": struct{}{}})
	wantError(t, err, "a struct {} cannot be converted to Lua")
}

// run returns what a script's ReviseReplica makes of cloneSet.
func run(t *testing.T, body string) (map[string]any, error) {
	t.Helper()
	s := compile(t, interpreter.OperationReviseReplica, "function ReviseReplica(obj, replicas)\n"+body+"\nend")
	got, err := New(Limits{}).ReviseReplica(s, parse(t, convertFixture), 1)
	if err != nil {
		return nil, err
	}
	return got.Object, nil
}

const convertFixture = `
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, labels: {a: b, c: d}}
spec:
  items: [x, y, z]
  containers:
  - {name: a, env: [{name: X}], ports: []}
  - {name: b, resources: {limits: {cpu: "1"}}}
`

func TestNumbersFromLua(t *testing.T) {
	got, err := run(t, `return {three = 3, half = 0.5, computed = 10 / 2, negativeZero = -0.0, big = 2^62, huge = 2^70, text = "3"}`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"three": int64(3), "half": 0.5, "computed": int64(5), "negativeZero": int64(0),
		"big": int64(1 << 62), "huge": math.Pow(2, 70), "text": "3"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
	for name, body := range map[string]string{
		"NaN":      `return {spec = {ratio = 0/0}}`,
		"infinity": `return {spec = {ratio = math.huge * 2}}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := run(t, body)
			wantError(t, err, "ReviseReplica: at spec.ratio: ", "is not a JSON number")
		})
	}
}

func TestEmptyTables(t *testing.T) {
	spec := func(obj map[string]any) map[string]any { return obj["spec"].(map[string]any) }
	containers := func(obj map[string]any) []any { return spec(obj)["containers"].([]any) }
	cases := map[string]struct {
		body  string
		check func(obj map[string]any) any // what the case reads
		want  any
	}{
		"an object the script emptied stays an object": {
			body:  `for k in pairs(obj.metadata.labels) do obj.metadata.labels[k] = nil end return obj`,
			check: func(obj map[string]any) any { return obj["metadata"].(map[string]any)["labels"] },
			want:  map[string]any{},
		},
		"an array the script emptied stays an array": {
			body:  `while #obj.spec.items > 0 do table.remove(obj.spec.items) end return obj`,
			check: func(obj map[string]any) any { return spec(obj)["items"] },
			want:  []any{},
		},
		"a hole in an array from Go is a null": {
			body:  `obj.spec.items[2] = nil return obj`,
			check: func(obj map[string]any) any { return spec(obj)["items"] },
			want:  []any{"x", nil, "z"},
		},
		"a new empty table where another element has an array": {
			body:  `obj.spec.containers[2].env = {} return obj`,
			check: func(obj map[string]any) any { return containers(obj)[1].(map[string]any)["env"] },
			want:  []any{},
		},
		"a new empty table where another element has an object": {
			body:  `obj.spec.containers[1].resources = {} return obj`,
			check: func(obj map[string]any) any { return containers(obj)[0].(map[string]any)["resources"] },
			want:  map[string]any{},
		},
		"a new empty table at a path no object has is dropped": {
			body: `obj.spec.containers[1].unknown = {} return obj`,
			check: func(obj map[string]any) any {
				_, present := containers(obj)[0].(map[string]any)["unknown"]
				return present
			},
			want: false,
		},
		"a new empty element of a new array is dropped": {
			body:  `obj.spec.added = {{}, {name = "x"}} return obj`,
			check: func(obj map[string]any) any { return spec(obj)["added"] },
			want:  []any{map[string]any{"name": "x"}},
		},
		"a new empty table replacing an array": {
			body:  `obj.spec.items = {} return obj`,
			check: func(obj map[string]any) any { return spec(obj)["items"] },
			want:  []any{},
		},
		"an empty result is an empty object": {
			body:  `return {}`,
			check: func(obj map[string]any) any { return obj },
			want:  map[string]any{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := run(t, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if v := tc.check(got); !reflect.DeepEqual(v, tc.want) {
				t.Fatalf("got %#v, want %#v", v, tc.want)
			}
		})
	}
}

func TestTablesThatAreNotJSON(t *testing.T) {
	for name, tc := range map[string]struct{ body, err string }{
		"a hole in a new array": {`return {spec = {list = {1, nil, 3}}}`, "at spec.list: a table has indexes up to 3 but only 2 values: an array cannot have holes"},
		"mixed keys":            {`return {spec = {1, a = 2}}`, "at spec: a table has both string keys and array indexes"},
		"a boolean key":         {`return {spec = {[true] = 1}}`, "at spec: a table has a boolean key"},
		"a fractional key":      {`return {spec = {[1.5] = 1}}`, "at spec: a table has the key 1.5, which is neither a string nor an array index"},
		"a table containing itself": {`local t = {} t.self = t return {spec = t}`,
			"nests deeper than 256 levels (a table that contains itself?)"},
		"a function":              {`return {spec = {fn = function() end}}`, "at spec.fn: a function cannot be converted to JSON"},
		"an array, not an object": {`return {1, 2}`, "ReviseReplica: the script returned an array, not an object"},
		"a nested index path":     {`return {spec = {list = {{name = 0/0}}}}`, "at spec.list[1].name: NaN is not a JSON number"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := run(t, tc.body)
			wantError(t, err, tc.err)
		})
	}
}

func wrap(obj map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: obj}
}
