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
package dependencies

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/interpreter"
)

// errReplaced: the dependency's binding belongs to an object of the same
// name that was deleted; it is retried once that binding is gone.
var errReplaced = errors.New("its binding belongs to a deleted object of the same name and is being removed")

// attach puts the dependent binding's snapshot into the requiredBy of the
// dependency's binding, creating an attached binding if it has none. It
// returns false when the dependency does not exist (yet).
func (r *Reconciler) attach(ctx context.Context, dependent *workv1alpha2.ResourceBinding, d interpreter.Dependency, snap workv1alpha2.BindingSnapshot) (bool, error) {
	obj := &metav1.PartialObjectMetadata{}
	obj.SetGroupVersionKind(schema.FromAPIVersionAndKind(d.APIVersion, d.Kind))
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: d.Namespace, Name: d.Name}, obj); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	if !obj.DeletionTimestamp.IsZero() {
		return false, nil
	}
	key := client.ObjectKey{Namespace: d.Namespace, Name: workv1alpha2.BindingName(d.Name, d.Kind)}
	// Most passes change nothing: the cache says so without a request.
	cached := &workv1alpha2.ResourceBinding{}
	if err := r.Client.Get(ctx, key, cached); err == nil && cached.DeletionTimestamp.IsZero() && cached.Spec.Resource.UID == obj.UID {
		if _, changed := changes(cached, obj, snap); !changed {
			return true, nil
		}
	}
	retriable := func(err error) bool { return apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err) }
	return true, retry.OnError(retry.DefaultRetry, retriable, func() error {
		current := &workv1alpha2.ResourceBinding{}
		err := r.Reader.Get(ctx, key, current)
		if apierrors.IsNotFound(err) {
			rb := attachedBinding(dependent, d, obj, snap)
			if err := r.Client.Create(ctx, rb); err != nil {
				return err
			}
			ctrl.LoggerFrom(ctx).V(2).Info("Created attached binding", "binding", key.String())
			return nil
		}
		if err != nil {
			return err
		}
		if !current.DeletionTimestamp.IsZero() || (current.Spec.Resource.UID != "" && current.Spec.Resource.UID != obj.UID) {
			return errReplaced
		}
		body, changed := changes(current, obj, snap)
		if !changed {
			return nil
		}
		return r.patch(ctx, current, body)
	})
}

// changes returns the merge patch that makes rb carry snap (and, for an
// attached binding, the dependency's resourceVersion), and whether one is
// needed.
func changes(rb *workv1alpha2.ResourceBinding, obj *metav1.PartialObjectMetadata, snap workv1alpha2.BindingSnapshot) (map[string]any, bool) {
	body := map[string]any{}
	if requiredBy, changed := withSnapshot(rb.Spec.RequiredBy, snap); changed {
		body["spec"] = map[string]any{"requiredBy": requiredBy}
	}
	// A binding of the dependency's own policy is kept by the detector.
	if v := templateVersion(obj); rb.Spec.Placement == nil && rb.Annotations[workv1alpha2.TemplateVersionAnnotation] != v {
		body["metadata"] = map[string]any{"annotations": map[string]string{workv1alpha2.TemplateVersionAnnotation: v}}
	}
	return body, len(body) > 0
}

// attachedBinding is the binding of a dependency that has none: its
// resource, owned by it (so it goes when the dependency is deleted), no
// placement, and the dependent binding's conflict resolution and
// preservation, as Karmada's dependencies distributor builds it.
func attachedBinding(dependent *workv1alpha2.ResourceBinding, d interpreter.Dependency, obj *metav1.PartialObjectMetadata, snap workv1alpha2.BindingSnapshot) *workv1alpha2.ResourceBinding {
	return &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{
			Name: workv1alpha2.BindingName(d.Name, d.Kind), Namespace: d.Namespace,
			Annotations: map[string]string{workv1alpha2.TemplateVersionAnnotation: templateVersion(obj)},
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: d.APIVersion, Kind: d.Kind, Name: d.Name, UID: obj.UID,
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(false),
			}},
		},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource:                    workv1alpha2.ObjectReference{APIVersion: d.APIVersion, Kind: d.Kind, Namespace: d.Namespace, Name: d.Name, UID: obj.UID},
			RequiredBy:                  []workv1alpha2.BindingSnapshot{snap},
			ConflictResolution:          dependent.Spec.ConflictResolution,
			PreserveResourcesOnDeletion: dependent.Spec.PreserveResourcesOnDeletion,
		},
	}
}

// detachStale removes the dependent binding from the requiredBy of every
// binding whose resource it no longer depends on (all of them when it is
// gone or stopped propagating its dependencies).
func (r *Reconciler) detachStale(ctx context.Context, dependent types.NamespacedName, deps []interpreter.Dependency) error {
	var list workv1alpha2.ResourceBindingList
	if err := r.Client.List(ctx, &list, client.MatchingFields{requiredByIndex: dependent.String()}); err != nil {
		return err
	}
	wanted := map[workv1alpha2.ObjectReference]bool{}
	for _, d := range deps {
		wanted[workv1alpha2.ObjectReference{APIVersion: d.APIVersion, Kind: d.Kind, Namespace: d.Namespace, Name: d.Name}] = true
	}
	var errs []error
	for i := range list.Items {
		rb := &list.Items[i]
		res := rb.Spec.Resource
		if wanted[workv1alpha2.ObjectReference{APIVersion: res.APIVersion, Kind: res.Kind, Namespace: res.Namespace, Name: res.Name}] {
			continue
		}
		if err := r.detach(ctx, client.ObjectKeyFromObject(rb), dependent); err != nil {
			errs = append(errs, fmt.Errorf("binding %s: %w", client.ObjectKeyFromObject(rb), err))
		}
	}
	return errors.Join(errs...)
}

// detach removes the dependent's entry from one binding's requiredBy, and
// deletes the binding if it was attached (no placement of its own) and
// nothing requires it any more.
func (r *Reconciler) detach(ctx context.Context, key, dependent types.NamespacedName) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		current := &workv1alpha2.ResourceBinding{}
		if err := r.Reader.Get(ctx, key, current); err != nil {
			return client.IgnoreNotFound(err)
		}
		requiredBy, changed := withoutSnapshot(current.Spec.RequiredBy, dependent)
		if !changed {
			return nil
		}
		if len(requiredBy) == 0 && current.Spec.Placement == nil {
			// Preconditions: a binding the detector just gave a placement,
			// or another dependent just joined, is not deleted.
			uid, rv := current.UID, current.ResourceVersion
			if err := r.Client.Delete(ctx, current, client.Preconditions{UID: &uid, ResourceVersion: &rv}); err != nil {
				return client.IgnoreNotFound(err)
			}
			ctrl.LoggerFrom(ctx).V(2).Info("Deleted attached binding nothing requires", "binding", key.String())
			return nil
		}
		var value any = requiredBy
		if len(requiredBy) == 0 {
			value = nil
		}
		return r.patch(ctx, current, map[string]any{"spec": map[string]any{"requiredBy": value}})
	})
}

// patch sends a merge patch that fails with a conflict if rb changed since
// it was read: requiredBy is a list several dependents write.
func (r *Reconciler) patch(ctx context.Context, rb *workv1alpha2.ResourceBinding, body map[string]any) error {
	meta, _ := body["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
	}
	meta["resourceVersion"] = rb.ResourceVersion
	body["metadata"] = meta
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return r.Client.Patch(ctx, rb, client.RawPatch(types.MergePatchType, raw))
}
