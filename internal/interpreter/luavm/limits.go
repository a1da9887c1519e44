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
	"runtime/metrics"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Limits bound one call of a script. Zero values take the defaults.
type Limits struct {
	// Timeout is the longest a call may run (default DefaultTimeout).
	Timeout time.Duration
	// Memory is how many bytes a call may allocate (default
	// DefaultMemory); see the package documentation for how it is
	// counted.
	Memory int64
}

// The default limits.
const (
	DefaultTimeout = time.Second
	DefaultMemory  = 64 << 20
)

// ErrTimeout and ErrMemoryLimit are the errors of a call stopped by its
// limits; errors.Is finds them in what the operations return.
var (
	ErrTimeout     = errors.New("the script exceeded its time limit")
	ErrMemoryLimit = errors.New("the script exceeded its memory limit")
)

func (l Limits) withDefaults() Limits {
	if l.Timeout <= 0 {
		l.Timeout = DefaultTimeout
	}
	if l.Memory <= 0 {
		l.Memory = DefaultMemory
	}
	return l
}

// The stacks of a state. Deep recursion runs out of call frames or
// registers and fails with a Lua error; both are bounded, and small when
// a state is pooled.
const (
	callStackSize   = 200      // nested calls: far more than interpreter scripts make
	registrySize    = 4 << 10  // values on the stack at first,
	registryMaxSize = 64 << 10 // and at most (1 MiB)
)

// maxArrayIndex bounds the array part of a Lua table. gopher-lua fills
// the array part up to the highest index assigned, so with its default
// (64M) a single `t[60000000] = 1` allocates a gigabyte in one
// instruction, before the memory watch can stop it. Above this index the
// keys go to the hash part, which grows one entry at a time. The variable
// is gopher-lua's process-wide setting; this package is its only user.
const maxArrayIndex = 1 << 18

func init() {
	lua.MaxArrayIndex = maxArrayIndex
}

// The memory watch starts once a call has run for sampleAfter and then
// samples every sampleEvery: a call that finishes sooner (every ordinary
// script) pays for one timer and nothing else.
const (
	sampleAfter = 2 * time.Millisecond
	sampleEvery = time.Millisecond
)

// allocatedBytes is the process's cumulative count of heap allocations.
func allocatedBytes() uint64 {
	sample := [1]metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(sample[:])
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// watch cancels ctx with ErrTimeout once the call has run past the
// timeout, or with ErrMemoryLimit once the process has allocated more
// than the memory limit since the watch started sampling. It returns the
// function that stops it, to call when the call returns.
func watch(ctx context.Context, cancel context.CancelCauseFunc, limits Limits) (stop func()) {
	deadline := time.Now().Add(limits.Timeout)
	timer := time.AfterFunc(min(sampleAfter, limits.Timeout), func() {
		base := allocatedBytes()
		ticker := time.NewTicker(sampleEvery)
		defer ticker.Stop()
		for {
			if !time.Now().Before(deadline) {
				cancel(fmt.Errorf("%w of %v", ErrTimeout, limits.Timeout))
				return
			}
			if allocated := allocatedBytes() - base; allocated > uint64(limits.Memory) {
				cancel(fmt.Errorf("%w of %d bytes (%d allocated)", ErrMemoryLimit, limits.Memory, allocated))
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	})
	return func() { timer.Stop() }
}
