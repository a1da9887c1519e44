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

package execution

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// fieldManager owns the fields Kurator applies to member clusters.
const fieldManager = "kurator"

// errNoNamespace: a manifest of a namespaced kind lacks its namespace.
var errNoNamespace = errors.New("the kind is namespaced but the manifest has no metadata.namespace")

// target is a manifest ready to apply: cleaned, marked as Kurator's and
// mapped to its resource in the member.
type target struct {
	id        workv1alpha1.ResourceIdentifier
	gvr       schema.GroupVersionResource
	obj       *unstructured.Unstructured
	hash      string
	overwrite bool
	// replicas, cut from obj, are applied only when creating the object:
	// the manifest retains them (see retain.go).
	replicas any
}

func (t *target) ref() objectRef {
	return objectRef{group: t.gvr.Group, resource: t.gvr.Resource, namespace: t.id.Namespace, name: t.id.Name}
}

// outcome is what applying one target led to.
type outcome struct {
	// live is the member object after applying; nil when not applied.
	live *unstructured.Unstructured
	// digest is live's appliedDigest, recorded in the manifest's status.
	digest string
	// conflict, when set, says why the object was left alone.
	conflict string
	err      error
}

// decode parses a manifest and prepares it for applying on behalf of work.
func decode(m workv1alpha1.Manifest, work string) (*unstructured.Unstructured, error) {
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(m.Raw); err != nil {
		return nil, fmt.Errorf("manifest is not a Kubernetes object: %w", err)
	}
	if obj.GetName() == "" {
		return nil, fmt.Errorf("%s manifest has no metadata.name", obj.GetKind())
	}
	clean(obj)
	labels := obj.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels[workv1alpha1.ManagedByLabel] = workv1alpha1.ManagedByKurator
	obj.SetLabels(labels)
	annotations := obj.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[workv1alpha1.WorkAnnotation] = work
	obj.SetAnnotations(annotations)
	return obj, nil
}

// clean drops what the member owns or must not receive: server-set
// metadata, owner references and finalizers of the control plane, the
// status, and a Service's allocated cluster IPs (a headless Service keeps
// clusterIP None).
func clean(obj *unstructured.Unstructured) {
	for _, f := range []string{"resourceVersion", "uid", "creationTimestamp", "managedFields", "generation",
		"selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences", "finalizers"} {
		unstructured.RemoveNestedField(obj.Object, "metadata", f)
	}
	unstructured.RemoveNestedField(obj.Object, "status")
	if obj.GroupVersionKind().GroupKind() == (schema.GroupKind{Kind: "Service"}) {
		if ip, _, _ := unstructured.NestedString(obj.Object, "spec", "clusterIP"); ip != corev1.ClusterIPNone {
			unstructured.RemoveNestedField(obj.Object, "spec", "clusterIP")
			unstructured.RemoveNestedField(obj.Object, "spec", "clusterIPs")
		}
	}
}

// resolve maps a decoded manifest to its resource in the member.
func resolve(mapper meta.RESTMapper, obj *unstructured.Unstructured, ordinal int) (*target, error) {
	gvk := obj.GroupVersionKind()
	mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", gvk.Kind, obj.GetName(), err)
	}
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		if obj.GetNamespace() == "" {
			return nil, fmt.Errorf("%s %s: %w", gvk.Kind, obj.GetName(), errNoNamespace)
		}
	} else {
		obj.SetNamespace("")
	}
	replicas := cutReplicas(obj)
	raw, err := json.Marshal(obj.Object)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	return &target{
		id: workv1alpha1.ResourceIdentifier{
			Ordinal: int32(ordinal), Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind,
			Resource: mapping.Resource.Resource, Namespace: obj.GetNamespace(), Name: obj.GetName(),
		},
		gvr:       mapping.Resource,
		obj:       obj,
		hash:      hex.EncodeToString(sum[:]),
		overwrite: obj.GetAnnotations()[workv1alpha1.ConflictResolutionAnnotation] == workv1alpha1.ConflictResolutionOverwrite,
		replicas:  replicas,
	}, nil
}

// apply server-side applies t unless the member has an object of the same
// name that Kurator does not manage and t does not say overwrite. An
// unchanged manifest whose fields nobody took over is not sent again;
// recordedDigest, from the Work's last status, tells so after a restart.
func (mc *memberClient) apply(ctx context.Context, t *target, work, recordedDigest string) outcome {
	live, inCache := mc.cached(t.gvr, t.id.Namespace, t.id.Name)
	if !inCache {
		var err error
		if live, err = mc.get(ctx, t.gvr, t.id.Namespace, t.id.Name); err != nil {
			return outcome{err: err}
		}
	}
	if live != nil && mc.upToDate(t.ref(), t.hash, live, recordedDigest) {
		return outcome{live: live, digest: appliedDigest(live, t.hash)}
	}
	if live != nil && !managedBy(live, work) && !t.overwrite {
		return outcome{conflict: fmt.Sprintf("%s %s exists in the member cluster and is not managed by Kurator (field managers: %s); set annotation %s=%s to take it over",
			t.id.Kind, describe(t.id), managers(live), workv1alpha1.ConflictResolutionAnnotation, workv1alpha1.ConflictResolutionOverwrite)}
	}
	if live == nil && t.id.Namespace != "" {
		if err := mc.ensureNamespace(ctx, t.id.Namespace); err != nil {
			return outcome{err: err}
		}
	}
	// Force takes fields back from whoever edited them; a create needs
	// none, and without it a racing creator surfaces as a conflict.
	resource := mc.dynamic.Resource(t.gvr).Namespace(t.id.Namespace)
	send := func(live *unstructured.Unstructured) (*unstructured.Unstructured, error) {
		obj, err := t.retain(t.toApply(live), live)
		if err != nil {
			return nil, err
		}
		return resource.Apply(ctx, t.id.Name, obj, metav1.ApplyOptions{FieldManager: fieldManager, Force: live != nil})
	}
	applied, err := send(live)
	if apierrors.IsConflict(err) && t.replicas != nil && live != nil {
		// The member's replicas changed since live was read: apply again
		// with what the member has now.
		if live, err = mc.get(ctx, t.gvr, t.id.Namespace, t.id.Name); err == nil {
			applied, err = send(live)
		}
	}
	if err != nil {
		if apierrors.IsNotFound(err) && t.id.Namespace != "" {
			// The namespace was deleted since it was seen: look again
			// on the retry.
			mc.forgetNamespace(t.id.Namespace)
		}
		return outcome{err: err}
	}
	mc.remember(t.ref(), t.hash, applied)
	return outcome{live: applied, digest: appliedDigest(applied, t.hash)}
}

// get reads a member object; nil when it does not exist.
func (mc *memberClient) get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	obj, err := mc.dynamic.Resource(gvr).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return obj, err
}

// ensureNamespace creates a missing namespace, marked as Kurator's so that
// propagating the Namespace itself later is no conflict.
func (mc *memberClient) ensureNamespace(ctx context.Context, name string) error {
	mc.mu.Lock()
	known := mc.namespaces.Has(name)
	mc.mu.Unlock()
	if known {
		return nil
	}
	namespaces := mc.member.Client.CoreV1().Namespaces()
	_, err := namespaces.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name,
			Labels: map[string]string{workv1alpha1.ManagedByLabel: workv1alpha1.ManagedByKurator}}}
		if _, err = namespaces.Create(ctx, ns, metav1.CreateOptions{FieldManager: fieldManager}); apierrors.IsAlreadyExists(err) {
			err = nil
		}
	}
	if err != nil {
		return err
	}
	mc.mu.Lock()
	if mc.namespaces == nil {
		mc.namespaces = sets.New[string]()
	}
	mc.namespaces.Insert(name)
	mc.mu.Unlock()
	return nil
}

func (mc *memberClient) forgetNamespace(name string) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	mc.namespaces.Delete(name)
}

// remove deletes a member object applied from work or, with preserve,
// releases it by dropping Kurator's label and annotation. Objects that
// another Work or nobody in Kurator manages are left alone.
func (mc *memberClient) remove(ctx context.Context, gvr schema.GroupVersionResource, namespace, name, work string, preserve bool) error {
	mc.forgetApplied(objectRef{group: gvr.Group, resource: gvr.Resource, namespace: namespace, name: name})
	live, err := mc.get(ctx, gvr, namespace, name)
	if err != nil || live == nil || live.GetAnnotations()[workv1alpha1.WorkAnnotation] != work {
		return err
	}
	client := mc.dynamic.Resource(gvr).Namespace(namespace)
	if preserve {
		patch := fmt.Appendf(nil, `{"metadata":{"labels":{%q:null},"annotations":{%q:null}}}`, workv1alpha1.ManagedByLabel, workv1alpha1.WorkAnnotation)
		_, err = client.Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: fieldManager})
	} else {
		uid := live.GetUID()
		background := metav1.DeletePropagationBackground
		err = client.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}, PropagationPolicy: &background})
	}
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		// Gone, or replaced by an object that is not this one.
		return nil
	}
	return err
}

// managedBy reports whether Kurator manages obj: it carries the managed-by
// label, or names this Work (the label was removed by hand).
func managedBy(obj *unstructured.Unstructured, work string) bool {
	return obj.GetLabels()[workv1alpha1.ManagedByLabel] == workv1alpha1.ManagedByKurator ||
		obj.GetAnnotations()[workv1alpha1.WorkAnnotation] == work
}

// managers lists the field managers of obj, for conflict messages.
func managers(obj *unstructured.Unstructured) string {
	var names []string
	for _, f := range obj.GetManagedFields() {
		if !slices.Contains(names, f.Manager) {
			names = append(names, f.Manager)
		}
	}
	if len(names) == 0 {
		return "none recorded"
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func describe(id workv1alpha1.ResourceIdentifier) string {
	if id.Namespace == "" {
		return id.Name
	}
	return id.Namespace + "/" + id.Name
}

// errorText describes an apply error without quoting object content:
// validation messages can echo values, which must not leak for Secrets.
func errorText(id workv1alpha1.ResourceIdentifier, err error) string {
	if id.Group == "" && id.Kind == "Secret" {
		var status apierrors.APIStatus
		if errors.As(err, &status) {
			return fmt.Sprintf("Secret %s: %s (%d)", describe(id), apierrors.ReasonForError(err), status.Status().Code)
		}
	}
	return fmt.Sprintf("%s %s: %v", id.Kind, describe(id), err)
}

func workKey(namespace, name string) string { return namespace + "/" + name }

func splitKey(key string) (namespace, name string, ok bool) {
	namespace, name, ok = strings.Cut(key, "/")
	return namespace, name, ok && namespace != "" && name != ""
}
