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
	"testing"

	"kurator.dev/kurator/internal/interpreter"
)

func TestCompile(t *testing.T) {
	cases := map[string]struct {
		op     interpreter.Operation
		script string
		err    string
	}{
		"a syntax error, with its line": {
			op: interpreter.OperationInterpretReplica, script: "function GetReplicas(obj)\n  return obj.spec.replicas +\nend",
			err: "InterpretReplica: script line:3(column:3) near 'end': syntax error",
		},
		"no function": {
			op: interpreter.OperationInterpretReplica, script: `function getReplicas(obj) return 1 end`,
			err: "InterpretReplica: the script defines no function GetReplicas",
		},
		"a global that is not a function": {
			op: interpreter.OperationInterpretHealth, script: `InterpretHealth = true`,
			err: "InterpretHealth: the script defines no function InterpretHealth",
		},
		"another operation's function": {
			op: interpreter.OperationInterpretStatus, script: `function AggregateStatus(obj, items) return obj end`,
			err: "InterpretStatus: the script defines no function ReflectStatus",
		},
		"an error running the chunk": {
			op: interpreter.OperationRetain, script: "local x = nil\nlocal y = x.field\nfunction Retain(d, o) return d end",
			err: "Retain: script:2: attempt to index",
		},
		"an unknown operation": {
			op: "Scale", script: `function Scale() end`,
			err: `unknown operation "Scale" (known: AggregateStatus, InterpretComponent, InterpretDependency, InterpretHealth, InterpretReplica, InterpretStatus, Retain, ReviseReplica)`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Compile(tc.op, tc.script)
			wantError(t, err, tc.err)
		})
	}
	s := compile(t, interpreter.OperationInterpretDependency, `function GetDependencies(obj) return {} end`)
	if s.Operation() != interpreter.OperationInterpretDependency {
		t.Fatalf("operation %s", s.Operation())
	}
}

func TestAnOperationRunsItsOwnScriptOnly(t *testing.T) {
	r := New(Limits{})
	revise := compile(t, interpreter.OperationReviseReplica, `function ReviseReplica(obj, n) return obj end`)
	_, err := r.GetReplicas(revise, parse(t, cloneSet))
	wantError(t, err, "InterpretReplica: the script is compiled for ReviseReplica")
	_, err = r.GetReplicas(nil, parse(t, cloneSet))
	wantError(t, err, "InterpretReplica: no script")
	_, err = r.GetReplicas(compile(t, interpreter.OperationInterpretReplica, `function GetReplicas(obj) return 1 end`), nil)
	wantError(t, err, "InterpretReplica: no object")
}
