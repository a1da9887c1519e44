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

package execution

import (
	"crypto/sha256"
	"encoding/json"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// statusMemo remembers the last status written per Work and the version it
// was written over. A member event soon after an apply reconciles the Work
// from a cache that may not have that write yet: the status computed again
// is the same, and patching the stale version would only fail with a
// conflict and retry. The zero value is ready to use.
type statusMemo struct {
	mu      sync.Mutex
	written map[types.NamespacedName]writtenStatus
}

type writtenStatus struct {
	overVersion string
	generation  int64
	digest      [sha256.Size]byte
}

// statusDigest leaves out transition times: a condition recomputed over a
// stale copy gets a new one.
func statusDigest(status workv1alpha1.WorkStatus) [sha256.Size]byte {
	conds := make([]metav1.Condition, len(status.Conditions))
	for i, c := range status.Conditions {
		c.LastTransitionTime = metav1.Time{}
		conds[i] = c
	}
	status.Conditions = conds
	raw, _ := json.Marshal(status)
	return sha256.Sum256(raw)
}

func (m *statusMemo) record(key types.NamespacedName, overVersion string, generation int64, status workv1alpha1.WorkStatus) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.written == nil {
		m.written = map[types.NamespacedName]writtenStatus{}
	}
	m.written[key] = writtenStatus{overVersion: overVersion, generation: generation, digest: statusDigest(status)}
}

// alreadyWritten reports whether status was written over exactly the
// version read, for the same generation.
func (m *statusMemo) alreadyWritten(key types.NamespacedName, readVersion string, generation int64, status workv1alpha1.WorkStatus) bool {
	m.mu.Lock()
	w, ok := m.written[key]
	m.mu.Unlock()
	return ok && w.overVersion == readVersion && w.generation == generation && w.digest == statusDigest(status)
}

func (m *statusMemo) forget(key types.NamespacedName) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.written, key)
}

// availability remembers, per Work, the generation at which it was last
// Available, so that becoming Available again (a recovery) is an event and
// the end of every first rollout is not: on a fan-out of Deployments that
// was one event per Work. The zero value is ready to use.
type availability struct {
	mu         sync.Mutex
	generation map[types.NamespacedName]int64
}

// observe records whether the Work is Available now and reports whether it
// had been Available before at this generation.
func (a *availability) observe(key types.NamespacedName, generation int64, available bool) (wasBefore bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	g, ok := a.generation[key]
	wasBefore = ok && g == generation
	if available {
		if a.generation == nil {
			a.generation = map[types.NamespacedName]int64{}
		}
		a.generation[key] = generation
	}
	return wasBefore
}

func (a *availability) forget(key types.NamespacedName) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.generation, key)
}
