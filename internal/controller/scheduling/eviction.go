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
	"time"

	corev1 "k8s.io/api/core/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/failover"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// evict takes the target clusters whose NoExecute taints the placement does
// not tolerate out of the binding's decision (in memory), recording
// graceful eviction tasks, so that this reconcile reschedules its replicas
// onto the remaining clusters and writes both at once. It returns whether
// it evicted, and how long until a toleration with tolerationSeconds runs
// out.
func (r *Reconciler) evict(b workv1alpha2.Binding, infos []*framework.ClusterInfo) (bool, time.Duration) {
	spec := b.BindingSpec()
	if len(spec.Clusters) == 0 {
		return false, 0
	}
	byName := make(map[string]*karmadaclusterv1alpha1.Cluster, len(infos))
	for _, c := range infos {
		byName[c.Name()] = c.Cluster
	}
	evictions, left := failover.Untolerated(spec.Clusters, byName, spec.Placement.EffectiveClusterTolerations(), r.Clock.Now())
	if len(evictions) == 0 {
		return false, left
	}
	failover.Evict(spec, evictions, r.Clock.Now())
	for _, e := range evictions {
		r.Recorder.Eventf(b, nil, corev1.EventTypeWarning, "EvictCluster", "Evict",
			"Evicting from cluster %s: taint %s:%s is not tolerated (purge mode %s)", e.Cluster, e.Taint.Key, e.Taint.Effect, failover.PurgeMode(spec))
	}
	return true, left
}

// withoutEvicted leaves out the clusters the binding is being evicted from:
// its replacement must go elsewhere (an application failure is no taint the
// filters would see).
func withoutEvicted(infos []*framework.ClusterInfo, spec *workv1alpha2.ResourceBindingSpec) []*framework.ClusterInfo {
	excluded := failover.Excluded(spec)
	if len(excluded) == 0 {
		return infos
	}
	out := make([]*framework.ClusterInfo, 0, len(infos))
	for _, c := range infos {
		if !excluded[c.Name()] {
			out = append(out, c)
		}
	}
	return out
}
