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
package binding

import (
	"context"
	"encoding/json"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/failover"
)

// purgeEvicted ends the graceful eviction tasks that are done: the
// replacement runs healthy on every current target, or the grace period is
// over. Dropping a task lets the next pass delete the Work on the evicted
// cluster (the member copy goes when the cluster can be reached). It returns
// how long until the next task's grace period ends.
func (r *Reconciler) purgeEvicted(ctx context.Context, b workv1alpha2.Binding, works []workv1alpha1.Work, written map[string]int64) (time.Duration, error) {
	spec := b.BindingSpec()
	if len(spec.GracefulEvictionTasks) == 0 {
		return 0, nil
	}
	healthy := replacementHealthy(spec.Clusters, works, written)
	now := r.Clock.Now()
	var keep []workv1alpha2.GracefulEvictionTask
	var next time.Duration
	var done []workv1alpha2.GracefulEvictionTask
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
	if len(done) == 0 {
		return next, nil
	}
	// Conditional on the version read: the scheduler adds tasks.
	before := b.DeepCopyObject().(workv1alpha2.Binding)
	b.BindingSpec().GracefulEvictionTasks = keep
	if err := r.Client.Patch(ctx, b, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})); err != nil {
		if apierrors.IsConflict(err) {
			return time.Millisecond, nil
		}
		return 0, err
	}
	for _, t := range done {
		why := "the replacement is healthy"
		if !healthy {
			why = "the grace period is over"
		}
		r.Recorder.Eventf(b, nil, corev1.EventTypeNormal, "EvictionDone", "Purge",
			"Removing the copy on %s evicted %s ago (%s): %s", t.FromCluster, age(t, now), t.Reason, why)
	}
	return next, nil
}

// replacementHealthy reports whether every target cluster runs a healthy
// copy of the manifest this pass wrote: its Work reports, for its current
// generation (at least the one written), that it is applied and healthy.
func replacementHealthy(targets []workv1alpha2.TargetCluster, works []workv1alpha1.Work, written map[string]int64) bool {
	if len(targets) == 0 {
		return false
	}
	byNS := make(map[string]*workv1alpha1.Work, len(works))
	for i := range works {
		byNS[works[i].Namespace] = &works[i]
	}
	for _, t := range targets {
		w := byNS[workv1alpha1.ExecutionNamespace(t.Name)]
		if w == nil || w.Generation < written[t.Name] || !current(w) || len(w.Status.ManifestStatuses) == 0 ||
			w.Status.ManifestStatuses[0].Health != workv1alpha1.ResourceHealthy {
			return false
		}
	}
	return true
}

func age(t workv1alpha2.GracefulEvictionTask, now time.Time) time.Duration {
	if t.CreationTimestamp == nil {
		return 0
	}
	return now.Sub(t.CreationTimestamp.Time).Round(time.Second)
}

// requeueSooner returns res asking to come back after d at the latest.
func requeueSooner(res ctrl.Result, d time.Duration) ctrl.Result {
	if res.RequeueAfter == 0 || d < res.RequeueAfter {
		res.RequeueAfter = d
	}
	return res
}

// failbackFrom reads the replicas the clusters giving replicas back during
// a failback ran before it (workv1alpha2.FailbackFromAnnotation).
func failbackFrom(b workv1alpha2.Binding) map[string]int32 {
	raw, ok := b.GetAnnotations()[workv1alpha2.FailbackFromAnnotation]
	if !ok {
		return nil
	}
	var from map[string]int32
	if err := json.Unmarshal([]byte(raw), &from); err != nil {
		return nil
	}
	return from
}

// finishFailback ends a failback once every target runs a healthy copy of
// its new share (the clusters giving replicas back still run their old
// one): dropping the annotation lets the next pass scale them down.
func (r *Reconciler) finishFailback(ctx context.Context, b workv1alpha2.Binding, works []workv1alpha1.Work, written map[string]int64) error {
	if _, ok := b.GetAnnotations()[workv1alpha2.FailbackFromAnnotation]; !ok || !replacementHealthy(b.BindingSpec().Clusters, works, written) {
		return nil
	}
	before := b.DeepCopyObject().(workv1alpha2.Binding)
	annotations := b.GetAnnotations()
	delete(annotations, workv1alpha2.FailbackFromAnnotation)
	b.SetAnnotations(annotations)
	if err := r.Client.Patch(ctx, b, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})); err != nil {
		if apierrors.IsConflict(err) {
			return nil // the update that conflicted brings this binding back
		}
		return err
	}
	r.Recorder.Eventf(b, nil, corev1.EventTypeNormal, "FailbackDone", "Failback", "The new placement is healthy; the clusters that gave replicas back scale down")
	return nil
}
