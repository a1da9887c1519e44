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
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// state is one pooled Lua state with its sandbox.
type state struct {
	L *lua.LState
	// envMeta is the metatable of every call's environment: globals the
	// call does not define itself read through to the sandbox's.
	envMeta *lua.LTable
	// shared are the tables every call reads (the sandbox globals and the
	// libraries) as they were built; a call that changed one leaves a
	// state that is not reused (see untouched).
	shared []sharedTable
	// conv converts the current call's values.
	conv converter
}

type sharedTable struct {
	table   *lua.LTable
	entries map[string]lua.LValue
}

// removedGlobals are the base functions a script must not have: loading
// code, reaching the environment or metatables (which would let a script
// escape its environment or change the library tables' behaviour for
// other scripts), the garbage collector, and output (print is replaced).
var removedGlobals = []string{
	"collectgarbage", "dofile", "getfenv", "getmetatable", "load", "loadfile", "loadstring",
	"module", "newproxy", "_printregs", "rawequal", "rawget", "rawset", "require",
	"setfenv", "setmetatable",
}

// safeOSFunctions are the os functions a script keeps: reading the clock.
var safeOSFunctions = []string{"clock", "date", "time"}

func newState(limits Limits) (*state, error) {
	L := lua.NewState(lua.Options{
		SkipOpenLibs:    true,
		CallStackSize:   callStackSize,
		RegistrySize:    registrySize,
		RegistryMaxSize: registryMaxSize,
	})
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.OsLibName, lua.OpenOs},
	} {
		if err := L.CallByParam(lua.P{Fn: L.NewFunction(lib.open), Protect: true}, lua.LString(lib.name)); err != nil {
			L.Close()
			return nil, fmt.Errorf("opening Lua library %q: %w", lib.name, err)
		}
	}
	st := &state{L: L}
	globals := L.G.Global
	for _, name := range removedGlobals {
		globals.RawSetString(name, lua.LNil)
	}

	// The os library, and its entry among the loaded modules, keep only
	// the clock.
	fullOS, _ := globals.RawGetString(lua.OsLibName).(*lua.LTable)
	safeOS := L.CreateTable(0, len(safeOSFunctions))
	for _, name := range safeOSFunctions {
		safeOS.RawSetString(name, fullOS.RawGetString(name))
	}
	globals.RawSetString(lua.OsLibName, safeOS)
	if loaded, ok := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable); ok {
		loaded.RawSetString(lua.OsLibName, safeOS)
	}

	stringLib, _ := globals.RawGetString(lua.StringLibName).(*lua.LTable)
	tableLib, _ := globals.RawGetString(lua.TabLibName).(*lua.LTable)
	mathLib, _ := globals.RawGetString(lua.MathLibName).(*lua.LTable)
	bounded := boundedStrings{limit: limits.Memory}
	bounded.gsub = stringLib.RawGetString("gsub").(*lua.LFunction).GFunction
	stringLib.RawSetString("rep", L.NewFunction(bounded.rep))
	stringLib.RawSetString("gsub", L.NewFunction(bounded.gsubChecked))
	tableLib.RawSetString("concat", L.NewFunction(bounded.concat))

	// Scripts written for Karmada may print while debugging; the output
	// goes nowhere rather than to the controller's stdout.
	globals.RawSetString("print", L.NewFunction(func(*lua.LState) int { return 0 }))
	kube := newKubeLibrary(L, &st.conv)
	globals.RawSetString("require", L.NewFunction(func(L *lua.LState) int {
		if name := L.CheckString(1); name != kubeLibName {
			L.RaiseError("module %q is not available: scripts can only require %q", name, kubeLibName)
		}
		L.Push(kube)
		return 1
	}))

	st.envMeta = L.CreateTable(0, 1)
	st.envMeta.RawSetString("__index", globals)
	for _, t := range []*lua.LTable{globals, stringLib, tableLib, mathLib, safeOS, kube} {
		st.shared = append(st.shared, snapshot(t))
	}
	st.conv.init(L)
	return st, nil
}

func snapshot(t *lua.LTable) sharedTable {
	entries := map[string]lua.LValue{}
	t.ForEach(func(k, v lua.LValue) { entries[k.String()] = v })
	return sharedTable{table: t, entries: entries}
}

// untouched reports whether no call has changed the sandbox: added,
// replaced or removed a global or a library function (`string.x = ...`,
// `function table.contains(...)`). Such a change would reach the scripts
// run later on this state, so a changed state is closed instead of being
// pooled. (Scripts cannot reach the tables otherwise: _G in a call is its
// own environment, and metatables are out of reach.)
func (st *state) untouched() bool {
	for _, s := range st.shared {
		n := 0
		// Next, unlike ForEach, hands out the keys it holds: no allocation.
		for k, v := s.table.Next(lua.LNil); k != lua.LNil; k, v = s.table.Next(k) {
			key, ok := k.(lua.LString)
			if !ok || s.entries[string(key)] != v {
				return false
			}
			n++
		}
		if n != len(s.entries) {
			return false
		}
	}
	return true
}

// environment returns a fresh environment for one call: its own globals,
// reading through to the sandbox's, and _G naming itself so that
// `_G.x = 1` stays in the call too.
func (st *state) environment() *lua.LTable {
	env := st.L.CreateTable(0, 4)
	env.RawSetString("_G", env)
	env.Metatable = st.envMeta
	return env
}

func (st *state) close() { st.L.Close() }

// boundedStrings are the string functions whose result a script chooses
// the size of in one call: they refuse a result larger than the memory
// limit, which the memory watch could only see once it had been built.
type boundedStrings struct {
	limit int64
	gsub  lua.LGFunction
}

func (b boundedStrings) check(L *lua.LState, fn string, size float64) {
	if size > float64(b.limit) {
		L.RaiseError("%s would build a string of %.0f bytes, over the memory limit of %d", fn, size, b.limit)
	}
}

// rep is string.rep(s, n).
func (b boundedStrings) rep(L *lua.LState) int {
	s, n := L.CheckString(1), L.CheckInt64(2)
	if n <= 0 {
		L.Push(lua.LString(""))
		return 1
	}
	b.check(L, "string.rep", float64(n)*float64(len(s)))
	L.Push(lua.LString(strings.Repeat(s, int(n))))
	return 1
}

// concat is table.concat(t [, sep [, i [, j]]]), which sizes its result
// before building it.
func (b boundedStrings) concat(L *lua.LState) int {
	t := L.CheckTable(1)
	sep := L.OptString(2, "")
	first, last := L.OptInt(3, 1), L.OptInt(4, t.Len())
	if first > last {
		L.Push(lua.LString(""))
		return 1
	}
	parts := make([]string, 0, 16)
	size := 0.0
	for i := first; i <= last; i++ {
		v := t.RawGet(lua.LNumber(i))
		switch v.(type) {
		case lua.LString, lua.LNumber:
		default:
			L.RaiseError("invalid value (%s) at index %d in table for concat", v.Type(), i)
		}
		part := v.String()
		size += float64(len(part) + len(sep))
		b.check(L, "table.concat", size-float64(len(sep)))
		parts = append(parts, part)
	}
	L.Push(lua.LString(strings.Join(parts, sep)))
	return 1
}

// gsubChecked is string.gsub(s, pattern, repl [, n]) that first bounds
// the size of the result of a string or table replacement: every match
// is replaced by at most the longest replacement, and each capture a
// replacement string inserts adds at most the subject again. (A function
// replacement runs Lua between matches, where the memory watch can stop
// it.)
func (b boundedStrings) gsubChecked(L *lua.LState) int {
	s := L.CheckString(1)
	subject := float64(len(s))
	matches := subject + 1
	if n := L.OptInt64(4, -1); n >= 0 && float64(n) < matches {
		matches = float64(n)
	}
	var longest, captures float64
	switch repl := L.Get(3).(type) {
	case lua.LString:
		longest = float64(len(repl))
		captures = float64(strings.Count(string(repl), "%"))
	case *lua.LTable:
		repl.ForEach(func(_, v lua.LValue) {
			switch v.(type) {
			case lua.LString, lua.LNumber:
				longest = max(longest, float64(len(v.String())))
			}
		})
	}
	// A position capture inserts a number of at most 20 digits per match.
	b.check(L, "string.gsub", subject+matches*longest+captures*(subject+20*matches))
	return b.gsub(L)
}
