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
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// maxDepth bounds the nesting of converted values: far deeper than any
// Kubernetes object, and it stops a table that contains itself.
const maxDepth = 256

// converter converts the values of one call between JSON-shaped Go
// values (map[string]any, []any, string, bool, int64, float64, nil) and
// Lua values.
//
// An empty Lua table does not say whether it is an empty object or an
// empty array. The tables the converter makes from Go maps and slices
// carry a metatable saying which (an inert one: it has no metamethods,
// and scripts can neither read nor set metatables), so they convert back
// to what they were even when the script emptied them. An empty table the
// script made itself takes the kind of the value at the same path in the
// call's reference objects, and is dropped when none has one.
type converter struct {
	L          *lua.LState
	arrayMark  *lua.LTable
	objectMark *lua.LTable
	refs       []any
	path       []pathStep
}

// pathStep is a key of an object or, when index > 0, an index of an array.
type pathStep struct {
	key   string
	index int
}

func (c *converter) init(L *lua.LState) {
	c.L = L
	c.arrayMark = L.CreateTable(0, 0)
	c.objectMark = L.CreateTable(0, 0)
}

// reset prepares the converter for a call with its reference objects,
// each rooted where the call's results are.
func (c *converter) reset(refs ...any) {
	c.refs = refs
	c.path = c.path[:0]
}

// toLua converts a JSON-shaped Go value into Lua, without modifying it.
func (c *converter) toLua(v any) (lua.LValue, error) {
	return c.goToLua(v, 0)
}

func (c *converter) goToLua(v any, depth int) (lua.LValue, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("the value nests deeper than %d levels", maxDepth)
	}
	switch x := v.(type) {
	case nil:
		return lua.LNil, nil
	case string:
		return lua.LString(x), nil
	case bool:
		return lua.LBool(x), nil
	case int64:
		return lua.LNumber(x), nil
	case int:
		return lua.LNumber(x), nil
	case int32:
		return lua.LNumber(x), nil
	case float64:
		return lua.LNumber(x), nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return nil, fmt.Errorf("number %q: %w", x, err)
		}
		return lua.LNumber(f), nil
	case map[string]any:
		t := c.L.CreateTable(0, len(x))
		t.Metatable = c.objectMark
		for k, e := range x {
			lv, err := c.goToLua(e, depth+1)
			if err != nil {
				return nil, err
			}
			t.RawSetString(k, lv)
		}
		return t, nil
	case []any:
		t := c.L.CreateTable(len(x), 0)
		t.Metatable = c.arrayMark
		for i, e := range x {
			lv, err := c.goToLua(e, depth+1)
			if err != nil {
				return nil, err
			}
			t.RawSetInt(i+1, lv)
		}
		return t, nil
	}
	return nil, fmt.Errorf("a %T cannot be converted to Lua", v)
}

// fromLua converts a Lua value into a JSON-shaped Go value; keep is false
// for an empty table of unknown kind, which its parent drops.
func (c *converter) fromLua(v lua.LValue) (value any, keep bool, err error) {
	return c.luaToGo(v, 0)
}

// object converts a script's result that must be an object; an empty
// table is an empty object.
func (c *converter) object(v lua.LValue) (map[string]any, error) {
	if t, ok := v.(*lua.LTable); !ok {
		return nil, fmt.Errorf("the script returned a %s, not a table", v.Type())
	} else if empty(t) {
		return map[string]any{}, nil
	}
	value, _, err := c.fromLua(v)
	if err != nil {
		return nil, err
	}
	obj, ok := value.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the script returned an array, not an object")
	}
	return obj, nil
}

func (c *converter) luaToGo(v lua.LValue, depth int) (any, bool, error) {
	switch x := v.(type) {
	case *lua.LNilType:
		return nil, true, nil
	case lua.LBool:
		return bool(x), true, nil
	case lua.LString:
		return string(x), true, nil
	case lua.LNumber:
		n, err := number(x)
		if err != nil {
			return nil, false, c.errorAt(err)
		}
		return n, true, nil
	case *lua.LTable:
		if depth > maxDepth {
			return nil, false, c.errorAt(fmt.Errorf("the value nests deeper than %d levels (a table that contains itself?)", maxDepth))
		}
		return c.table(x, depth)
	}
	return nil, false, c.errorAt(fmt.Errorf("a %s cannot be converted to JSON", v.Type()))
}

// number converts a Lua number: integral ones to int64, so that
// unstructured accessors read them, others to float64.
func number(n lua.LNumber) (any, error) {
	f := float64(n)
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return nil, fmt.Errorf("%v is not a JSON number", f)
	case f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64:
		return int64(f), nil
	}
	return f, nil
}

// table converts a table: keys exactly 1..n make an array, string keys
// an object; a marked array may have holes, which become nulls.
func (c *converter) table(t *lua.LTable, depth int) (any, bool, error) {
	var (
		obj       map[string]any
		hasKeys   bool
		indexes   int
		lastIndex int
		err       error
	)
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		switch key := k.(type) {
		case lua.LString:
			hasKeys = true
			c.path = append(c.path, pathStep{key: string(key)})
			value, keep, e := c.luaToGo(v, depth+1)
			c.path = c.path[:len(c.path)-1]
			if e != nil {
				err = e
				return
			}
			if keep {
				if obj == nil {
					obj = map[string]any{}
				}
				obj[string(key)] = value
			}
		case lua.LNumber:
			if f := float64(key); f >= 1 && f == math.Trunc(f) && f <= math.MaxInt32 {
				indexes++
				lastIndex = max(lastIndex, int(f))
				return
			}
			err = c.errorAt(fmt.Errorf("a table has the key %v, which is neither a string nor an array index", key))
		default:
			err = c.errorAt(fmt.Errorf("a table has a %s key", k.Type()))
		}
	})
	switch {
	case err != nil:
		return nil, false, err
	case hasKeys && indexes > 0:
		return nil, false, c.errorAt(fmt.Errorf("a table has both string keys and array indexes"))
	case hasKeys:
		if obj == nil {
			obj = map[string]any{}
		}
		return obj, true, nil
	case indexes > 0:
		if indexes != lastIndex && t.Metatable != c.arrayMark {
			return nil, false, c.errorAt(fmt.Errorf("a table has indexes up to %d but only %d values: an array cannot have holes", lastIndex, indexes))
		}
		return c.array(t, lastIndex, depth)
	}
	return c.emptyTable(t)
}

func (c *converter) array(t *lua.LTable, n int, depth int) (any, bool, error) {
	arr := make([]any, 0, n)
	for i := 1; i <= n; i++ {
		c.path = append(c.path, pathStep{index: i})
		value, keep, err := c.luaToGo(t.RawGet(lua.LNumber(i)), depth+1)
		c.path = c.path[:len(c.path)-1]
		if err != nil {
			return nil, false, err
		}
		if keep {
			arr = append(arr, value)
		}
	}
	return arr, true, nil
}

// emptyTable is an empty table: a marked one converts back to what it
// was; another takes the kind the reference objects have at its path,
// and is dropped when they have none.
func (c *converter) emptyTable(t *lua.LTable) (any, bool, error) {
	switch t.Metatable {
	case c.arrayMark:
		return []any{}, true, nil
	case c.objectMark:
		return map[string]any{}, true, nil
	}
	for _, ref := range c.refs {
		switch kindAt(ref, c.path) {
		case kindArray:
			return []any{}, true, nil
		case kindObject:
			return map[string]any{}, true, nil
		}
	}
	return nil, false, nil
}

type kind int

const (
	kindNone kind = iota
	kindArray
	kindObject
)

// kindAt is the kind of the object or array at path in ref. An index
// finds the element at the same index first, then any element, since a
// script may have added, removed or reordered elements.
func kindAt(ref any, path []pathStep) kind {
	if len(path) == 0 {
		switch ref.(type) {
		case []any:
			return kindArray
		case map[string]any:
			return kindObject
		}
		return kindNone
	}
	step := path[0]
	if step.index == 0 {
		m, _ := ref.(map[string]any)
		return kindAt(m[step.key], path[1:])
	}
	elems, _ := ref.([]any)
	if step.index <= len(elems) {
		if k := kindAt(elems[step.index-1], path[1:]); k != kindNone {
			return k
		}
	}
	for _, e := range elems {
		if k := kindAt(e, path[1:]); k != kindNone {
			return k
		}
	}
	return kindNone
}

func empty(t *lua.LTable) bool {
	k, _ := t.Next(lua.LNil)
	return k == lua.LNil
}

// errorAt prefixes err with the path being converted.
func (c *converter) errorAt(err error) error {
	if len(c.path) == 0 {
		return err
	}
	var b strings.Builder
	for _, step := range c.path {
		if step.index > 0 {
			b.WriteString("[" + strconv.Itoa(step.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(step.key)
	}
	return fmt.Errorf("at %s: %w", b.String(), err)
}
