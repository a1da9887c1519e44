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

package bindingstatus

import (
	"context"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/bindingworks"
	"kurator.dev/kurator/internal/interpreter"
)

// During a move (a graceful eviction: failover, drain; a failback) the
// clusters giving replicas up keep their copies until the new placement is
// healthy: the binding controller keeps their Works. Aggregating only the
// new targets would count the arriving copies' replicas that are not ready
// yet and none of the leaving ones that still serve, so the template's
// readyReplicas would dip though nothing did on the members, and kubectl
// rollout status, Argo CD and Helm would see a finished rollout go back.
// So the leaving copies are passed on, marked, and the interpreter of each
// kind that understands moves counts them (interpreter.MemberStatus.Leaving).

// leaving returns the leaving copies that still serve: on a Ready cluster,
// reporting on their Work's current spec, healthy. Assigned is what each
// runs.
func (r *Reconciler) leaving(ctx context.Context, b workv1alpha2.Binding, tpl *unstructured.Unstructured, works []workv1alpha1.Work) []interpreter.MemberStatus {
	spec := b.BindingSpec()
	targets := map[string]bool{}
	for _, t := range spec.Clusters {
		targets[t.Name] = true
	}
	var names []string
	for _, task := range spec.GracefulEvictionTasks {
		if task.PurgeMode != policyv1alpha1.PurgeModeDirectly && !targets[task.FromCluster] {
			names = append(names, task.FromCluster)
		}
	}
	for name := range workv1alpha2.FailbackFrom(b) {
		if !targets[name] {
			names = append(names, name)
		}
	}
	byNS := bindingworks.ByNamespace(works)
	var out []interpreter.MemberStatus
	for _, name := range names {
		w := byNS[workv1alpha1.ExecutionNamespace(name)]
		if w == nil || !current(w) || len(w.Status.ManifestStatuses) == 0 || w.Status.ManifestStatuses[0].Health != workv1alpha1.ResourceHealthy {
			continue
		}
		c := &karmadaclusterv1alpha1.Cluster{}
		if err := r.Client.Get(ctx, client.ObjectKey{Name: name}, c); err != nil ||
			!apimeta.IsStatusConditionTrue(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady) {
			continue
		}
		ms := w.Status.ManifestStatuses[0]
		out = append(out, interpreter.MemberStatus{Cluster: name, Status: ms.Status, Health: ms.Health, Leaving: true,
			Current: sentGeneration(w) == generationOf(tpl), Assigned: runs(w, 0)})
	}
	return out
}

// runs is the replica count of the copy a Work sends, def when it has none.
func runs(w *workv1alpha1.Work, def int64) int64 {
	if w == nil || len(w.Spec.Workload.Manifests) == 0 {
		return def
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(w.Spec.Workload.Manifests[0].Raw); err != nil {
		return def
	}
	in := interpreter.For(u.GroupVersionKind())
	if !in.Handles(interpreter.OperationInterpretReplica) {
		return def
	}
	r, err := in.GetReplicas(u)
	if err != nil || r == nil {
		return def
	}
	return r.Replicas
}
