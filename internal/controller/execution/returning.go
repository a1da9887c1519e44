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
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/bindingworks"
	"kurator.dev/kurator/internal/propagation"
)

// returnSettle is how long the copies a returning member was left with wait,
// after it is Ready again, before they are removed: the scheduler may be
// placing their workloads back there, and then a copy is kept for the new
// Work to take over rather than deleted and made again. It is measured from
// the Ready condition's transition, so a restart does not reset it.
const returnSettle = 3 * time.Second

// returnWait is how much longer a deleted Work on a member that has just
// become Ready waits, 0 once the member has been Ready for returnSettle.
func returnWait(cluster *karmadaclusterv1alpha1.Cluster, now time.Time) time.Duration {
	c := apimeta.FindStatusCondition(cluster.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)
	if c == nil {
		return 0
	}
	return max(0, returnSettle-now.Sub(c.LastTransitionTime.Time))
}

// placedAgain reports whether the binding the deleted Work was rendered
// from places its workload on the cluster again.
func (r *Reconciler) placedAgain(ctx context.Context, w *workv1alpha1.Work, cluster string) (bool, error) {
	if placedAgainByBinding(w) {
		return true, nil
	}
	if r.Agent != "" {
		// An agent may not read bindings; the mark above is its answer.
		return false, nil
	}
	for _, clusterScoped := range []bool{false, true} {
		key, ok := bindingworks.Binding(w, clusterScoped)
		if !ok {
			continue
		}
		var b workv1alpha2.Binding = &workv1alpha2.ResourceBinding{}
		if clusterScoped {
			b = &workv1alpha2.ClusterResourceBinding{}
		}
		if err := r.Client.Get(ctx, key, b); err != nil {
			return false, client.IgnoreNotFound(err)
		}
		if !b.GetDeletionTimestamp().IsZero() {
			return false, nil
		}
		for _, t := range propagation.Targets(b.BindingSpec()) {
			if t.Name == cluster {
				return true, nil
			}
		}
	}
	return false, nil
}
