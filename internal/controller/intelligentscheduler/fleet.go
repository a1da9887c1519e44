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

package intelligentscheduler

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/patch"
)

// fleet is what one evaluation reads.
type fleet struct {
	schedulers []schedulingv1alpha1.IntelligentScheduler
	bindings   []workv1alpha2.Binding
	clusters   []karmadaclusterv1alpha1.Cluster
	// labels of the templates, read only when a scheduler selects by label.
	labels map[string]map[string]string
}

func (r *Reconciler) readFleet(ctx context.Context) (*fleet, error) {
	f := &fleet{}
	var schedulers schedulingv1alpha1.IntelligentSchedulerList
	if err := r.Client.List(ctx, &schedulers); err != nil {
		return nil, fmt.Errorf("listing IntelligentSchedulers: %w", err)
	}
	for _, s := range schedulers.Items {
		if s.DeletionTimestamp.IsZero() {
			f.schedulers = append(f.schedulers, s)
		}
	}
	bindings, err := r.listBindings(ctx)
	if err != nil {
		return nil, err
	}
	f.bindings = bindings
	var clusters karmadaclusterv1alpha1.ClusterList
	if err := r.Client.List(ctx, &clusters); err != nil {
		return nil, fmt.Errorf("listing Clusters: %w", err)
	}
	f.clusters = clusters.Items
	if intelligent.UsesLabels(f.schedulers) {
		f.labels = map[string]map[string]string{}
		for _, b := range f.bindings {
			labels, err := r.templateLabels(ctx, b)
			if err != nil {
				return nil, err
			}
			f.labels[bindingKey(b)] = labels
		}
	}
	return f, nil
}

// listBindings lists the ResourceBindings and ClusterResourceBindings.
func (r *Reconciler) listBindings(ctx context.Context) ([]workv1alpha2.Binding, error) {
	var rbs workv1alpha2.ResourceBindingList
	if err := r.Client.List(ctx, &rbs); err != nil {
		return nil, fmt.Errorf("listing ResourceBindings: %w", err)
	}
	var crbs workv1alpha2.ClusterResourceBindingList
	if err := r.Client.List(ctx, &crbs); err != nil {
		return nil, fmt.Errorf("listing ClusterResourceBindings: %w", err)
	}
	out := make([]workv1alpha2.Binding, 0, len(rbs.Items)+len(crbs.Items))
	for i := range rbs.Items {
		out = append(out, &rbs.Items[i])
	}
	for i := range crbs.Items {
		out = append(out, &crbs.Items[i])
	}
	return out, nil
}

// templateLabels reads a template's labels alone (metadata only).
func (r *Reconciler) templateLabels(ctx context.Context, b workv1alpha2.Binding) (map[string]string, error) {
	ref := b.BindingSpec().Resource
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return nil, nil
	}
	meta := &metav1.PartialObjectMetadata{}
	meta.SetGroupVersionKind(gv.WithKind(ref.Kind))
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, meta); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("reading the labels of %s %s/%s: %w", ref.Kind, ref.Namespace, ref.Name, err)
	}
	return meta.Labels, nil
}

func bindingKey(b workv1alpha2.Binding) string {
	return workv1alpha2.GVK(b).Kind + "/" + b.GetNamespace() + "/" + b.GetName()
}

// governedBy lists the bindings a scheduler governs: those it selects
// whose first selecting scheduler, by name, it is.
func (f *fleet) governedBy(s *schedulingv1alpha1.IntelligentScheduler) []workv1alpha2.Binding {
	var out []workv1alpha2.Binding
	for _, b := range f.bindings {
		if !b.GetDeletionTimestamp().IsZero() || b.BindingSpec().Placement == nil {
			continue
		}
		if g := intelligent.Select(f.schedulers, b, f.labels[bindingKey(b)]); g != nil && g.Name == s.Name {
			out = append(out, b)
		}
	}
	return out
}

// release takes a scheduler's objective off the bindings it no longer
// governs among all (every one of them when governed is nil).
func (r *Reconciler) release(ctx context.Context, scheduler string, all, governed []workv1alpha2.Binding) error {
	keep := map[string]bool{}
	for _, b := range governed {
		keep[bindingKey(b)] = true
	}
	for _, b := range all {
		o, ok := intelligent.ReadObjective(b.GetAnnotations())
		if !ok || o.Scheduler != scheduler || keep[bindingKey(b)] {
			continue
		}
		body := map[string]any{"metadata": map[string]any{"annotations": map[string]any{intelligent.ObjectiveAnnotation: nil, intelligent.OptimizationAnnotation: nil}}}
		if err := patch.Merge(ctx, r.Client, b, body); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("releasing %s: %w", bindingKey(b), err)
		}
	}
	return nil
}

// releaseAll takes a scheduler's objective off every binding.
func (r *Reconciler) releaseAll(ctx context.Context, scheduler string) error {
	all, err := r.listBindings(ctx)
	if err != nil {
		return err
	}
	return r.release(ctx, scheduler, all, nil)
}

// handOver writes each governed binding's objective where it changed.
func (r *Reconciler) handOver(ctx context.Context, governed []workv1alpha2.Binding, objectives map[string]intelligent.Objective) error {
	for _, b := range governed {
		value := intelligent.Encode(objectives[bindingKey(b)])
		if b.GetAnnotations()[intelligent.ObjectiveAnnotation] == value {
			continue
		}
		body := map[string]any{"metadata": map[string]any{"annotations": map[string]any{intelligent.ObjectiveAnnotation: value}}}
		if err := patch.Merge(ctx, r.Client, b, body); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("handing the objective to %s: %w", bindingKey(b), err)
		}
	}
	return nil
}
