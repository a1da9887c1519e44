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
	"context"
	"encoding/json"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// failbackPlan is a decision that returns replicas to the clusters the
// policy's static weights give them to.
type failbackPlan struct {
	workload    *framework.Workload
	clusters    []workv1alpha2.TargetCluster
	annotations map[string]string
}

// failback plans a failback for a binding whose policy asks for it
// (policyv1alpha1.FailbackAnnotation) and is divided by static weights: when
// a decision made from scratch gives replicas to clusters the current one
// does not, and each of those has been Ready for the window, it returns the
// plan; when one of them is Ready but not for long enough, how long to wait.
// Nothing happens during an eviction or while an earlier failback has not
// finished.
func (r *Reconciler) failback(ctx context.Context, b workv1alpha2.Binding, snap *framework.Snapshot) (*failbackPlan, time.Duration) {
	spec := b.BindingSpec()
	raw, ok := b.GetAnnotations()[policyv1alpha1.FailbackAnnotation]
	if !ok || len(spec.Clusters) == 0 || len(spec.GracefulEvictionTasks) > 0 || spec.Placement.ReplicaScheduling == nil ||
		spec.Placement.ReplicaScheduling.WeightPreference == nil || len(spec.Placement.ReplicaScheduling.WeightPreference.StaticWeightList) == 0 {
		return nil, 0
	}
	if _, busy := b.GetAnnotations()[workv1alpha2.FailbackFromAnnotation]; busy {
		return nil, 0
	}
	window, err := time.ParseDuration(raw)
	if err != nil || window < 0 {
		return nil, 0
	}
	w := propagation.Workload(b)
	w.Fresh = true
	res, err := r.Scheduler.Schedule(ctx, snap, w)
	if err != nil {
		return nil, 0
	}
	current := map[string]int32{}
	for _, t := range spec.Clusters {
		current[t.Name] = t.Replicas
	}
	byName := map[string]*karmadaclusterv1alpha1.Cluster{}
	for _, c := range snap.Clusters {
		byName[c.Name()] = c.Cluster
	}
	now := r.Clock.Now()
	var wait time.Duration
	gains := false
	planned := make([]workv1alpha2.TargetCluster, 0, len(res.Clusters))
	next := map[string]bool{}
	for _, t := range res.Clusters {
		planned = append(planned, workv1alpha2.TargetCluster{Name: t.Name, Replicas: int32(t.Replicas)})
		next[t.Name] = true
		if int32(t.Replicas) <= current[t.Name] {
			continue
		}
		gains = true
		c := byName[t.Name]
		if c == nil {
			return nil, 0
		}
		ready := apimeta.FindStatusCondition(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)
		if ready == nil || ready.Status != metav1.ConditionTrue {
			return nil, 0
		}
		if left := ready.LastTransitionTime.Add(window).Sub(now); left > wait {
			wait = left
		}
	}
	if !gains {
		return nil, 0
	}
	if wait > 0 {
		return nil, wait
	}
	// The clusters giving replicas back keep them until the new placement
	// is healthy: the ready count never drops on the way.
	from := map[string]int32{}
	for _, t := range spec.Clusters {
		if !next[t.Name] || t.Replicas > replicasOf(res.Clusters, t.Name) {
			from[t.Name] = t.Replicas
		}
	}
	encoded, err := json.Marshal(from)
	if err != nil {
		return nil, 0
	}
	return &failbackPlan{workload: w, clusters: planned, annotations: map[string]string{workv1alpha2.FailbackFromAnnotation: string(encoded)}}, 0
}

func replicasOf(ts []framework.TargetCluster, name string) int32 {
	for _, t := range ts {
		if t.Name == name {
			return int32(t.Replicas)
		}
	}
	return 0
}

// shortest is the smaller positive duration (0: none).
func shortest(a, b time.Duration) time.Duration {
	if a == 0 || (b > 0 && b < a) {
		return b
	}
	return a
}
