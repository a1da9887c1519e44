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
	"encoding/json"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/bindingworks"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// decisionInputChanged passes the binding updates that can change its
// decision: its spec (the generation), and the findings other controllers
// record for the scheduler in annotations they alone write (the
// application failover's unhealthy timers, the descheduler's
// unschedulable replicas, an IntelligentScheduler's objective).
var decisionInputChanged = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		if e.ObjectOld.GetGeneration() != e.ObjectNew.GetGeneration() {
			return true
		}
		o, n := e.ObjectOld.GetAnnotations(), e.ObjectNew.GetAnnotations()
		return o[workv1alpha2.UnhealthySinceAnnotation] != n[workv1alpha2.UnhealthySinceAnnotation] ||
			o[workv1alpha2.UnschedulableReplicasAnnotation] != n[workv1alpha2.UnschedulableReplicasAnnotation] ||
			o[intelligent.ObjectiveAnnotation] != n[intelligent.ObjectiveAnnotation]
	},
}

// evictingBindingOfWork maps a Work's change to its binding of this kind
// while the binding waits for a healthy replacement (eviction tasks, or a
// failback under way); other bindings do not care about their Works.
func (r *Reconciler) evictingBindingOfWork(ctx context.Context, obj client.Object) []reconcile.Request {
	b := r.NewBinding()
	_, clusterScoped := b.(*workv1alpha2.ClusterResourceBinding)
	key, ok := bindingworks.Binding(obj, clusterScoped)
	if !ok || r.Client.Get(ctx, key, b) != nil || !propagation.AwaitingReplacement(b) {
		return nil
	}
	return []reconcile.Request{{NamespacedName: key}}
}

// withoutUnschedulable takes off the workload's previous decision the
// replicas the descheduler found unschedulable for the binding's current
// generation, so the scheduler places them elsewhere (the crowded cluster
// having no room), and reports whether it did. Once the decision changes
// the finding is out of date and ignored.
func withoutUnschedulable(w *framework.Workload, b workv1alpha2.Binding) bool {
	raw, ok := b.GetAnnotations()[workv1alpha2.UnschedulableReplicasAnnotation]
	if !ok {
		return false
	}
	var found workv1alpha2.UnschedulableReplicas
	if err := json.Unmarshal([]byte(raw), &found); err != nil || found.Generation != b.GetGeneration() || len(found.Replicas) == 0 {
		return false
	}
	kept := w.Previous[:0:0]
	lowered := false
	for _, t := range w.Previous {
		if n := int64(found.Replicas[t.Name]); n > 0 {
			t.Replicas -= min(n, t.Replicas)
			lowered = true
		}
		if t.Replicas > 0 {
			kept = append(kept, t)
		}
	}
	w.Previous = kept
	return lowered
}
