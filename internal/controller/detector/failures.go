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

package detector

import "sync"

// bindFailures remembers, per template, the last error that kept its
// binding from being built, so that BindingFailed is recorded when a
// failure starts or its message changes, not on every retry. An entry is
// dropped when the template binds, is no longer claimed or goes away, so
// the memo never holds more than the templates that currently fail.
type bindFailures struct {
	mu   sync.Mutex
	last map[key]string
}

// record notes msg as k's failure and reports whether it is new: the first
// failure since k last bound, or a different message.
func (f *bindFailures) record(k key, msg string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last == nil {
		f.last = map[key]string{}
	}
	last, failed := f.last[k]
	f.last[k] = msg
	return !failed || last != msg
}

// forget drops k's failure and reports whether it had one.
func (f *bindFailures) forget(k key) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, failed := f.last[k]
	delete(f.last, k)
	return failed
}
