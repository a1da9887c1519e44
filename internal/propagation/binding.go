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
package propagation

import (
	"encoding/json"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/scheduler/estimator"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// BindingSpec is the spec of the binding of a template claimed by a policy
// (s), with the placement in force (the policy's, or within its Fleet): the
// resource, what the policy says, and the replicas and per-replica
// requirements the resource interpreter reads from the template. The
// scheduler's decision (spec.clusters) and eviction tasks are not part of
// it.
func BindingSpec(u *unstructured.Unstructured, s *policyv1alpha1.PropagationSpec, placement *policyv1alpha1.Placement) (workv1alpha2.ResourceBindingSpec, error) {
	spec := workv1alpha2.ResourceBindingSpec{
		Resource: workv1alpha2.ObjectReference{
			APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName(),
			UID: u.GetUID(),
		},
		PropagateDeps:               s.PropagateDeps,
		RolloutStrategy:             s.RolloutStrategy.DeepCopy(),
		SchedulerName:               s.SchedulerName,
		Failover:                    s.Failover,
		ConflictResolution:          s.ConflictResolution,
		PreserveResourcesOnDeletion: s.PreserveResourcesOnDeletion,
		Placement:                   placement,
	}
	if s.Suspension != nil {
		spec.Suspension = &workv1alpha2.Suspension{Suspension: *s.Suspension.DeepCopy()}
	}
	r, err := interpreter.For(u.GroupVersionKind()).GetReplicas(u)
	if err != nil || r == nil {
		return spec, err
	}
	spec.Replicas = int32(r.Replicas)
	if r.MinPerCluster > 1 {
		spec.MinReplicasPerCluster = int32(r.MinPerCluster)
	}
	req := &workv1alpha2.ReplicaRequirements{ResourceRequest: r.Requirements.Requests, Namespace: u.GetNamespace()}
	claim := &workv1alpha2.NodeClaim{NodeSelector: r.Requirements.NodeSelector, Tolerations: r.Requirements.Tolerations}
	if a := r.Requirements.Affinity; a != nil && a.NodeAffinity != nil {
		claim.HardNodeAffinity = a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
	}
	if claim.NodeSelector != nil || claim.Tolerations != nil || claim.HardNodeAffinity != nil {
		req.NodeClaim = claim
	}
	spec.ReplicaRequirements = req
	return spec, nil
}

// Workload is the scheduler's view of a binding: what to place, how many
// replicas of what size, the decision in force, and whether a rebalance
// asks for a fresh decision (rescheduleTriggeredAt after the last one).
func Workload(b workv1alpha2.Binding) *framework.Workload {
	spec, status := b.BindingSpec(), b.BindingStatus()
	gv, _ := schema.ParseGroupVersion(spec.Resource.APIVersion)
	w := &framework.Workload{
		UID: string(spec.Resource.UID), Namespace: spec.Resource.Namespace, Name: spec.Resource.Name,
		GVK: gv.WithKind(spec.Resource.Kind), Replicas: int64(spec.Replicas), Placement: spec.Placement,
		MinPerCluster: int64(spec.MinReplicasPerCluster),
	}
	if rr := spec.ReplicaRequirements; rr != nil {
		req := &estimator.Requirements{Requests: rr.ResourceRequest}
		if nc := rr.NodeClaim; nc != nil {
			req.NodeSelector, req.Tolerations = nc.NodeSelector, nc.Tolerations
			if nc.HardNodeAffinity != nil {
				req.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: nc.HardNodeAffinity}}
			}
		}
		w.Requirements = req
	}
	var assigned int64
	for _, t := range spec.Clusters {
		w.Previous = append(w.Previous, framework.TargetCluster{Name: t.Name, Replicas: int64(t.Replicas)})
		assigned += int64(t.Replicas)
	}
	if assigned > w.Replicas && w.Replicas > 0 {
		w.Unready = unready(spec.Clusters, status.AggregatedStatus)
	}
	w.Fresh = spec.RescheduleTriggeredAt != nil && (status.LastScheduledTime == nil || spec.RescheduleTriggeredAt.After(status.LastScheduledTime.Time))
	w.ObservedAffinity = status.SchedulerObservedAffinityName
	w.CostWeighted = b.GetAnnotations()[policyv1alpha1.CostWeightAnnotation] == "true"
	return w
}

// unready is, by cluster, how many of the replicas assigned to it its copy
// does not report ready (status.readyReplicas, as the workload kinds
// reflect it); a cluster that reports nothing is left out.
func unready(clusters []workv1alpha2.TargetCluster, statuses []workv1alpha2.AggregatedStatusItem) map[string]int64 {
	assigned := make(map[string]int64, len(clusters))
	for _, t := range clusters {
		assigned[t.Name] = int64(t.Replicas)
	}
	var out map[string]int64
	for _, st := range statuses {
		want, ok := assigned[st.ClusterName]
		if !ok || st.Status == nil || len(st.Status.Raw) == 0 {
			continue
		}
		var reported struct {
			ReadyReplicas *int64 `json:"readyReplicas"`
			Replicas      *int64 `json:"replicas"`
		}
		if json.Unmarshal(st.Status.Raw, &reported) != nil || reported.Replicas == nil {
			continue
		}
		ready := int64(0)
		if reported.ReadyReplicas != nil {
			ready = *reported.ReadyReplicas
		}
		if n := want - ready; n > 0 {
			if out == nil {
				out = map[string]int64{}
			}
			out[st.ClusterName] = n
		}
	}
	return out
}
