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
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// failbackPlan is a decision that returns replicas to the placement the
// policy prefers: the clusters its static weights give them to, or the
// earliest clusterAffinities term that fits.
type failbackPlan struct {
	workload    *framework.Workload
	clusters    []workv1alpha2.TargetCluster
	annotations map[string]string
}

// failbackWindow is how long a returning cluster must have been Ready, when
// the binding's policy opted into failback (policyv1alpha1.FailbackAnnotation).
func failbackWindow(b workv1alpha2.Binding) (time.Duration, bool) {
	raw, ok := b.GetAnnotations()[policyv1alpha1.FailbackAnnotation]
	if !ok {
		return 0, false
	}
	window, err := time.ParseDuration(raw)
	if err != nil || window < 0 {
		return 0, false
	}
	return window, true
}

// failbackCovers reports whether the placement has a preferred placement to
// return to: static weights, or ordered clusterAffinities (in Cascade mode,
// their tiers). Each kind that can fail back joins here; the plan below is
// the same for all.
func failbackCovers(p *policyv1alpha1.Placement) bool {
	return staticWeightList(p) || len(p.ClusterAffinities) > 1 || p.CascadesTiers()
}

func staticWeightList(p *policyv1alpha1.Placement) bool {
	rs := p.ReplicaScheduling
	return rs != nil && rs.WeightPreference != nil && len(rs.WeightPreference.StaticWeightList) > 0
}

// failback plans a failback for a binding whose policy asks for it: when a
// fresh decision (from the first affinity term, dividing from scratch)
// moves the workload to an earlier term than the one it runs on, or, on the
// same term, gives static-weight replicas to clusters the current decision
// does not, and each cluster gaining replicas has been Ready for the window,
// it returns the plan; when one of them is Ready but not for long enough,
// how long to wait. Nothing happens during an eviction or while an earlier
// failback has not finished.
func (r *Reconciler) failback(ctx context.Context, b workv1alpha2.Binding, snap *framework.Snapshot) (*failbackPlan, time.Duration) {
	spec := b.BindingSpec()
	window, on := failbackWindow(b)
	if !on || len(spec.Clusters) == 0 || len(spec.GracefulEvictionTasks) > 0 || !failbackCovers(spec.Placement) {
		return nil, 0
	}
	if _, busy := b.GetAnnotations()[workv1alpha2.FailbackFromAnnotation]; busy {
		return nil, 0
	}
	w := r.workload(b)
	w.Fresh = true
	res, err := r.Scheduler.Schedule(ctx, snap, w)
	if err != nil {
		return nil, 0
	}
	if !returnsEarlier(spec.Placement, w.ObservedAffinity, res) && !consolidates(spec.Placement, snap, spec.Clusters, res.Clusters) {
		return nil, 0
	}
	current := map[string]int32{}
	for _, t := range spec.Clusters {
		current[t.Name] = t.Replicas
	}
	var gaining []string
	planned := make([]workv1alpha2.TargetCluster, 0, len(res.Clusters))
	for _, t := range res.Clusters {
		planned = append(planned, workv1alpha2.TargetCluster{Name: t.Name, Replicas: int32(t.Replicas)})
		if int32(t.Replicas) > current[t.Name] || (t.Replicas == 0 && !hasTarget(spec.Clusters, t.Name)) {
			gaining = append(gaining, t.Name)
		}
	}
	if len(gaining) == 0 {
		return nil, 0
	}
	wait, ready := readyFor(snap, gaining, window, r.Clock.Now())
	if !ready {
		return nil, 0
	}
	if wait > 0 {
		return nil, wait
	}
	// The clusters giving replicas back keep them until the new placement
	// is healthy: the ready count never drops on the way.
	encoded, err := json.Marshal(givingUp(spec.Clusters, res.Clusters))
	if err != nil {
		return nil, 0
	}
	return &failbackPlan{workload: w, clusters: planned, annotations: map[string]string{workv1alpha2.FailbackFromAnnotation: string(encoded)}}, 0
}

// workload is the binding's workload for the scheduler. The affinity term
// it starts from is that of the decision this process wrote for the
// binding's generation when it has one: the status read may predate it.
func (r *Reconciler) workload(b workv1alpha2.Binding) *framework.Workload {
	w := propagation.Workload(b)
	if r.Clock != nil {
		w.Now = r.Clock.Now()
	}
	if r.decided != nil {
		if term, ok := r.decided.observedTerm(client.ObjectKeyFromObject(b).String(), b.GetGeneration()); ok {
			w.ObservedAffinity = term
		}
	}
	return w
}

// returnsEarlier reports whether a fresh decision is worth failing back to:
// it is on an earlier affinity term than the one in force, or on the same
// one under static weights (which then say where replicas belong).
func returnsEarlier(p *policyv1alpha1.Placement, observed string, fresh *scheduler.Result) bool {
	if len(p.ClusterAffinities) == 0 {
		return staticWeightList(p)
	}
	was, now := termIndex(p, observed), termIndex(p, fresh.AffinityName)
	return now < was || (now == was && staticWeightList(p))
}

// termIndex is the position of a clusterAffinities term; an unknown or
// empty name counts as the first, as Karmada's scheduler reads it.
func termIndex(p *policyv1alpha1.Placement, name string) int {
	for i, t := range p.ClusterAffinities {
		if t.AffinityName == name {
			return i
		}
	}
	return 0
}

// readyFor reports whether every named cluster is Ready, and how long until
// the last of them has been Ready for the window (0: all have). The time
// comes from the Ready condition's lastTransitionTime, so a restarted
// controller waits the same, and a cluster that flaps starts again.
func readyFor(snap *framework.Snapshot, names []string, window time.Duration, now time.Time) (time.Duration, bool) {
	byName := map[string]*karmadaclusterv1alpha1.Cluster{}
	for _, c := range snap.Clusters {
		byName[c.Name()] = c.Cluster
	}
	var wait time.Duration
	for _, n := range names {
		c := byName[n]
		if c == nil {
			return 0, false
		}
		ready := apimeta.FindStatusCondition(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)
		if ready == nil || ready.Status != metav1.ConditionTrue {
			return 0, false
		}
		if left := ready.LastTransitionTime.Add(window).Sub(now); left > wait {
			wait = left
		}
	}
	return wait, true
}

func hasTarget(ts []workv1alpha2.TargetCluster, name string) bool {
	for _, t := range ts {
		if t.Name == name {
			return true
		}
	}
	return false
}

// shortest is the smaller positive duration (0: none).
func shortest(a, b time.Duration) time.Duration {
	if a == 0 || (b > 0 && b < a) {
		return b
	}
	return a
}
