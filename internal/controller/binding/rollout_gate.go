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
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/rollout"
)

// gate holds a new revision back from every cluster its staged run has not
// released (docs/rollout.md). The first time a revision would change a
// cluster's Work, it freezes every cluster's manifest as it runs and as it
// will run in a snapshot (a ControllerRevision the binding owns), from which
// the rollout controller starts the run. While the snapshot stands, each
// cluster the revision changes gets the frozen target once released, and the
// frozen previous manifest otherwise (before its stage, or rolled back); all
// follow the current replicas. Bindings without a strategy, clusters without
// a Work yet and clusters the revision leaves as they are are not held.
func (r *Reconciler) gate(ctx context.Context, b workv1alpha2.Binding, manifests []rendered, existing []workv1alpha1.Work) ([]rendered, error) {
	rb, ok := b.(*workv1alpha2.ResourceBinding)
	if !ok || rb.Spec.RolloutStrategy == nil {
		return manifests, nil
	}
	running := map[string]*unstructured.Unstructured{}
	for i := range existing {
		w := &existing[i]
		cluster, ok := workv1alpha1.ClusterForExecutionNamespace(w.Namespace)
		if !ok || !w.DeletionTimestamp.IsZero() || len(w.Spec.Workload.Manifests) == 0 {
			continue
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(w.Spec.Workload.Manifests[0].Raw); err != nil {
			return nil, fmt.Errorf("work %s/%s: %w", w.Namespace, w.Name, err)
		}
		running[cluster] = u
	}
	changed := false
	revisions := make([]string, 0, len(manifests))
	for _, m := range manifests {
		want, err := rollout.Revision(m.manifest)
		if err != nil {
			return nil, err
		}
		revisions = append(revisions, m.cluster+"="+want)
		if cur := running[m.cluster]; cur != nil && !changed {
			have, err := rollout.Revision(cur)
			if err != nil {
				return nil, err
			}
			changed = have != want
		}
	}
	revision := combined(revisions)
	snap, err := r.snapshot(ctx, rb, revision, manifests, running, changed)
	if err != nil || snap == nil {
		return manifests, err
	}
	phases, err := r.runPhases(ctx, rb, revision)
	if err != nil {
		return nil, err
	}
	out := make([]rendered, 0, len(manifests))
	for _, m := range manifests {
		prev, target := snap.Previous[m.cluster], snap.Target[m.cluster]
		if prev == nil || target == nil || sameRevision(prev, target) {
			out = append(out, m) // not held: new here, or unchanged by the revision
			continue
		}
		keep, released := prev, false
		switch phase := phases[m.cluster]; {
		case phase.Released():
			keep, released = target, true
		case phase.Reverted():
			keep = prev
		}
		out = append(out, rendered{cluster: m.cluster, manifest: rollout.WithReplicasOf(keep, m.manifest, released)})
	}
	return out, nil
}

func sameRevision(a, b *unstructured.Unstructured) bool {
	ra, errA := rollout.Revision(a)
	rb, errB := rollout.Revision(b)
	return errA == nil && errB == nil && ra == rb
}

// combined is the revision of the whole rollout: every cluster's manifest
// revision, so an override change is a release too.
func combined(revisions []string) string {
	sort.Strings(revisions)
	raw, _ := json.Marshal(revisions)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])[:16]
}

// SnapshotName names the snapshot of a binding's revision.
func SnapshotName(binding, revision string) string {
	name := binding
	if len(name) > 200 {
		name = name[:200]
	}
	return name + "-" + revision
}

// snapshot reads the revision's snapshot. It creates it the first time a
// cluster's Work is to change revision; without a change and without a
// snapshot there is nothing to hold (nil).
func (r *Reconciler) snapshot(ctx context.Context, rb *workv1alpha2.ResourceBinding, revision string, manifests []rendered, running map[string]*unstructured.Unstructured, changed bool) (*rollout.Snapshot, error) {
	cr := &appsv1.ControllerRevision{}
	key := client.ObjectKey{Namespace: rb.Namespace, Name: SnapshotName(rb.Name, revision)}
	err := r.Client.Get(ctx, key, cr)
	if err == nil {
		snap := &rollout.Snapshot{}
		if err := json.Unmarshal(cr.Data.Raw, snap); err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", key.Name, err)
		}
		return snap, nil
	}
	if !apierrors.IsNotFound(err) || !changed {
		return nil, client.IgnoreNotFound(err)
	}
	snap := &rollout.Snapshot{Revision: revision, Previous: running, Target: map[string]*unstructured.Unstructured{}}
	for _, m := range manifests {
		snap.Target[m.cluster] = m.manifest
	}
	raw, err := json.Marshal(snap)
	if err != nil {
		return nil, err
	}
	// Snapshots are numbered in the order they are frozen (read from the
	// API server, not the cache): the newest supersedes the others, even
	// when two are created within the same second.
	number, err := r.nextSnapshotNumber(ctx, rb)
	if err != nil {
		return nil, err
	}
	cr = &appsv1.ControllerRevision{
		ObjectMeta: metav1.ObjectMeta{Name: key.Name, Namespace: key.Namespace, Labels: map[string]string{
			rolloutv1alpha1.BindingLabel: rb.Name, rolloutv1alpha1.RevisionLabel: revision,
		}},
		Data:     runtime.RawExtension{Raw: raw},
		Revision: number,
	}
	if err := controllerutil.SetControllerReference(rb, cr, r.Client.Scheme()); err != nil {
		return nil, err
	}
	if err := r.Client.Create(ctx, cr); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, err
	}
	return snap, nil
}

// runPhases reads the cluster phases of the newest run of the revision; no
// run means every cluster waits.
func (r *Reconciler) runPhases(ctx context.Context, rb *workv1alpha2.ResourceBinding, revision string) (map[string]rolloutv1alpha1.ClusterPhase, error) {
	runs := &rolloutv1alpha1.StagedUpdateRunList{}
	if err := r.Client.List(ctx, runs, client.InNamespace(rb.Namespace), client.MatchingLabels{
		rolloutv1alpha1.BindingLabel: rb.Name, rolloutv1alpha1.RevisionLabel: revision,
	}); err != nil {
		return nil, err
	}
	var newest *rolloutv1alpha1.StagedUpdateRun
	for i := range runs.Items {
		if newest == nil || runs.Items[i].CreationTimestamp.After(newest.CreationTimestamp.Time) {
			newest = &runs.Items[i]
		}
	}
	phases := map[string]rolloutv1alpha1.ClusterPhase{}
	if newest == nil {
		return phases, nil
	}
	for _, c := range newest.Status.Clusters {
		phases[c.Name] = c.Phase
	}
	return phases, nil
}

// runToBinding maps a run to its binding.
func runToBinding(_ context.Context, obj client.Object) []reconcile.Request {
	run, ok := obj.(*rolloutv1alpha1.StagedUpdateRun)
	if !ok {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: run.Namespace, Name: run.Spec.BindingName}}}
}

func (r *Reconciler) nextSnapshotNumber(ctx context.Context, rb *workv1alpha2.ResourceBinding) (int64, error) {
	reader := r.APIReader
	if reader == nil {
		reader = r.Client
	}
	list := &appsv1.ControllerRevisionList{}
	if err := reader.List(ctx, list, client.InNamespace(rb.Namespace), client.MatchingLabels{rolloutv1alpha1.BindingLabel: rb.Name}); err != nil {
		return 0, err
	}
	highest := int64(0)
	for _, cr := range list.Items {
		highest = max(highest, cr.Revision)
	}
	return highest + 1, nil
}
