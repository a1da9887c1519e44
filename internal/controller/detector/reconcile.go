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
package detector

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/go-logr/logr"
	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	fleetplacement "kurator.dev/kurator/internal/placement"
	"kurator.dev/kurator/internal/policymatch"
	"kurator.dev/kurator/internal/propagation"
)

// reconcile claims one template and maintains its binding.
func (d *Detector) reconcile(ctx context.Context, k key) error {
	log := ctrl.LoggerFrom(ctx).WithValues("kind", k.GVK.Kind, "namespace", k.Namespace, "name", k.Name)
	ctx = logr.NewContext(ctx, log)
	u, err := d.template(k)
	if err != nil {
		return err
	}
	if u == nil || !u.GetDeletionTimestamp().IsZero() {
		// A deleted template's binding goes with it (owner reference).
		d.failures.forget(k)
		log.V(2).Info("Template deleted; its binding goes with it")
		return nil
	}
	if skipped(u) {
		log.V(5).Info("Template never propagated")
		return nil
	}
	cand, ok, err := d.policyFor(ctx, u)
	if err != nil {
		return err
	}
	if !ok {
		d.failures.forget(k)
		if claimed(u) {
			// Nothing is undone: the claim and the binding stay, so what
			// runs on the members is not touched.
			log.V(2).Info("No policy selects the claimed template any more; its claim and binding stay")
		} else {
			log.V(4).Info("No policy selects the template")
		}
		return nil
	}
	ctx = logr.NewContext(ctx, log.WithValues("policy", policyID(cand)))
	if u.GetGeneration() > 0 {
		// The binding records the template's generation, which the claim
		// does not change: claim and bind at once, one API round trip
		// less before the template is on its way.
		var g errgroup.Group
		g.Go(func() error {
			_, err := d.claim(ctx, u, cand)
			return err
		})
		g.Go(func() error { return d.bind(ctx, k, u, cand) })
		return g.Wait()
	}
	// Without a generation the version is the resourceVersion, which the
	// claim changes: bind what the claim returned.
	if u, err = d.claim(ctx, u, cand); err != nil {
		return err
	}
	return d.bind(ctx, k, u, cand)
}

// bind creates or updates the template's binding. A binding that cannot be
// built is a BindingFailed event when the failure starts or changes; the
// retries of the same failure record nothing more.
func (d *Detector) bind(ctx context.Context, k key, u *unstructured.Unstructured, cand policy) error {
	log := ctrl.LoggerFrom(ctx)
	spec, err := d.bindingSpec(ctx, u, cand)
	if err != nil {
		if d.failures.record(k, err.Error()) {
			log.V(1).Info("Cannot build the binding", "err", err.Error())
			d.Recorder.Eventf(u, nil, corev1.EventTypeWarning, "BindingFailed", "Propagate", "%v", err)
		}
		return err
	}
	if err := d.upsertBinding(ctx, u, cand, spec); err != nil {
		return err
	}
	if d.failures.forget(k) {
		log.V(1).Info("Template binds again")
	}
	return nil
}

// claimed reports whether a template carries a policy's claim.
func claimed(u *unstructured.Unstructured) bool {
	for _, k := range claimKeys {
		if _, ok := u.GetLabels()[k]; ok {
			return true
		}
	}
	return false
}

// policyID names a policy in logs: namespace/name, or name for a
// ClusterPropagationPolicy.
func policyID(p policy) string {
	if p.Namespace == "" {
		return p.Name
	}
	return p.Namespace + "/" + p.Name
}

// policy is the claiming policy with what the binding needs from it.
type policy struct {
	policymatch.Candidate
	UID         types.UID
	Labels      map[string]string
	Annotations map[string]string
}

func (d *Detector) policyFor(ctx context.Context, u *unstructured.Unstructured) (policy, bool, error) {
	var cands []policymatch.Candidate
	meta := map[string]policy{}
	if ns := u.GetNamespace(); ns != "" {
		var pps policyv1alpha1.PropagationPolicyList
		if err := d.Client.List(ctx, &pps, client.InNamespace(ns)); err != nil {
			return policy{}, false, err
		}
		for i := range pps.Items {
			p := &pps.Items[i]
			if p.DeletionTimestamp.IsZero() {
				c := policymatch.Candidate{Name: p.Name, Namespace: p.Namespace, Spec: &p.Spec}
				cands = append(cands, c)
				meta[p.Namespace+"/"+p.Name] = policy{Candidate: c, UID: p.UID, Labels: p.Labels, Annotations: p.Annotations}
			}
		}
	}
	var cpps policyv1alpha1.ClusterPropagationPolicyList
	if err := d.Client.List(ctx, &cpps); err != nil {
		return policy{}, false, err
	}
	for i := range cpps.Items {
		p := &cpps.Items[i]
		if p.DeletionTimestamp.IsZero() {
			c := policymatch.Candidate{Name: p.Name, Spec: &p.Spec}
			cands = append(cands, c)
			meta["/"+p.Name] = policy{Candidate: c, UID: p.UID, Labels: p.Labels, Annotations: p.Annotations}
		}
	}
	best, ok := policymatch.Best(u, cands)
	if !ok {
		return policy{}, false, nil
	}
	return meta[best.Namespace+"/"+best.Name], true, nil
}

// claim marks the template with the policy that propagates it, and returns
// the template as stored afterwards: the binding records its version, and a
// template without a generation is versioned by resourceVersion, which the
// claim itself changes.
func (d *Detector) claim(ctx context.Context, u *unstructured.Unstructured, p policy) (*unstructured.Unstructured, error) {
	labels, annotations := u.GetLabels(), u.GetAnnotations()
	want := map[string]string{}
	wantAnn := map[string]string{}
	drop := []string{}
	if p.Namespace != "" {
		want[policyv1alpha1.PropagationPolicyPermanentIDLabel] = string(p.UID)
		wantAnn[policyv1alpha1.PropagationPolicyNamespaceAnnotation] = p.Namespace
		wantAnn[policyv1alpha1.PropagationPolicyNameAnnotation] = p.Name
		drop = append(drop, policyv1alpha1.ClusterPropagationPolicyPermanentIDLabel)
	} else {
		want[policyv1alpha1.ClusterPropagationPolicyPermanentIDLabel] = string(p.UID)
		wantAnn[policyv1alpha1.ClusterPropagationPolicyNameAnnotation] = p.Name
		drop = append(drop, policyv1alpha1.PropagationPolicyPermanentIDLabel)
	}
	changed := false
	patchLabels, patchAnn := map[string]any{}, map[string]any{}
	for k, v := range want {
		if labels[k] != v {
			patchLabels[k], changed = v, true
		}
	}
	for _, k := range drop {
		if _, ok := labels[k]; ok {
			patchLabels[k], changed = nil, true
		}
	}
	for k, v := range wantAnn {
		if annotations[k] != v {
			patchAnn[k], changed = v, true
		}
	}
	if !changed {
		return u, nil
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"labels": patchLabels, "annotations": patchAnn}})
	if err != nil {
		return nil, err
	}
	m, err := d.Mapper.RESTMapping(u.GroupVersionKind().GroupKind(), u.GroupVersionKind().Version)
	if err != nil {
		return nil, err
	}
	claimedNow, err := d.Dynamic.Resource(m.Resource).Namespace(u.GetNamespace()).Patch(ctx, u.GetName(), types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		return nil, err
	}
	ctrl.LoggerFrom(ctx).V(1).Info("Claimed template")
	return claimedNow, nil
}

// bindingSpec is everything the binding holds except the decision.
func (d *Detector) bindingSpec(ctx context.Context, u *unstructured.Unstructured, p policy) (workv1alpha2.ResourceBindingSpec, error) {
	placement := p.Spec.Placement.DeepCopy()
	var fleet *fleetv1alpha1.Fleet
	if name := p.Labels[fleetv1alpha1.LabelFleetName]; name != "" {
		ns := p.Labels[fleetv1alpha1.LabelFleetNamespace]
		if ns == "" {
			ns = p.Namespace
		}
		fleet = &fleetv1alpha1.Fleet{}
		if err := d.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, fleet); err != nil {
			return workv1alpha2.ResourceBindingSpec{}, fmt.Errorf("policy %s targets fleet %s/%s: %w", p.Name, ns, name, err)
		}
		placement = fleetplacement.ForFleet(*placement, fleet)
	}
	spec, err := propagation.BindingSpec(u, p.Spec, placement)
	if err == nil && spec.RolloutStrategy == nil && fleet != nil && fleet.Spec.RolloutStrategy != nil {
		spec.RolloutStrategy = fleet.Spec.RolloutStrategy.DeepCopy() // the fleet's default
	}
	return spec, err
}

// upsertBinding creates or updates the binding, leaving the scheduler's
// decision (spec.clusters) and eviction tasks alone. The scheduler and the
// binding controller write the binding too: a conflict is retried at once
// on a fresh read rather than through the queue's backoff.
func (d *Detector) upsertBinding(ctx context.Context, u *unstructured.Unstructured, p policy, spec workv1alpha2.ResourceBindingSpec) error {
	// The first attempt reads the cache, which is almost always current and
	// costs the API server nothing; a conflict means it was not, and the
	// retries read the API server.
	reader := client.Reader(d.Client)
	return retry.OnError(retry.DefaultRetry, func(err error) bool {
		return apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err)
	}, func() error {
		err := d.upsertBindingOnce(ctx, reader, u, p, *spec.DeepCopy())
		reader = d.Reader
		return err
	})
}

func (d *Detector) upsertBindingOnce(ctx context.Context, reader client.Reader, u *unstructured.Unstructured, p policy, spec workv1alpha2.ResourceBindingSpec) error {
	name := workv1alpha2.BindingName(u.GetName(), u.GetKind())
	var obj client.Object
	var current *workv1alpha2.ResourceBindingSpec
	if u.GetNamespace() == "" {
		crb := &workv1alpha2.ClusterResourceBinding{}
		obj, current = crb, &crb.Spec
	} else {
		rb := &workv1alpha2.ResourceBinding{}
		obj, current = rb, &rb.Spec
	}
	err := reader.Get(ctx, client.ObjectKey{Namespace: u.GetNamespace(), Name: name}, obj)
	create := apierrors.IsNotFound(err)
	if err != nil && !create {
		return err
	}
	before := obj.DeepCopyObject().(client.Object)
	spec.Clusters = current.Clusters
	spec.GracefulEvictionTasks = current.GracefulEvictionTasks
	spec.RescheduleTriggeredAt = current.RescheduleTriggeredAt
	spec.RequiredBy = current.RequiredBy
	*current = spec
	obj.SetName(name)
	obj.SetNamespace(u.GetNamespace())
	labels := obj.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	if p.Namespace != "" {
		labels[policyv1alpha1.PropagationPolicyPermanentIDLabel] = string(p.UID)
		delete(labels, policyv1alpha1.ClusterPropagationPolicyPermanentIDLabel)
	} else {
		labels[policyv1alpha1.ClusterPropagationPolicyPermanentIDLabel] = string(p.UID)
		delete(labels, policyv1alpha1.PropagationPolicyPermanentIDLabel)
	}
	obj.SetLabels(labels)
	// The template's generation on the binding makes a spec change of the
	// template (an image, say) reach the binding controller.
	annotations := obj.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[workv1alpha2.TemplateVersionAnnotation] = workv1alpha2.TemplateVersion(u)
	// The policy's failback window travels with the binding.
	if w, ok := p.Annotations[policyv1alpha1.FailbackAnnotation]; ok {
		annotations[policyv1alpha1.FailbackAnnotation] = w
	} else {
		delete(annotations, policyv1alpha1.FailbackAnnotation)
	}
	if v, ok := p.Annotations[policyv1alpha1.CostWeightAnnotation]; ok {
		annotations[policyv1alpha1.CostWeightAnnotation] = v
	} else {
		delete(annotations, policyv1alpha1.CostWeightAnnotation)
	}
	obj.SetAnnotations(annotations)
	obj.SetOwnerReferences([]metav1.OwnerReference{{
		APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Name: u.GetName(), UID: u.GetUID(),
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(false),
	}})
	log := ctrl.LoggerFrom(ctx).WithValues("binding", name)
	if create {
		obj.SetFinalizers([]string{workv1alpha2.BindingFinalizer})
		if err := d.Client.Create(ctx, obj); err != nil {
			return err
		}
		log.V(1).Info("Created binding")
		return nil
	}
	if sameJSON(before, obj) {
		log.V(4).Info("Binding up to date")
		return nil
	}
	if err := d.Client.Update(ctx, obj); err != nil {
		return err
	}
	log.V(2).Info("Updated binding")
	return nil
}

// sameJSON compares two objects as the API server stores them: an empty
// map or slice equals a missing one (omitempty), which DeepEqual does not
// grant, so an unchanged binding is not written again.
func sameJSON(a, b client.Object) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}
