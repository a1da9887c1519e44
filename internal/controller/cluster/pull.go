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

package cluster

import (
	"context"
	"fmt"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

// applyLease sets a pull member's Ready condition and taints from its
// agent's Lease: Ready while the Lease is renewed within its duration,
// unreachable once it has expired (the agent, or the path to the control
// plane, is down; the agent also stops renewing while its own API server is
// not ready). It returns when to look again: just after the Lease would
// expire.
func (r *Reconciler) applyLease(ctx context.Context, cluster *karmadaclusterv1alpha1.Cluster) time.Duration {
	lease := &coordinationv1.Lease{}
	err := r.Client.Get(ctx, client.ObjectKey{Namespace: karmadaclusterv1alpha1.ClusterLeaseNamespace, Name: cluster.Name}, lease)
	if client.IgnoreNotFound(err) != nil {
		r.setReady(cluster, metav1.ConditionFalse, karmadaclusterv1alpha1.StatusCollectionFailed, "the agent's Lease cannot be read: "+err.Error())
		return r.Options.ProbePeriod
	}
	if err != nil {
		lease = nil
	}
	h, msg, left := leaseHealth(lease, r.Clock.Now())
	if h == Healthy && apimeta.FindStatusCondition(cluster.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionCompleteAPIEnablements) == nil {
		// Ready promises what the scheduler reads: the APIs the member
		// serves and its capacity, as a push member's first probe does.
		h, msg = Unhealthy, "the cluster's agent renews its Lease but has not reported the cluster's status yet"
	}
	r.markHealth(cluster, h, msg)
	if h == Healthy {
		// The next renewal wakes this cluster before then.
		return left + 100*time.Millisecond
	}
	return time.Minute
}

// leaseHealth judges a pull member by its agent's Lease at now: Healthy
// while renewed within its duration, and how long until it expires.
func leaseHealth(lease *coordinationv1.Lease, now time.Time) (Health, string, time.Duration) {
	if lease == nil || lease.Spec.RenewTime == nil {
		return Unreachable, "the cluster's agent has not connected yet", 0
	}
	seconds := int32(karmadaclusterv1alpha1.DefaultClusterLeaseDurationSeconds)
	if d := lease.Spec.LeaseDurationSeconds; d != nil && *d > 0 {
		seconds = *d
	}
	duration := time.Duration(seconds) * time.Second
	renewed := lease.Spec.RenewTime.Time
	if left := renewed.Add(duration).Sub(now); left > 0 {
		return Healthy, "the cluster's agent renews its Lease and the cluster is ready to accept workloads", left
	}
	return Unreachable, fmt.Sprintf("the cluster's agent has not renewed its Lease since %s (lease duration %s)",
		renewed.UTC().Format(time.RFC3339), duration), 0
}

// clusterOfLease maps a heartbeat Lease to the Cluster it is named after.
func clusterOfLease(_ context.Context, obj client.Object) []reconcile.Request {
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: obj.GetName()}}}
}

func inLeaseNamespace() predicate.Predicate {
	return predicate.NewPredicateFuncs(func(obj client.Object) bool {
		return obj.GetNamespace() == karmadaclusterv1alpha1.ClusterLeaseNamespace
	})
}
