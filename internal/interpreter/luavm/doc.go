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

// Package luavm runs the Lua scripts of Karmada's
// ResourceInterpreterCustomization: one script per operation, defining
// the function Karmada names (GetReplicas, ReviseReplica, Retain,
// AggregateStatus, ReflectStatus, InterpretHealth, GetDependencies).
//
// # Scripts and calls
//
// Compile parses and compiles a script once and checks, by running it,
// that it defines its operation's function. A Runtime runs compiled
// scripts on a pool of Lua states, one state per call at a time. Every
// call runs the script's chunk afresh in an environment of its own whose
// globals read through to the sandbox's, then calls the function: the
// globals a script assigns (Karmada's examples write `replica = ...`)
// live as long as the call and are never seen by another call, even of
// the same script on the same state. `_G` in a call is its own
// environment. A call that changes the shared library tables
// (`function table.contains(...)`, `string.x = nil`) still sees its
// change, but its state is closed afterwards instead of being pooled, so
// the change reaches no other call.
//
// # Sandbox
//
// A state has the base library without dofile, loadfile, load,
// loadstring, collectgarbage, getfenv, setfenv, getmetatable,
// setmetatable, rawget, rawset, rawequal, module and newproxy, and with a
// print that discards its output (scripts written for Karmada may print
// while debugging); the table, string and math libraries; os with only
// time, date and clock; and a require that returns the kube library and
// refuses any other name. There is no io, debug, package or coroutine
// library, so a script can neither read nor write files, load code, nor
// reach the process.
//
// Tail calls are compiled as ordinary calls, so unbounded tail recursion
// fails with a stack overflow like any other recursion (gopher-lua would
// otherwise write a traceback line per tail call when the time limit
// stops such a loop, gigabytes of them).
//
// The kube library (`local kube = require("kube")`) has Karmada's
// functions over Kurator's own code: accuratePodRequirements(template)
// (requests as the scheduler counts them, with init containers, sidecars
// and overhead, and the node claim: node selector, tolerations, required
// node affinity), getPodDependencies(template, namespace) (the ConfigMaps,
// Secrets, claims and service account the built-in interpreter finds),
// resourceAdd(q1, q2, ...) and getResourceQuantity(q).
//
// # Limits
//
// Time: each call runs under a context that is cancelled at the timeout
// (default one second); gopher-lua checks it before every instruction, so
// a loop, even one that catches errors with pcall, ends with ErrTimeout.
// A single library call (sorting a large table, matching a pattern over
// a long string) runs to its end before the check.
//
// Stack: the call stack and the value stack have fixed bounds, so deep
// recursion fails with a Lua error ("stack overflow") instead of growing.
//
// Memory: gopher-lua has no allocation hook, so the memory limit (default
// 64 MiB) is enforced by sampling. A call still running after two
// milliseconds starts reading the process's cumulative allocation counter
// (runtime/metrics "/gc/heap/allocs:bytes") every millisecond, and once
// more than the limit has been allocated since sampling began, the call
// is cancelled with ErrMemoryLimit. Ordinary scripts finish well under a
// millisecond and pay for one timer. What this does and does not catch:
//
//   - The count is of the whole process: what other goroutines allocate
//     while a call runs counts against it too. That is acceptable because
//     only calls running for milliseconds are sampled at all, which
//     legitimate interpreter scripts do not, and a call stopped wrongly
//     fails with an error (which a controller retries), where an
//     unbounded script would take the whole controller down.
//   - It counts allocation, not what is live: a long call that allocates
//     and frees more than the limit is stopped although its heap stays
//     small. Scripts that run for milliseconds are suspect anyway.
//   - Allocation in the first two milliseconds is not counted: at most a
//     few megabytes.
//   - A single instruction or library call is not interrupted: `s .. s`
//     on a large string completes before the next check, so the overshoot
//     is about what the program has already built. The calls whose output
//     a script chooses the size of in one step are bounded up front
//     instead: string.rep, table.concat and string.gsub with a string or
//     table replacement refuse a result larger than the limit. Assigning
//     a far array index (`t[60000000] = 1`) would make gopher-lua fill the
//     array part up to it in one step; this package lowers gopher-lua's
//     array-part bound (lua.MaxArrayIndex, process-wide) so that such
//     keys are hashed instead.
//
// A state whose call hit a limit, or in which Go code panicked, is closed
// rather than reused.
//
// # Conversion
//
// Objects are converted from Go (map[string]any, []any, string, bool,
// int64, float64, nil) into new Lua tables, so the caller's objects are
// never modified. Back from Lua:
//
//   - a table with keys exactly 1..n is an array, a table with string keys
//     an object; mixed keys, non-string keys and arrays with holes are
//     errors (except holes in an array that came from Go: they become
//     null);
//   - integral numbers become int64 (so unstructured accessors read
//     them), others float64; NaN and infinities are errors. Lua numbers
//     are float64, so integers beyond 2^53 lose precision, as in JSON;
//   - a null in a Go map is dropped (Lua cannot store nil in a table);
//   - functions and other Lua values are errors.
//
// An empty Lua table cannot say whether it is an empty object or an empty
// array. The tables the conversion makes from Go maps and slices are
// marked, so they convert back to what they were even when the script
// emptied them. An empty table the script created takes the kind of the
// value at the same path in the call's reference objects (the object for
// ReviseReplica, desired and observed for Retain, the template and the
// members' statuses for AggregateStatus, the object's status for
// ReflectStatus); when none has that path it is dropped, as Karmada does.
// A script's top-level result that must be an object (ReviseReplica,
// Retain, AggregateStatus, ReflectStatus) is an object when empty.
package luavm
