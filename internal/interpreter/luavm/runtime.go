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
	"context"
	"errors"
	"fmt"
	"runtime"

	lua "github.com/yuin/gopher-lua"
)

// Runtime runs compiled scripts in sandboxed Lua states within its
// limits. It is safe for concurrent use: each call takes a state of its
// own from a pool.
type Runtime struct {
	limits Limits
	idle   chan *state
}

// New returns a runtime with the limits (zero fields take the defaults).
func New(limits Limits) *Runtime {
	return &Runtime{
		limits: limits.withDefaults(),
		idle:   make(chan *state, max(8, 2*runtime.GOMAXPROCS(0))),
	}
}

// Limits are the runtime's limits, defaults filled in.
func (r *Runtime) Limits() Limits { return r.limits }

func (r *Runtime) get() (*state, error) {
	select {
	case st := <-r.idle:
		return st, nil
	default:
		return newState(r.limits)
	}
}

func (r *Runtime) put(st *state) {
	select {
	case r.idle <- st:
	default:
		st.close()
	}
}

// invocation is one call of a script's function: its arguments, built on
// the call's state, the number of its results and what to make of them.
// refs are the objects the converter resolves the script's empty tables
// by, rooted where the results are. An invocation without args only runs
// the chunk and checks that it defines the function.
type invocation struct {
	refs    []any
	args    func(c *converter) ([]lua.LValue, error)
	results int
	use     func(c *converter, results []lua.LValue) error
}

// call runs the script's chunk in a fresh environment, then its function
// with the invocation's arguments. Errors name the operation.
func (r *Runtime) call(s *Script, inv invocation) (err error) {
	if s == nil {
		return errors.New("no script")
	}
	st, err := r.get()
	if err != nil {
		return fmt.Errorf("%s: %w", s.operation, err)
	}
	reusable := false
	defer func() {
		if p := recover(); p != nil {
			reusable = false
			err = fmt.Errorf("the Lua runtime panicked: %v", p)
		}
		if reusable {
			st.L.RemoveContext()
			r.put(st)
		} else {
			st.close()
		}
		if err != nil {
			err = fmt.Errorf("%s: %w", s.operation, err)
		}
	}()

	ctx, cancel := context.WithCancelCause(context.Background())
	stop := watch(ctx, cancel, r.limits)
	defer func() {
		stop()
		cancel(nil)
	}()
	L := st.L
	L.SetContext(ctx)
	st.conv.reset(inv.refs...)
	// fail explains a failed Lua call; its state is reused only after a
	// plain Lua error that left the sandbox as it was.
	fail := func(err error) error {
		recoverable, explained := failure(ctx, err)
		reusable = recoverable && st.untouched()
		return explained
	}

	chunk := L.NewFunctionFromProto(s.proto)
	env := st.environment()
	chunk.Env = env
	if err := L.CallByParam(lua.P{Fn: chunk, Protect: true}); err != nil {
		return fail(err)
	}
	fn, ok := env.RawGetString(s.function).(*lua.LFunction)
	if !ok || inv.args == nil {
		reusable = st.untouched()
		if !ok {
			return fmt.Errorf("the script defines no function %s", s.function)
		}
		return nil
	}

	args, err := inv.args(&st.conv)
	if err != nil {
		L.SetTop(0)
		reusable = st.untouched()
		return err
	}
	if err := L.CallByParam(lua.P{Fn: fn, NRet: inv.results, Protect: true}, args...); err != nil {
		return fail(err)
	}
	results := make([]lua.LValue, inv.results)
	for i := range results {
		results[i] = L.Get(i - inv.results)
	}
	L.Pop(inv.results)
	reusable = st.untouched()
	return inv.use(&st.conv, results)
}

// failure reports whether the state of a failed call can be reused (not
// after a limit stopped it or Go code panicked in it) and explains the
// failure.
func failure(ctx context.Context, err error) (recoverable bool, _ error) {
	if ctx.Err() != nil {
		if cause := context.Cause(ctx); errors.Is(cause, ErrTimeout) || errors.Is(cause, ErrMemoryLimit) {
			return false, cause
		}
	}
	var apiErr *lua.ApiError
	if errors.As(err, &apiErr) {
		// The message has the script's line; the traceback, gopher-lua's
		// frames, says nothing more to the script's author.
		return apiErr.Type != lua.ApiErrorPanic, errors.New(apiErr.Object.String())
	}
	return false, err
}
