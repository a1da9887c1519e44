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

package traffic

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// target is one route target: the whole host, or one in-cluster subset, with
// the workload that serves it.
type target struct {
	subset   string            // "" for the whole host
	labels   map[string]string // the subset's pod labels
	weight   int32             // the subset's share of the host, in percent
	workload networkingv1alpha1.WorkloadReference
	clusters []placedCluster
	placed   bool // the workload has a binding with clusters
}

// placedCluster is where a target's workload runs and how well.
type placedCluster struct {
	name      string
	replicas  int32 // desired, from the binding's placement
	available int32 // from the member's reflected status
	reported  bool  // the member reported a status
	ready     bool  // the Cluster is Ready
}

// targets lists the policy's route targets with their placement.
func (r *Reconciler) targets(ctx context.Context, tp *networkingv1alpha1.TrafficPolicy, ready map[string]bool) ([]target, error) {
	var out []target
	if tp.Spec.WorkloadRef != nil {
		out = append(out, target{weight: 100, workload: *tp.Spec.WorkloadRef})
	}
	for _, s := range tp.Spec.Subsets {
		out = append(out, target{subset: s.Name, labels: s.Labels, weight: s.Weight, workload: s.WorkloadRef})
	}
	for i := range out {
		if err := r.place(ctx, tp.Namespace, &out[i], ready); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// place reads the workload's binding: clusters, desired and available replicas.
func (r *Reconciler) place(ctx context.Context, namespace string, t *target, ready map[string]bool) error {
	rb := &workv1alpha2.ResourceBinding{}
	key := client.ObjectKey{Namespace: namespace, Name: workv1alpha2.BindingName(t.workload.Name, t.workload.Kind)}
	if err := r.Client.Get(ctx, key, rb); err != nil {
		return client.IgnoreNotFound(err)
	}
	if rb.Spec.Resource.Kind != t.workload.Kind || rb.Spec.Resource.Name != t.workload.Name {
		return nil
	}
	statuses := map[string]workloadStatus{}
	for _, item := range rb.Status.AggregatedStatus {
		if item.Status == nil {
			continue
		}
		var s workloadStatus
		if err := json.Unmarshal(item.Status.Raw, &s); err == nil {
			statuses[item.ClusterName] = s
		}
	}
	for _, tc := range rb.Spec.Clusters {
		s, reported := statuses[tc.Name]
		desired := tc.Replicas
		if rb.Spec.Replicas == 0 && desired == 0 {
			desired = 1 // a kind without replicas: one copy
		}
		available := s.AvailableReplicas
		if s.AvailableReplicas == 0 && s.ReadyReplicas > 0 {
			available = s.ReadyReplicas
		}
		t.clusters = append(t.clusters, placedCluster{name: tc.Name, replicas: desired, available: available, reported: reported, ready: ready[tc.Name]})
	}
	sort.Slice(t.clusters, func(i, j int) bool { return t.clusters[i].name < t.clusters[j].name })
	t.placed = len(t.clusters) > 0
	return nil
}

// workloadStatus is the part of a member's reflected status that says how
// many replicas serve.
type workloadStatus struct {
	ReadyReplicas     int32 `json:"readyReplicas,omitempty"`
	AvailableReplicas int32 `json:"availableReplicas,omitempty"`
}

// members lists every member cluster with whether it is Ready: the Istio
// objects go to all of them (every primary needs them), weights only to the
// clusters that run the workload.
func (r *Reconciler) members(ctx context.Context) ([]string, map[string]bool, error) {
	list := &karmadaclusterv1alpha1.ClusterList{}
	if err := r.Client.List(ctx, list); err != nil {
		return nil, nil, fmt.Errorf("list clusters: %w", err)
	}
	names := make([]string, 0, len(list.Items))
	ready := make(map[string]bool, len(list.Items))
	for _, c := range list.Items {
		if !c.DeletionTimestamp.IsZero() {
			continue
		}
		names = append(names, c.Name)
		ready[c.Name] = apimeta.IsStatusConditionTrue(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)
	}
	sort.Strings(names)
	return names, ready, nil
}
