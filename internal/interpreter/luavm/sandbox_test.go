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
	"os"
	"path/filepath"
	"testing"

	"kurator.dev/kurator/internal/interpreter"
)

// health compiles code as the body of an InterpretHealth function.
func health(t *testing.T, body string) *Script {
	t.Helper()
	return compile(t, interpreter.OperationInterpretHealth, "function InterpretHealth(obj)\n"+body+"\nend")
}

func TestTheSandboxHasNoWayOut(t *testing.T) {
	r := New(Limits{})
	obj := parse(t, cloneSet)
	for _, name := range []string{
		"io", "debug", "package", "coroutine", "dofile", "loadfile", "load", "loadstring", "collectgarbage",
		"getfenv", "setfenv", "getmetatable", "setmetatable", "rawget", "rawset", "rawequal", "module",
		"newproxy", "_printregs", "os.execute", "os.exit", "os.getenv", "os.remove", "os.rename",
		"os.tmpname", "os.setenv", "os.setlocale", "os.difftime",
	} {
		t.Run(name+" is absent", func(t *testing.T) {
			absent, err := r.InterpretHealth(health(t, "return "+name+" == nil"), obj)
			if err != nil {
				t.Fatal(err)
			}
			if !absent {
				t.Fatalf("%s is available to scripts", name)
			}
		})
	}

	marker := filepath.Join(t.TempDir(), "escaped")
	for name, tc := range map[string]struct{ code, err string }{
		"io.open":           {`io.open("` + marker + `", "w")`, "attempt to index a non-table object(nil) with key 'open'"},
		"os.execute":        {`os.execute("touch ` + marker + `")`, "attempt to call a non-function object"},
		"dofile":            {`dofile("/etc/hostname")`, "attempt to call a non-function object"},
		"load":              {`load("return 1")()`, "attempt to call a non-function object"},
		"loadstring":        {`loadstring("return 1")()`, "attempt to call a non-function object"},
		"require os":        {`require("os")`, `module "os" is not available: scripts can only require "kube"`},
		"require io":        {`require("io")`, `module "io" is not available`},
		"setmetatable":      {`setmetatable({}, {__index = function() return 1 end})`, "attempt to call a non-function object"},
		"string.dump":       {`string.dump(InterpretHealth)`, "does not support"},
		"error propagation": {`error("refused")`, "script:2: refused"},
	} {
		t.Run(name+" fails", func(t *testing.T) {
			_, err := r.InterpretHealth(health(t, tc.code+"\nreturn true"), obj)
			wantError(t, err, "InterpretHealth: ", tc.err)
		})
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Fatalf("a script wrote %s", marker)
	}
}

func TestTheSandboxHasWhatScriptsUse(t *testing.T) {
	ok, err := New(Limits{}).InterpretHealth(health(t, `
local kube = require("kube")
local names = {}
for name in pairs({b = 1, a = 2}) do table.insert(names, name) end
table.sort(names)
local parts = {}
for i, v in ipairs({10, 20}) do parts[#parts + 1] = string.format("%d=%d", i, v) end
local okCall, msg = pcall(function() error("caught") end)
return type(os.time()) == "number" and os.date("%Y", 0) == "1970" and os.clock() >= 0
  and table.concat(names, ",") == "a,b" and table.concat(parts, " ") == "1=10 2=20"
  and math.floor(2.7) == 2 and math.max(1, 3) == 3 and tonumber("12") == 12 and tostring(3) == "3"
  and select("#", 1, 2) == 2 and unpack({7, 8}) == 7 and next({}) == nil
  and not okCall and string.find(msg, "caught") ~= nil
  and ("Web"):lower() == "web" and string.rep("ab", 2) == "abab" and ("a,b"):gsub(",", ";") == "a;b"
  and type(kube.resourceAdd) == "function" and _G.string == string and _VERSION ~= nil
  and print("discarded") == nil`), parse(t, cloneSet))
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("a function scripts use is missing or wrong")
	}
}

// pooled returns the runtime's only idle state, failing unless there is
// exactly one.
func pooled(t *testing.T, r *Runtime) *state {
	t.Helper()
	if n := len(r.idle); n != 1 {
		t.Fatalf("%d idle states, want 1", n)
	}
	st := <-r.idle
	r.idle <- st
	return st
}

func TestGlobalsDoNotLeakBetweenCalls(t *testing.T) {
	r := New(Limits{})
	obj := parse(t, cloneSet)
	run := func(s *Script) bool {
		t.Helper()
		ok, err := r.InterpretHealth(s, obj)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	writer := health(t, `leaked = "from the writer"; _G.alsoLeaked = 1; return true`)
	reader := health(t, `return leaked == nil and alsoLeaked == nil and _G.leaked == nil`)
	counter := health(t, `calls = (calls or 0) + 1; return calls == 1`)
	// The writer's InterpretHealth is a global too.
	replicas := compile(t, interpreter.OperationInterpretReplica, `function GetReplicas(obj) return InterpretHealth == nil and 1 or 0 end`)

	run(writer)
	st := pooled(t, r)
	if !run(reader) {
		t.Fatal("a script sees the globals of the script run before it")
	}
	for range 2 {
		if !run(counter) {
			t.Fatal("a script sees the globals of its own previous call")
		}
	}
	got, err := r.GetReplicas(replicas, obj)
	if err != nil {
		t.Fatal(err)
	}
	if got.Replicas != 1 {
		t.Fatal("a script sees the function another script defined")
	}
	if pooled(t, r) != st {
		t.Fatal("the calls did not share one state; the test proves nothing")
	}
}

func TestAChangedLibraryDoesNotReachTheNextCall(t *testing.T) {
	r := New(Limits{})
	obj := parse(t, cloneSet)
	_, err := r.InterpretHealth(health(t, `string.leaked = true error("and then failed")`), obj)
	wantError(t, err, "and then failed")
	if n := len(r.idle); n != 0 {
		t.Fatalf("the state of a failed call that changed a library was pooled (%d idle)", n)
	}
	patcher := health(t, `
function string.trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end
table.insert = nil
math.pi = 3
return string.trim("  web ") == "web"`)
	ok, err := r.InterpretHealth(patcher, obj)
	if err != nil || !ok {
		t.Fatalf("the patching script does not see its own change: %v, %v", ok, err)
	}
	if n := len(r.idle); n != 0 {
		t.Fatalf("the changed state was pooled (%d idle)", n)
	}
	ok, err = r.InterpretHealth(health(t, `return string.trim == nil and string.leaked == nil and table.insert ~= nil and math.pi > 3.14`), obj)
	if err != nil || !ok {
		t.Fatalf("the next call sees the changed libraries: %v, %v", ok, err)
	}
	if pooled(t, r) == nil {
		t.Fatal("an untouched state was not pooled")
	}
}

func TestBoundedStringFunctions(t *testing.T) {
	r := New(Limits{Memory: 1 << 20})
	obj := parse(t, cloneSet)
	for name, tc := range map[string]struct{ code, err string }{
		"string.rep":                {`string.rep("x", 2 * 1024 * 1024)`, "string.rep would build a string of 2097152 bytes, over the memory limit of 1048576"},
		"string.rep as a method":    {`("xy"):rep(512 * 1024 + 1)`, "string.rep would build a string of 1048578 bytes"},
		"table.concat":              {`local s = string.rep("x", 1000) local t = {} for i = 1, 2000 do t[i] = s end table.concat(t)`, "table.concat would build"},
		"string.gsub with a string": {`string.gsub(string.rep("x", 1000), "x", string.rep("y", 2000))`, "string.gsub would build"},
		"string.gsub with a table":  {`string.gsub(string.rep("x", 1000), "x", {x = string.rep("y", 2000)})`, "string.gsub would build"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := r.InterpretHealth(health(t, tc.code+"\nreturn true"), obj)
			wantError(t, err, tc.err)
		})
	}
	ok, err := r.InterpretHealth(health(t, `return #string.rep("ab", 1000) == 2000 and #table.concat({"a", "b", 3}, "-") == 5
		and string.gsub("a-b", "-", "+") == "a+b" and table.concat({}) == ""`), obj)
	if err != nil || !ok {
		t.Fatalf("bounded functions fail within the limit: %v, %v", ok, err)
	}
}
