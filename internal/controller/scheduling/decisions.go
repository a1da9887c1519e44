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

package scheduling

import "sync"

// decisions remembers, per binding, the generation the scheduler last
// wrote a successful decision for. Writing spec.clusters bumps the
// generation and wakes the scheduler again, and that reconcile may read the
// binding from a cache that has the spec write but not yet the status
// write; without this it would decide again and write the same decision's
// status twice. It also remembers the clusterAffinities term of that
// decision: scheduling starts from it, and a stale status naming the term
// before a failback must not send the workload back. The zero value is
// ready to use.
type decisions struct {
	mu         sync.Mutex
	generation map[string]int64
	term       map[string]string
}

func (d *decisions) record(key string, generation int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.generation == nil {
		d.generation = map[string]int64{}
	}
	d.generation[key] = generation
}

// recordTerm records a successful decision and the affinity term it was
// made with.
func (d *decisions) recordTerm(key string, generation int64, term string) {
	d.record(key, generation)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.term == nil {
		d.term = map[string]string{}
	}
	d.term[key] = term
}

// observedTerm returns the affinity term of the decision written for this
// generation of the binding, if this process wrote it.
func (d *decisions) observedTerm(key string, generation int64) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, ok := d.generation[key]
	if !ok || g != generation {
		return "", false
	}
	t, ok := d.term[key]
	return t, ok
}

// decided reports whether a successful decision was written for this
// generation of the binding.
func (d *decisions) decided(key string, generation int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, ok := d.generation[key]
	return ok && g == generation
}

func (d *decisions) forget(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.generation, key)
	delete(d.term, key)
}
