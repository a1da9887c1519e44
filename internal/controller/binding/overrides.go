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

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/overrides"
)

// +kubebuilder:rbac:groups=policy.karmada.io,resources=overridepolicies;clusteroverridepolicies,verbs=get;list;watch
// +kubebuilder:rbac:groups=cluster.karmada.io,resources=clusters,verbs=get;list;watch

// overridePolicies returns the ClusterOverridePolicies and the
// OverridePolicies of namespace ns (none for a cluster-scoped template),
// from the cache. overrides.Apply orders and selects them.
func (r *Reconciler) overridePolicies(ctx context.Context, ns string) ([]overrides.Policy, error) {
	var cops policyv1alpha1.ClusterOverridePolicyList
	if err := r.Client.List(ctx, &cops); err != nil {
		return nil, err
	}
	out := make([]overrides.Policy, 0, len(cops.Items))
	for i := range cops.Items {
		p := &cops.Items[i]
		if p.DeletionTimestamp.IsZero() {
			out = append(out, overrides.Policy{Name: p.Name, Spec: &p.Spec})
		}
	}
	if ns == "" {
		return out, nil
	}
	var ops policyv1alpha1.OverridePolicyList
	if err := r.Client.List(ctx, &ops, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	for i := range ops.Items {
		p := &ops.Items[i]
		if p.DeletionTimestamp.IsZero() {
			out = append(out, overrides.Policy{Name: p.Name, Namespace: p.Namespace, Spec: &p.Spec})
		}
	}
	return out, nil
}

// cluster returns the Cluster named name from the cache, or nil.
func (r *Reconciler) cluster(ctx context.Context, name string) *karmadaclusterv1alpha1.Cluster {
	c := &karmadaclusterv1alpha1.Cluster{}
	if err := r.Client.Get(ctx, client.ObjectKey{Name: name}, c); err != nil {
		return nil
	}
	return c
}

// overridePolicyHandler enqueues the bindings whose template an override
// policy selects, before or after a change, so a changed or deleted policy
// re-renders them; re-rendering an unchanged manifest writes nothing.
type overridePolicyHandler struct {
	reader      client.Reader
	list        bindingList
	clusterKind bool
}

// bindingList lists one kind of binding from the cache.
type bindingList func(ctx context.Context, reader client.Reader, opts ...client.ListOption) ([]workv1alpha2.Binding, error)

func listResourceBindings(ctx context.Context, reader client.Reader, opts ...client.ListOption) ([]workv1alpha2.Binding, error) {
	var l workv1alpha2.ResourceBindingList
	if err := reader.List(ctx, &l, opts...); err != nil {
		return nil, err
	}
	out := make([]workv1alpha2.Binding, len(l.Items))
	for i := range l.Items {
		out[i] = &l.Items[i]
	}
	return out, nil
}

func listClusterResourceBindings(ctx context.Context, reader client.Reader, opts ...client.ListOption) ([]workv1alpha2.Binding, error) {
	var l workv1alpha2.ClusterResourceBindingList
	if err := reader.List(ctx, &l, opts...); err != nil {
		return nil, err
	}
	out := make([]workv1alpha2.Binding, len(l.Items))
	for i := range l.Items {
		out[i] = &l.Items[i]
	}
	return out, nil
}

type queue = workqueue.TypedRateLimitingInterface[reconcile.Request]

func (h *overridePolicyHandler) Create(ctx context.Context, e event.CreateEvent, q queue) {
	h.enqueue(ctx, q, e.Object)
}

func (h *overridePolicyHandler) Update(ctx context.Context, e event.UpdateEvent, q queue) {
	if equality.Semantic.DeepEqual(spec(e.ObjectOld), spec(e.ObjectNew)) {
		return
	}
	h.enqueue(ctx, q, e.ObjectOld, e.ObjectNew)
}

func (h *overridePolicyHandler) Delete(ctx context.Context, e event.DeleteEvent, q queue) {
	h.enqueue(ctx, q, e.Object)
}

func (h *overridePolicyHandler) Generic(ctx context.Context, e event.GenericEvent, q queue) {
	h.enqueue(ctx, q, e.Object)
}

func spec(obj client.Object) *policyv1alpha1.OverrideSpec {
	switch p := obj.(type) {
	case *policyv1alpha1.OverridePolicy:
		return &p.Spec
	case *policyv1alpha1.ClusterOverridePolicy:
		return &p.Spec
	}
	return nil
}

// enqueue adds the bindings of the policies' scope whose resource matches
// the apiVersion and kind of a resource selector (every binding of the
// scope when a policy has no selectors). Names and labels are left to
// overrides.Apply: a binding enqueued needlessly renders to no change.
func (h *overridePolicyHandler) enqueue(ctx context.Context, q queue, policies ...client.Object) {
	for _, p := range policies {
		s := spec(p)
		if s == nil {
			continue
		}
		// An OverridePolicy never applies to a cluster-scoped template.
		if p.GetNamespace() != "" && h.clusterKind {
			continue
		}
		var opts []client.ListOption
		if p.GetNamespace() != "" {
			opts = append(opts, client.InNamespace(p.GetNamespace()))
		}
		bindings, err := h.list(ctx, h.reader, opts...)
		if err != nil {
			logf.FromContext(ctx).Error(err, "Cannot list bindings for an override policy change", "policy", client.ObjectKeyFromObject(p))
			continue
		}
		for _, b := range bindings {
			if selectsKind(s.ResourceSelectors, b.BindingSpec().Resource) {
				q.Add(reconcile.Request{NamespacedName: client.ObjectKeyFromObject(b)})
			}
		}
	}
}

func selectsKind(selectors []policyv1alpha1.ResourceSelector, ref workv1alpha2.ObjectReference) bool {
	if len(selectors) == 0 {
		return true
	}
	for _, s := range selectors {
		if s.APIVersion == ref.APIVersion && s.Kind == ref.Kind {
			return true
		}
	}
	return false
}

// clusterHandler enqueues the bindings placed on a Cluster whose labels or
// spec (region, zones, provider) changed: targetCluster selectors of
// override rules may match it differently now.
func clusterHandler(reader client.Reader, list bindingList) handler.TypedFuncs[client.Object, reconcile.Request] {
	return handler.TypedFuncs[client.Object, reconcile.Request]{
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q queue) {
			if e.ObjectOld.GetGeneration() == e.ObjectNew.GetGeneration() &&
				equality.Semantic.DeepEqual(e.ObjectOld.GetLabels(), e.ObjectNew.GetLabels()) {
				return
			}
			bindings, err := list(ctx, reader)
			if err != nil {
				logf.FromContext(ctx).Error(err, "Cannot list bindings for a cluster change", "cluster", e.ObjectNew.GetName())
				return
			}
			for _, b := range bindings {
				for _, t := range b.BindingSpec().Clusters {
					if t.Name == e.ObjectNew.GetName() {
						q.Add(reconcile.Request{NamespacedName: client.ObjectKeyFromObject(b)})
						break
					}
				}
			}
		},
	}
}
