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
	"fmt"
	"sort"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
	luaparse "github.com/yuin/gopher-lua/parse"

	"kurator.dev/kurator/internal/interpreter"
)

// Script is a compiled script for one operation; it can be run any number
// of times, concurrently, by any Runtime.
type Script struct {
	operation interpreter.Operation
	function  string
	proto     *lua.FunctionProto
}

// Operation is the operation the script implements.
func (s *Script) Operation() interpreter.Operation { return s.operation }

// functionNames are the functions Karmada's scripts define, per operation.
var functionNames = map[interpreter.Operation]string{
	interpreter.OperationInterpretReplica:    "GetReplicas",
	interpreter.OperationReviseReplica:       "ReviseReplica",
	interpreter.OperationRetain:              "Retain",
	interpreter.OperationAggregateStatus:     "AggregateStatus",
	interpreter.OperationInterpretStatus:     "ReflectStatus",
	interpreter.OperationInterpretHealth:     "InterpretHealth",
	interpreter.OperationInterpretDependency: "GetDependencies",
}

// chunkName names the script in Lua's messages: "script:3: ...".
const chunkName = "script"

// checker runs the chunks of the scripts being compiled.
var checker = sync.OnceValue(func() *Runtime { return New(Limits{}) })

// Compile parses and compiles the script of an operation once, and checks
// that running it defines the operation's function (GetReplicas for
// InterpretReplica, ...). Errors carry Lua's message with its line.
func Compile(operation interpreter.Operation, source string) (*Script, error) {
	function, ok := functionNames[operation]
	if !ok {
		known := make([]string, 0, len(functionNames))
		for op := range functionNames {
			known = append(known, string(op))
		}
		sort.Strings(known)
		return nil, fmt.Errorf("unknown operation %q (known: %s)", operation, strings.Join(known, ", "))
	}
	chunk, err := luaparse.Parse(strings.NewReader(source), chunkName)
	if err != nil {
		// The parser pads its message with spaces and a newline.
		return nil, fmt.Errorf("%s: %s", operation, strings.Join(strings.Fields(err.Error()), " "))
	}
	proto, err := lua.Compile(chunk, chunkName)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", operation, strings.Join(strings.Fields(err.Error()), " "))
	}
	withoutTailCalls(proto)
	s := &Script{operation: operation, function: function, proto: proto}
	if err := checker().call(s, invocation{}); err != nil {
		return nil, err
	}
	return s, nil
}

// withoutTailCalls compiles the tail calls of a chunk and its functions
// as ordinary calls: unbounded tail recursion then fails with a stack
// overflow like any other. gopher-lua counts each tail call of a frame
// and writes a line per call into the traceback of an error, so a
// tail-call loop stopped by the time limit would spend seconds and
// gigabytes building a traceback of millions of lines, out of reach of
// both limits. The compiler emits a tail call as a call taking all
// results followed by a return of all of them, so turning it back into
// that call keeps what the function returns.
func withoutTailCalls(proto *lua.FunctionProto) {
	const opcodeShift = 26 // an instruction's top 6 bits are its opcode
	for i, inst := range proto.Code {
		if int(inst>>opcodeShift) == lua.OP_TAILCALL {
			proto.Code[i] = inst&(1<<opcodeShift-1) | uint32(lua.OP_CALL)<<opcodeShift
		}
	}
	for _, nested := range proto.FunctionPrototypes {
		withoutTailCalls(nested)
	}
}
