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

package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// undoRollout undoes a workload's last rollout. A run still going is aborted
// (its updated clusters roll back); otherwise a Deployment's template goes
// back to its previous revision, as 'kubectl rollout undo' does, which the
// strategy then rolls out stage by stage like any new revision.
func undoRollout(ctx context.Context, c client.Client, w io.Writer, ns string, ref workloadRef, runs []rolloutv1alpha1.StagedUpdateRun) error {
	if n := len(runs); n > 0 && !runs[n-1].Status.Phase.Terminal() {
		return abortRun(ctx, c, w, &runs[n-1], false)
	}
	if ref.kind != "Deployment" {
		return fmt.Errorf("undo of a finished rollout takes a Deployment's previous revision; for a %s, apply its previous template", ref.kind)
	}
	d := &appsv1.Deployment{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: ref.name}, d); err != nil {
		return err
	}
	sets := &appsv1.ReplicaSetList{}
	if err := c.List(ctx, sets, client.InNamespace(ns), client.MatchingLabels{workv1alpha2.RevisionOfLabel: workv1alpha2.RevisionOfLabelValue(d.Name)}); err != nil {
		return err
	}
	current, previous := int64(-1), (*appsv1.ReplicaSet)(nil)
	revisionOf := func(rs *appsv1.ReplicaSet) int64 {
		n, _ := strconv.ParseInt(rs.Annotations["deployment.kubernetes.io/revision"], 10, 64)
		return n
	}
	for i := range sets.Items {
		if n := revisionOf(&sets.Items[i]); n > current {
			current = n
		}
	}
	for i := range sets.Items {
		rs := &sets.Items[i]
		if n := revisionOf(rs); n < current && (previous == nil || n > revisionOf(previous)) {
			previous = rs
		}
	}
	if previous == nil {
		return fmt.Errorf("deployment %s/%s has no previous revision", ns, ref.name)
	}
	patch := client.MergeFrom(d.DeepCopy())
	d.Spec.Template = *previous.Spec.Template.DeepCopy()
	delete(d.Spec.Template.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	if err := c.Patch(ctx, d, patch); err != nil {
		return err
	}
	fmt.Fprintf(w, "deployment.apps/%s rolled back to revision %d; the strategy rolls it out stage by stage\n", ref.name, revisionOf(previous))
	return nil
}
