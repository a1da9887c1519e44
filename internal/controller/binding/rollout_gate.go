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
// released (docs/rollout.md). The first time it sees a revision, it freezes
// every cluster's manifest as it runs and as it will run in a snapshot (a
// ControllerRevision the binding owns), from which the rollout controller
// starts the run. Released clusters get the frozen target, rolled-back ones
// the frozen previous manifest, the others keep what they run; all follow
// the current replicas. Bindings without a strategy, and clusters without a
// Work yet, are not held.
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
	changed := map[string]bool{}
	revisions := make([]string, 0, len(manifests))
	for _, m := range manifests {
		want, err := rollout.Revision(m.manifest)
		if err != nil {
			return nil, err
		}
		revisions = append(revisions, m.cluster+"="+want)
		if cur := running[m.cluster]; cur != nil {
			have, err := rollout.Revision(cur)
			if err != nil {
				return nil, err
			}
			changed[m.cluster] = have != want
		}
	}
	if !anyTrue(changed) {
		return manifests, nil
	}
	revision := combined(revisions)
	snap, err := r.snapshot(ctx, rb, revision, manifests, running)
	if err != nil {
		return nil, err
	}
	phases, err := r.runPhases(ctx, rb, revision)
	if err != nil {
		return nil, err
	}
	out := make([]rendered, 0, len(manifests))
	for _, m := range manifests {
		if !changed[m.cluster] {
			out = append(out, m)
			continue
		}
		keep, released := running[m.cluster], false
		switch phase := phases[m.cluster]; {
		case phase.Released() && snap.Target[m.cluster] != nil:
			keep, released = snap.Target[m.cluster], true
		case phase.Reverted() && snap.Previous[m.cluster] != nil:
			keep = snap.Previous[m.cluster]
		}
		out = append(out, rendered{cluster: m.cluster, manifest: rollout.WithReplicasOf(keep, m.manifest, released)})
	}
	return out, nil
}

func anyTrue(m map[string]bool) bool {
	for _, v := range m {
		if v {
			return true
		}
	}
	return false
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

// snapshot reads the revision's snapshot, creating it the first time.
func (r *Reconciler) snapshot(ctx context.Context, rb *workv1alpha2.ResourceBinding, revision string, manifests []rendered, running map[string]*unstructured.Unstructured) (*rollout.Snapshot, error) {
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
	if !apierrors.IsNotFound(err) {
		return nil, err
	}
	snap := &rollout.Snapshot{Revision: revision, Previous: running, Target: map[string]*unstructured.Unstructured{}}
	for _, m := range manifests {
		snap.Target[m.cluster] = m.manifest
	}
	raw, err := json.Marshal(snap)
	if err != nil {
		return nil, err
	}
	cr = &appsv1.ControllerRevision{
		ObjectMeta: metav1.ObjectMeta{Name: key.Name, Namespace: key.Namespace, Labels: map[string]string{
			rolloutv1alpha1.BindingLabel: rb.Name, rolloutv1alpha1.RevisionLabel: revision,
		}},
		Data:     runtime.RawExtension{Raw: raw},
		Revision: 1,
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
