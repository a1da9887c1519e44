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
	cr, snap, err := r.snapshot(ctx, rb, revision, manifests, running, changed)
	if err != nil || snap == nil {
		return manifests, err
	}
	phases, err := r.runPhases(ctx, rb, cr.Name)
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

// SnapshotName names the first snapshot of a binding's revision; one frozen
// again after another revision (an undo, a re-apply) adds its number.
func SnapshotName(binding, revision string) string {
	name := binding
	if len(name) > 200 {
		name = name[:200]
	}
	return name + "-" + revision
}

// snapshot reads the snapshot the revision rolls out from: the binding's
// newest, when it froze this revision. It freezes a new one the first time
// a cluster's Work is to change revision, also when the revision comes back
// after another (an undo, a re-apply of an older template): an earlier
// snapshot of it belongs to an earlier rollout, whose run has ended and whose
// previous manifests are not what runs now. Without a change and without a
// current snapshot there is nothing to hold (nil).
func (r *Reconciler) snapshot(ctx context.Context, rb *workv1alpha2.ResourceBinding, revision string, manifests []rendered, running map[string]*unstructured.Unstructured, changed bool) (*appsv1.ControllerRevision, *rollout.Snapshot, error) {
	snaps, err := r.snapshots(ctx, r.Client, rb)
	if err != nil {
		return nil, nil, err
	}
	if cr := newestSnapshot(snaps); cr != nil && cr.Labels[rolloutv1alpha1.RevisionLabel] == revision {
		return decodeSnapshot(cr)
	}
	if !changed {
		return nil, nil, nil
	}
	// Snapshots are numbered in the order they are frozen, read from the API
	// server rather than the cache: the newest supersedes the others, even
	// when two are created within the same second, and a snapshot the cache
	// has not seen yet is not frozen twice.
	reader := r.APIReader
	if reader == nil {
		reader = r.Client
	}
	if snaps, err = r.snapshots(ctx, reader, rb); err != nil {
		return nil, nil, err
	}
	newest := newestSnapshot(snaps)
	if newest != nil && newest.Labels[rolloutv1alpha1.RevisionLabel] == revision {
		return decodeSnapshot(newest)
	}
	number := int64(1)
	if newest != nil {
		number = newest.Revision + 1
	}
	name := SnapshotName(rb.Name, revision)
	for i := range snaps {
		if snaps[i].Name == name {
			name = fmt.Sprintf("%s-%d", name, number)
		}
	}
	snap := &rollout.Snapshot{Revision: revision, Previous: running, Target: map[string]*unstructured.Unstructured{}}
	for _, m := range manifests {
		snap.Target[m.cluster] = m.manifest
	}
	raw, err := json.Marshal(snap)
	if err != nil {
		return nil, nil, err
	}
	cr := &appsv1.ControllerRevision{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: rb.Namespace, Labels: map[string]string{
			rolloutv1alpha1.BindingLabel: rb.Name, rolloutv1alpha1.RevisionLabel: revision,
		}},
		Data:     runtime.RawExtension{Raw: raw},
		Revision: number,
	}
	if err := controllerutil.SetControllerReference(rb, cr, r.Client.Scheme()); err != nil {
		return nil, nil, err
	}
	if err := r.Client.Create(ctx, cr); err != nil {
		if !apierrors.IsAlreadyExists(err) {
			return nil, nil, err
		}
		// Frozen concurrently: the stored one is the snapshot.
		if err := reader.Get(ctx, client.ObjectKeyFromObject(cr), cr); err != nil {
			return nil, nil, err
		}
		return decodeSnapshot(cr)
	}
	return cr, snap, nil
}

func (r *Reconciler) snapshots(ctx context.Context, reader client.Reader, rb *workv1alpha2.ResourceBinding) ([]appsv1.ControllerRevision, error) {
	list := &appsv1.ControllerRevisionList{}
	if err := reader.List(ctx, list, client.InNamespace(rb.Namespace), client.MatchingLabels{rolloutv1alpha1.BindingLabel: rb.Name}); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// newestSnapshot is the snapshot frozen last: the highest number.
func newestSnapshot(snaps []appsv1.ControllerRevision) *appsv1.ControllerRevision {
	var newest *appsv1.ControllerRevision
	for i := range snaps {
		if newest == nil || snaps[i].Revision > newest.Revision {
			newest = &snaps[i]
		}
	}
	return newest
}

func decodeSnapshot(cr *appsv1.ControllerRevision) (*appsv1.ControllerRevision, *rollout.Snapshot, error) {
	snap := &rollout.Snapshot{}
	if err := json.Unmarshal(cr.Data.Raw, snap); err != nil {
		return nil, nil, fmt.Errorf("snapshot %s: %w", cr.Name, err)
	}
	return cr, snap, nil
}

// runPhases reads the cluster phases of the snapshot's newest run (a retry
// is a second run of one snapshot); no run yet means every cluster waits.
func (r *Reconciler) runPhases(ctx context.Context, rb *workv1alpha2.ResourceBinding, snapshot string) (map[string]rolloutv1alpha1.ClusterPhase, error) {
	runs := &rolloutv1alpha1.StagedUpdateRunList{}
	if err := r.Client.List(ctx, runs, client.InNamespace(rb.Namespace), client.MatchingLabels{rolloutv1alpha1.BindingLabel: rb.Name}); err != nil {
		return nil, err
	}
	var newest *rolloutv1alpha1.StagedUpdateRun
	for i := range runs.Items {
		run := &runs.Items[i]
		if run.Spec.SnapshotName == snapshot && (newest == nil || run.CreationTimestamp.After(newest.CreationTimestamp.Time)) {
			newest = run
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
