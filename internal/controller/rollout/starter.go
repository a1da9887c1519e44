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
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// Starter creates the StagedUpdateRun of each snapshot the binding
// controller freezes: one run per revision, named as its snapshot, so a
// restart never starts a second one.
type Starter struct {
	Client client.Client
}

// Reconcile starts the run of one snapshot.
func (s *Starter) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	cr := &appsv1.ControllerRevision{}
	if err := s.Client.Get(ctx, req.NamespacedName, cr); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	bindingName, revision := cr.Labels[rolloutv1alpha1.BindingLabel], cr.Labels[rolloutv1alpha1.RevisionLabel]
	if bindingName == "" || revision == "" || !cr.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	rb := &workv1alpha2.ResourceBinding{}
	if err := s.Client.Get(ctx, client.ObjectKey{Namespace: cr.Namespace, Name: bindingName}, rb); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if rb.Spec.RolloutStrategy == nil {
		return ctrl.Result{}, nil
	}
	run := &rolloutv1alpha1.StagedUpdateRun{
		ObjectMeta: metav1.ObjectMeta{Name: cr.Name, Namespace: cr.Namespace, Labels: map[string]string{
			rolloutv1alpha1.BindingLabel: bindingName, rolloutv1alpha1.RevisionLabel: revision,
		}},
		Spec: rolloutv1alpha1.StagedUpdateRunSpec{
			BindingName: bindingName, StrategyName: rb.Spec.RolloutStrategy.Name, Revision: revision,
			SnapshotName: cr.Name, State: rolloutv1alpha1.RunStateRun,
		},
	}
	// The run goes with its binding.
	if err := ctrl.SetControllerReference(rb, run, s.Client.Scheme()); err != nil {
		return ctrl.Result{}, err
	}
	if err := s.Client.Create(ctx, run); err != nil && !apierrors.IsAlreadyExists(err) {
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, s.prune(ctx, cr.Namespace, bindingName)
}

// historyLimit is how many runs of a binding are kept.
const historyLimit = 10

// prune deletes a binding's oldest finished runs beyond historyLimit, and
// their snapshots when no kept run uses them.
func (s *Starter) prune(ctx context.Context, namespace, binding string) error {
	runs := &rolloutv1alpha1.StagedUpdateRunList{}
	if err := s.Client.List(ctx, runs, client.InNamespace(namespace), client.MatchingLabels{rolloutv1alpha1.BindingLabel: binding}); err != nil {
		return err
	}
	items := runs.Items
	sort.Slice(items, func(i, j int) bool { return items[i].CreationTimestamp.Before(&items[j].CreationTimestamp) })
	kept := func(i int) bool { return len(items)-i <= historyLimit || !items[i].Status.Phase.Terminal() }
	used := map[string]bool{}
	for i := range items {
		if kept(i) {
			used[items[i].Spec.SnapshotName] = true
		}
	}
	for i := range items {
		run := &items[i]
		if kept(i) {
			continue
		}
		if err := s.Client.Delete(ctx, run); client.IgnoreNotFound(err) != nil {
			return err
		}
	}
	// Only the snapshots of the runs just pruned go: a snapshot whose run
	// is not created yet (or not in the cache yet) is never touched.
	for i := range items {
		name := items[i].Spec.SnapshotName
		if kept(i) || used[name] {
			continue
		}
		snap := &appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}
		if err := s.Client.Delete(ctx, snap); client.IgnoreNotFound(err) != nil {
			return err
		}
	}
	return nil
}

// SetupWithManager watches snapshots.
func (s *Starter) SetupWithManager(mgr ctrl.Manager) error {
	isSnapshot := predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetLabels()[rolloutv1alpha1.BindingLabel] != "" })
	return ctrl.NewControllerManagedBy(mgr).Named("rollout-starter").
		For(&appsv1.ControllerRevision{}, builder.WithPredicates(isSnapshot, predicate.Funcs{
			UpdateFunc: func(e event.UpdateEvent) bool { return false },
			DeleteFunc: func(e event.DeleteEvent) bool { return false },
		})).
		Complete(s)
}
