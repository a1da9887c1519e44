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

package revisions

import (
	"context"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// Reconciler keeps the revisions of one Deployment. It reads through the
// manager's cache and writes as the projector identity, the only one the
// control plane's admission policy lets change these ReplicaSets.
type Reconciler struct {
	Client    client.Client
	Projector client.Client
}

// +kubebuilder:rbac:groups=apps,resources=deployments;replicasets,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=users,verbs=impersonate,resourceNames=kurator:revision-projector

// SetupWithManager watches Deployments and the revisions they own.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	projected := predicate.NewPredicateFuncs(func(o client.Object) bool {
		_, ok := o.GetLabels()[workv1alpha2.RevisionOfLabel]
		return ok
	})
	return ctrl.NewControllerManagedBy(mgr).Named("revisions").
		For(&appsv1.Deployment{}).
		Owns(&appsv1.ReplicaSet{}, builder.WithPredicates(projected)).
		Complete(r)
}

// conflictRetry is how soon a write that lost a race with the cache is
// tried again: the newer object is on its way.
const conflictRetry = 200 * time.Millisecond

// Reconcile brings a Deployment's revisions in line with its template and
// fleet status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	d := &appsv1.Deployment{}
	if err := r.Client.Get(ctx, req.NamespacedName, d); err != nil || !d.DeletionTimestamp.IsZero() {
		// The garbage collector removes the revisions with the Deployment.
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	owned, err := r.owned(ctx, d)
	if err != nil {
		return ctrl.Result{}, err
	}
	var p plan
	if propagated(d) {
		p = project(d, owned)
	} else {
		// Not (or no longer) propagated: nothing runs it anywhere.
		for i := range owned {
			p.remove = append(p.remove, &owned[i])
		}
	}
	err = r.write(ctx, d, owned, p)
	if apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err) {
		return ctrl.Result{RequeueAfter: conflictRetry}, nil
	}
	return ctrl.Result{}, err
}

// propagated: a policy has claimed the Deployment.
func propagated(d *appsv1.Deployment) bool {
	return d.Labels[policyv1alpha1.PropagationPolicyPermanentIDLabel] != "" ||
		d.Labels[policyv1alpha1.ClusterPropagationPolicyPermanentIDLabel] != ""
}

// owned lists the revisions the Deployment controls.
func (r *Reconciler) owned(ctx context.Context, d *appsv1.Deployment) ([]appsv1.ReplicaSet, error) {
	var list appsv1.ReplicaSetList
	if err := r.Client.List(ctx, &list, client.InNamespace(d.Namespace),
		client.MatchingLabels{workv1alpha2.RevisionOfLabel: workv1alpha2.RevisionOfLabelValue(d.Name)}); err != nil {
		return nil, err
	}
	out := list.Items[:0]
	for _, rs := range list.Items {
		if metav1.IsControlledBy(&rs, d) {
			out = append(out, rs)
		}
	}
	return out, nil
}

// write removes, creates and updates revisions, then sets their status from
// the generations the writes produced.
func (r *Reconciler) write(ctx context.Context, d *appsv1.Deployment, owned []appsv1.ReplicaSet, p plan) error {
	log := ctrl.LoggerFrom(ctx)
	for _, rs := range p.remove {
		if err := r.Projector.Delete(ctx, rs, client.Preconditions{UID: &rs.UID}); client.IgnoreNotFound(err) != nil {
			return err
		}
		log.V(1).Info("Removed revision", "replicaSet", rs.Name, "revision", Revision(rs))
	}
	before := map[string]*appsv1.ReplicaSet{}
	for i := range owned {
		before[owned[i].Name] = &owned[i]
	}
	for _, rs := range p.keep {
		old := before[rs.Name]
		switch {
		case old == nil:
			if err := r.Projector.Create(ctx, rs); err != nil {
				return err
			}
			log.V(1).Info("Recorded revision", "replicaSet", rs.Name, "revision", Revision(rs))
		case !apiequality.Semantic.DeepEqual(old.Spec, rs.Spec) || !apiequality.Semantic.DeepEqual(old.Annotations, rs.Annotations):
			if err := r.Projector.Update(ctx, rs); err != nil {
				return err
			}
		}
	}
	statuses := fleetStatus(d, p)
	for _, rs := range p.keep {
		want, ok := statuses[rs.Name]
		if !ok || apiequality.Semantic.DeepEqual(rs.Status, want) {
			continue
		}
		rs.Status = want
		if err := r.Projector.Status().Update(ctx, rs); err != nil {
			return err
		}
	}
	return nil
}
