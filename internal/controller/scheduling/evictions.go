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
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/bindingworks"
	"kurator.dev/kurator/internal/failover"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// The scheduler owns a binding's eviction tasks and failback from start to
// end: it records a task in the same write that moves the replicas away
// (a taint the placement does not tolerate, or an application unhealthy
// for longer than it tolerates) and drops the task once the replacement
// runs healthy or the grace period is over. The binding controller only
// reads them (it keeps the evicted cluster's Work while a task lasts).

// evict takes off the binding the clusters whose NoExecute taints its
// placement does not tolerate, recording eviction tasks, and returns
// whether it did, and how long until a toleration that still holds runs
// out (0: none).
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

// evictUnhealthy takes off the binding the clusters where the workload has
// been unhealthy longer than its application failover tolerates, by the
// timers the application failover controller keeps on the binding. It
// returns whether it did, and how long until the next timer runs out.
func (r *Reconciler) evictUnhealthy(b workv1alpha2.Binding) (bool, time.Duration) {
	spec := b.BindingSpec()
	toleration, on := failover.ApplicationToleration(spec)
	if !on || len(spec.Clusters) == 0 {
		return false, 0
	}
	since := failover.DecodeUnhealthySince(b)
	targeted := make(map[string]time.Time, len(since))
	for _, t := range spec.Clusters {
		if s, ok := since[t.Name]; ok {
			targeted[t.Name] = s
		}
	}
	now := r.Clock.Now()
	expired, next := failover.ExpiredClusters(targeted, toleration, now)
	if len(expired) == 0 {
		return false, next
	}
	evicted := failover.EvictApplication(spec, expired, now)
	if len(evicted) == 0 {
		return false, next
	}
	r.Recorder.Eventf(b, nil, corev1.EventTypeWarning, failover.ReasonApplicationFailure, "Evict",
		"Moving the workload off %s: unhealthy for more than %s", strings.Join(evicted, ", "), toleration)
	return true, next
}

// withoutEvicted drops the clusters the binding is being evicted from.
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

// finishEvictions ends the eviction tasks that are done (the replacement
// runs healthy on every target, or the grace period is over) and a
// failback whose new placement is healthy. Dropping a task lets the binding
// controller delete the evicted cluster's Work; dropping the failback
// annotation lets it scale down the clusters that gave replicas back. It
// returns whether it wrote the binding, and how long until the next grace
// period ends.
func (r *Reconciler) finishEvictions(ctx context.Context, b workv1alpha2.Binding) (bool, time.Duration, error) {
	spec := b.BindingSpec()
	if !propagation.AwaitingReplacement(b) {
		return false, 0, nil
	}
	_, failingBack := b.GetAnnotations()[workv1alpha2.FailbackFromAnnotation]
	healthy, err := r.replacementHealthy(ctx, b)
	if err != nil {
		return false, 0, err
	}
	now := r.Clock.Now()
	var keep, done []workv1alpha2.GracefulEvictionTask
	var next time.Duration
	for _, t := range spec.GracefulEvictionTasks {
		finished, left := failover.TaskDone(&t, healthy, now)
		if finished {
			done = append(done, t)
			continue
		}
		keep = append(keep, t)
		if left > 0 && (next == 0 || left < next) {
			next = left
		}
	}
	failbackDone := failingBack && healthy
	if len(done) == 0 && !failbackDone {
		return false, next, nil
	}
	// Conditional on the version read: a stale cache must not bring back
	// a task or a decision this controller already changed.
	before := b.DeepCopyObject().(workv1alpha2.Binding)
	spec.GracefulEvictionTasks = keep
	rebalance := b.GetAnnotations()[workv1alpha2.HandoverReasonAnnotation] == workv1alpha2.HandoverRebalance
	if failbackDone {
		annotations := b.GetAnnotations()
		delete(annotations, workv1alpha2.FailbackFromAnnotation)
		delete(annotations, workv1alpha2.HandoverReasonAnnotation)
		b.SetAnnotations(annotations)
	}
	if err := r.Client.Patch(ctx, b, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})); err != nil {
		if apierrors.IsConflict(err) {
			return true, 50 * time.Millisecond, nil
		}
		return false, 0, err
	}
	// Ending a task or a hand-over changes the spec, not the decision: the
	// new generation is decided as the last one was. Deciding it again would
	// move replicas without grace as soon as a cluster came back (a
	// drained member uncordoned), which Karmada never does for divided
	// workloads.
	if err := r.carryDecision(ctx, b, before.GetGeneration()); err != nil {
		return false, 0, err
	}
	for _, t := range done {
		why := "the replacement is healthy"
		if !healthy {
			why = "the grace period is over"
		}
		r.Recorder.Eventf(b, nil, corev1.EventTypeNormal, "EvictionDone", "Purge",
			"Removing the copy on %s evicted %s ago (%s): %s", t.FromCluster, age(t, now), t.Reason, why)
	}
	switch {
	case failbackDone && rebalance:
		r.Recorder.Eventf(b, nil, corev1.EventTypeNormal, "RebalanceDone", "Rebalance", "The new placement is healthy; the clusters that gave replicas up scale down")
	case failbackDone:
		r.Recorder.Eventf(b, nil, corev1.EventTypeNormal, "FailbackDone", "Failback", "The new placement is healthy; the clusters that gave replicas back scale down")
	}
	return true, next, nil
}

// replacementHealthy reports whether every target cluster runs a healthy
// copy of what the binding's current decision asks of it: its Work was
// written for this generation of the binding, and reports, for its own
// generation, that it is applied and healthy.
func (r *Reconciler) replacementHealthy(ctx context.Context, b workv1alpha2.Binding) (bool, error) {
	targets := b.BindingSpec().Clusters
	if len(targets) == 0 {
		return false, nil
	}
	works, err := bindingworks.List(ctx, r.Client, b)
	if err != nil {
		return false, err
	}
	byNS := bindingworks.ByNamespace(works)
	generation := strconv.FormatInt(b.GetGeneration(), 10)
	for _, t := range targets {
		w := byNS[workv1alpha1.ExecutionNamespace(t.Name)]
		if w == nil || w.Annotations[workv1alpha1.BindingGenerationAnnotation] != generation || len(w.Status.ManifestStatuses) == 0 ||
			w.Status.ManifestStatuses[0].Health != workv1alpha1.ResourceHealthy {
			return false, nil
		}
		if c := apimeta.FindStatusCondition(w.Status.Conditions, workv1alpha1.ConditionApplied); c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != w.Generation {
			return false, nil
		}
	}
	return true, nil
}

func age(t workv1alpha2.GracefulEvictionTask, now time.Time) time.Duration {
	if t.CreationTimestamp == nil {
		return 0
	}
	return now.Sub(t.CreationTimestamp.Time).Round(time.Second)
}
