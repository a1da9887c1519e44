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
	"errors"
	"testing"
	"time"

	"kurator.dev/kurator/internal/interpreter"
)

// stillWorks fails unless the runtime runs an ordinary script after a
// failed call.
func stillWorks(t *testing.T, r *Runtime) {
	t.Helper()
	ok, err := r.InterpretHealth(health(t, `return obj.spec.replicas == 5`), parse(t, cloneSet))
	if err != nil || !ok {
		t.Fatalf("the runtime fails after a stopped call: %v, %v", ok, err)
	}
}

func TestTimeLimit(t *testing.T) {
	const timeout = 200 * time.Millisecond
	// The memory limit is far away: the time limit must stop these first.
	r := New(Limits{Timeout: timeout, Memory: 1 << 30})
	for name, body := range map[string]string{
		"a loop":                 `while true do end`,
		"a loop catching errors": `while true do pcall(function() while true do end end) end`,
		// Without withoutTailCalls, the traceback of the error stopping the
		// tail calls would take seconds to build.
		"a loop of tail calls caught by pcall": `local function again(n) return again(n + 1) end
while true do pcall(again, 1) end`,
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := r.InterpretHealth(health(t, body), parse(t, cloneSet))
			elapsed := time.Since(start)
			if !errors.Is(err, ErrTimeout) {
				t.Fatalf("error %v, want ErrTimeout", err)
			}
			wantError(t, err, "InterpretHealth: the script exceeded its time limit of 200ms")
			if elapsed < timeout || elapsed > timeout+time.Second {
				t.Fatalf("stopped after %v, want about %v", elapsed, timeout)
			}
			if n := len(r.idle); n != 0 {
				t.Fatalf("the stopped state was pooled (%d idle)", n)
			}
			stillWorks(t, r)
		})
	}
}

// A chunk that never finishes fails to compile.
func TestTimeLimitWhileCompiling(t *testing.T) {
	_, err := Compile(interpreter.OperationInterpretHealth, "while true do end")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("error %v, want ErrTimeout", err)
	}
}

func TestMemoryLimit(t *testing.T) {
	const limit = 32 << 20
	// The timeout is far away: the memory limit must stop these first.
	r := New(Limits{Timeout: time.Minute, Memory: limit})
	for name, body := range map[string]string{
		"a huge table": `
local t = {}
local i = 0
while true do
  i = i + 1
  t[i] = {index = i, name = "item" .. i}
end`,
		"a doubling string": `local s = "x" while true do s = s .. s end`,
	} {
		t.Run(name, func(t *testing.T) {
			before := allocatedBytes()
			start := time.Now()
			_, err := r.InterpretHealth(health(t, body), parse(t, cloneSet))
			allocated, elapsed := allocatedBytes()-before, time.Since(start)
			if !errors.Is(err, ErrMemoryLimit) {
				t.Fatalf("error %v after %v, want ErrMemoryLimit", err, elapsed)
			}
			wantError(t, err, "InterpretHealth: the script exceeded its memory limit of 33554432 bytes")
			// Stopped near the limit: a string doubling overshoots by the
			// one concatenation under way.
			if allocated > 6*limit {
				t.Fatalf("the call allocated %d MiB before it was stopped, the limit is %d MiB", allocated>>20, limit>>20)
			}
			t.Logf("stopped after %v having allocated %d MiB", elapsed, allocated>>20)
			if n := len(r.idle); n != 0 {
				t.Fatalf("the stopped state was pooled (%d idle)", n)
			}
			stillWorks(t, r)
		})
	}
}

// Assigning a far index does not make gopher-lua allocate the array part
// up to it in one instruction.
func TestAFarIndexAllocatesLittle(t *testing.T) {
	r := New(Limits{})
	before := allocatedBytes()
	ok, err := r.InterpretHealth(health(t, `local t = {} t[60000000] = 1 t[262143] = 2 return t[60000000] == 1`), parse(t, cloneSet))
	if err != nil || !ok {
		t.Fatalf("%v, %v", ok, err)
	}
	if allocated := allocatedBytes() - before; allocated > 32<<20 {
		t.Fatalf("the call allocated %d MiB", allocated>>20)
	}
}

func TestDeepRecursion(t *testing.T) {
	r := New(Limits{Timeout: 10 * time.Second})
	for name, body := range map[string]string{
		"a Lua function": `local function depth(n) return 1 + depth(n + 1) end return depth(1) > 0`,
		// Tail calls are ordinary calls (see withoutTailCalls).
		"tail calls":    `local function again(n) return again(n + 1) end return again(1)`,
		"through pcall": `local function depth(n) local ok, v = pcall(depth, n + 1) if not ok then error(v) end return v end return depth(1)`,
		"through a library function": `local function depth(n) return (string.gsub("x", "x", function() return depth(n + 1) end)) end
return depth(1) ~= nil`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := r.InterpretHealth(health(t, body), parse(t, cloneSet))
			wantError(t, err, "InterpretHealth: ", "stack overflow")
			stillWorks(t, r)
		})
	}
}
