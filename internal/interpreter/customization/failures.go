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

package customization

import (
	"sort"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	"kurator.dev/kurator/internal/interpreter"
)

// Failures remembers, per customisation and operation, the last failure of
// a rule at run time, so that the customisation's status can show it. It
// is safe for concurrent use: operations run on every controller's
// goroutines.
type Failures struct {
	Clock clock.PassiveClock
	// Changed is told the customisation whose failures changed in a way its
	// status shows (a first failure, a new message, a recovery); counts
	// alone do not call it, so that a failing script on many objects does
	// not turn into as many status writes.
	Changed func(customization string)

	mu      sync.Mutex
	entries map[failureKey]*configv1alpha1.OperationFailure
}

type failureKey struct {
	customization string
	operation     interpreter.Operation
}

// Failed records a failed run.
func (f *Failures) Failed(customization string, op interpreter.Operation, object string, err error) {
	now := f.now()
	f.mu.Lock()
	if f.entries == nil {
		f.entries = map[failureKey]*configv1alpha1.OperationFailure{}
	}
	k := failureKey{customization, op}
	e := f.entries[k]
	shown := e == nil || e.Recovered || e.Message != err.Error()
	if e == nil {
		e = &configv1alpha1.OperationFailure{Operation: string(op)}
		f.entries[k] = e
	}
	e.Object, e.Message, e.Recovered = object, err.Error(), false
	e.Count++
	e.LastFailureTime = metav1.NewTime(now)
	f.mu.Unlock()
	if shown && f.Changed != nil {
		f.Changed(customization)
	}
}

// Succeeded records a successful run; it matters only after a failure.
func (f *Failures) Succeeded(customization string, op interpreter.Operation) {
	f.mu.Lock()
	e := f.entries[failureKey{customization, op}]
	recovered := e != nil && !e.Recovered
	if recovered {
		e.Recovered = true
	}
	f.mu.Unlock()
	if recovered && f.Changed != nil {
		f.Changed(customization)
	}
}

// Of returns the customisation's failures, by operation.
func (f *Failures) Of(customization string) []configv1alpha1.OperationFailure {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []configv1alpha1.OperationFailure
	for k, e := range f.entries {
		if k.customization == customization {
			out = append(out, *e.DeepCopy())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Operation < out[j].Operation })
	return out
}

// Forget drops the customisation's failures: it changed, or is gone.
func (f *Failures) Forget(customization string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.entries {
		if k.customization == customization {
			delete(f.entries, k)
		}
	}
}

func (f *Failures) now() time.Time {
	if f.Clock == nil {
		return time.Now()
	}
	return f.Clock.Now()
}
