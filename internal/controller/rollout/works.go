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

package rollout

import (
	"context"
	"fmt"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/rollout"
)

// copyState is what a cluster runs of the binding, read from its Work.
type copyState struct {
	// runs: the Work carries the wanted revision and reports it applied.
	runs bool
	// healthy: and the member's copy is healthy (fully rolled out).
	healthy bool
	// why it is not, for messages.
	why string
}

// clusterCopy reads whether a cluster's Work carries the wanted manifest's
// revision, applied and healthy at its own generation.
func (r *Reconciler) clusterCopy(ctx context.Context, s *scope, cluster string, want *unstructured.Unstructured) (copyState, error) {
	if want == nil {
		return copyState{runs: true, healthy: true}, nil
	}
	wantRev, err := rollout.Revision(want)
	if err != nil {
		return copyState{}, err
	}
	w := &workv1alpha1.Work{}
	key := client.ObjectKey{Namespace: workv1alpha1.ExecutionNamespace(cluster), Name: workv1alpha2.WorkName(s.binding)}
	if err := r.Client.Get(ctx, key, w); err != nil {
		if client.IgnoreNotFound(err) == nil {
			return copyState{why: "no Work yet"}, nil
		}
		return copyState{}, err
	}
	if len(w.Spec.Workload.Manifests) == 0 {
		return copyState{why: "the Work is empty"}, nil
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(w.Spec.Workload.Manifests[0].Raw); err != nil {
		return copyState{}, err
	}
	if rev, err := rollout.Revision(u); err != nil || rev != wantRev {
		return copyState{why: "the Work does not carry the revision yet"}, err
	}
	applied := apimeta.FindStatusCondition(w.Status.Conditions, workv1alpha1.ConditionApplied)
	switch {
	case applied == nil || applied.ObservedGeneration != w.Generation:
		return copyState{why: "not applied yet"}, nil
	case applied.Status != metav1.ConditionTrue:
		return copyState{why: "apply failed: " + applied.Message}, nil
	}
	st := copyState{runs: true}
	if len(w.Status.ManifestStatuses) > 0 && w.Status.ManifestStatuses[0].Health == workv1alpha1.ResourceHealthy {
		st.healthy = true
	} else {
		st.why = "applied, not healthy yet"
		if len(w.Status.ManifestStatuses) > 0 {
			st.why = fmt.Sprintf("applied, health %s", w.Status.ManifestStatuses[0].Health)
		}
	}
	return st, nil
}

// clusterReady reads a member's Ready condition.
func (r *Reconciler) clusterReady(ctx context.Context, name string) (bool, error) {
	c := &karmadaclusterv1alpha1.Cluster{}
	if err := r.Client.Get(ctx, client.ObjectKey{Name: name}, c); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	return apimeta.IsStatusConditionTrue(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady), nil
}
