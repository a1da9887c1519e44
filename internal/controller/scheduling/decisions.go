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

import (
	"crypto/sha256"
	"encoding/json"
	"sync"
)

// decisions remembers, per binding, the generation the scheduler last
// wrote a successful decision for, and a digest of the status it wrote.
// Writing spec.clusters bumps the generation and wakes the scheduler again,
// and that reconcile may read the binding from a cache that has the spec
// write but not yet the status write; without this it would decide again
// and write the same status twice. The zero value is ready to use.
type decisions struct {
	mu      sync.Mutex
	written map[string]writtenDecision
}

type writtenDecision struct {
	generation int64
	status     [sha256.Size]byte
}

// digest leaves out lastScheduledTime: a reconcile reading a stale status
// would stamp a new time on the same decision.
func digest(status schedulingStatus) [sha256.Size]byte {
	status.LastScheduledTime = nil
	raw, _ := json.Marshal(status)
	return sha256.Sum256(raw)
}

func (d *decisions) record(key string, generation int64, status schedulingStatus) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.written == nil {
		d.written = map[string]writtenDecision{}
	}
	d.written[key] = writtenDecision{generation: generation, status: digest(status)}
}

// decided reports whether a successful decision was written for this
// generation of the binding.
func (d *decisions) decided(key string, generation int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	w, ok := d.written[key]
	return ok && w.generation == generation
}

// wrote reports whether exactly this status was written for this
// generation.
func (d *decisions) wrote(key string, generation int64, status schedulingStatus) bool {
	d.mu.Lock()
	w, ok := d.written[key]
	d.mu.Unlock()
	return ok && w.generation == generation && w.status == digest(status)
}

func (d *decisions) forget(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.written, key)
}
