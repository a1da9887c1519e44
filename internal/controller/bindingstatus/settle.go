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

package bindingstatus

import (
	"context"
	"maps"
	"strings"
	"sync"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// statusSettle is how long a binding's aggregated status waits for the
// Works just written to report, before it is written with them pending.
// Writing it as each cluster reports cost up to one binding status write
// per cluster and decision, the largest share of a fan-out's API writes.
// Members report within a second when the control plane is idle; under a
// burst of thousands of objects, reports take several seconds, and a short
// deadline would bring the per-cluster writes back.
const statusSettle = 15 * time.Second

// settling remembers, per binding, since when its status write has been
// held back waiting for Work reports. The zero value is ready to use; it
// lives in memory only (after a restart a status is simply written).
type settling struct {
	mu    sync.Mutex
	since map[string]time.Time
}

// wait returns how much longer the status of key may be held back, 0 when
// it must be written now.
func (s *settling) wait(key string, now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.since == nil {
		s.since = map[string]time.Time{}
	}
	first, ok := s.since[key]
	if !ok {
		s.since[key] = now
		return statusSettle
	}
	if left := statusSettle - now.Sub(first); left > 0 {
		return left
	}
	delete(s.since, key)
	return 0
}

func (s *settling) forget(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.since, key)
}

// awaitingReport counts the target clusters, on clusters that are Ready,
// whose Work has not reported on its current spec yet: those report
// shortly. A Work missing from the cache was just created (a Work that
// could not be rendered is in failures). A cluster that is not Ready does
// not report until it returns, so it is not waited for.
func (r *Reconciler) awaitingReport(ctx context.Context, targets []workv1alpha2.TargetCluster, byNS map[string]*workv1alpha1.Work, failures map[string]string) int {
	n := 0
	for _, t := range targets {
		if _, failed := failures[t.Name]; failed {
			continue
		}
		if w := byNS[workv1alpha1.ExecutionNamespace(t.Name)]; w != nil && current(w) {
			continue
		}
		c := &karmadaclusterv1alpha1.Cluster{}
		if err := r.Client.Get(ctx, client.ObjectKey{Name: t.Name}, c); err == nil && apimeta.IsStatusConditionTrue(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady) {
			n++
		}
	}
	return n
}

// sameRendering reports whether the clusters reported as failing to
// render, and their errors, are unchanged, so a held-back status write hides
// no render failure or recovery.
func sameRendering(before, after []workv1alpha2.AggregatedStatusItem) bool {
	failures := func(items []workv1alpha2.AggregatedStatusItem) map[string]string {
		out := map[string]string{}
		for _, it := range items {
			if !it.Applied && strings.HasPrefix(it.AppliedMessage, workv1alpha2.BindingReasonOverrideFailed+": ") {
				out[it.ClusterName] = it.AppliedMessage
			}
		}
		return out
	}
	return maps.Equal(failures(before), failures(after))
}
