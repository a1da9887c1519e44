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

package execution

import (
	"context"

	"k8s.io/apimachinery/pkg/api/equality"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// pulledByAgent reports whether cluster's Works are applied by its agent
// rather than by this Reconciler: a pull member, seen from the control
// plane.
func (r *Reconciler) pulledByAgent(ctx context.Context, cluster string) (bool, error) {
	if r.Agent != "" {
		return false, nil
	}
	c := &karmadaclusterv1alpha1.Cluster{}
	if err := r.Client.Get(ctx, client.ObjectKey{Name: cluster}, c); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	return c.Spec.SyncMode == karmadaclusterv1alpha1.Pull, nil
}

// reconcilePulled is the control plane's part in a pull member's Work: the
// agent applies it, reports its status and lets it go once deleted. While
// the member is not ready (its agent is away) the last report stays,
// marked stale, as for a push member that cannot be reached. (A Work whose
// Cluster is gone takes the push path, which finds nothing to clean.)
func (r *Reconciler) reconcilePulled(ctx context.Context, s *scope) (ctrl.Result, error) {
	cluster := &karmadaclusterv1alpha1.Cluster{}
	if err := r.Client.Get(ctx, client.ObjectKey{Name: s.cluster}, cluster); err != nil {
		return ctrl.Result{}, err
	}
	ready, why := clusterReady(cluster)
	if ready || !s.work.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	s.before = s.work.DeepCopy()
	r.setClusterNotReady(s.work, "cluster "+s.cluster+" is not ready, its agent's last report is shown: "+why)
	if equality.Semantic.DeepEqual(s.before.Status, s.work.Status) {
		return ctrl.Result{}, nil
	}
	return ctrl.Result{}, r.writeStatus(ctx, s)
}

// placedAgainByBinding is the agent's view of placedAgain: the binding
// controller marks a Work being deleted whose workload comes back to the
// same cluster, as the agent may not read bindings.
func placedAgainByBinding(w *workv1alpha1.Work) bool {
	return w.Annotations[workv1alpha1.PlacedAgainAnnotation] != ""
}
