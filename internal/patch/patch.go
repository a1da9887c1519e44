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
// Package patch writes the parts of an object a controller owns without
// optimistic locking: status by server-side apply with a field owner per
// controller (so controllers writing different conditions of one object
// never conflict or clobber each other), and owned spec fields by merge
// patch.
package patch

import (
	"context"
	"encoding/json"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// ApplyStatus server-side-applies status (a struct holding only the fields
// this owner manages) to obj's status subresource.
func ApplyStatus(ctx context.Context, c client.Client, obj client.Object, gvk schema.GroupVersionKind, status any, owner string) error {
	meta := map[string]any{"name": obj.GetName()}
	if obj.GetNamespace() != "" {
		meta["namespace"] = obj.GetNamespace()
	}
	body, err := json.Marshal(map[string]any{
		"apiVersion": gvk.GroupVersion().String(), "kind": gvk.Kind, "metadata": meta, "status": status,
	})
	if err != nil {
		return err
	}
	return c.Status().Patch(ctx, obj, client.RawPatch(types.ApplyPatchType, body), client.FieldOwner(owner), client.ForceOwnership)
}

// Merge sends a JSON merge patch built from fields (for example
// {"spec": {"clusters": [...]}}); lists in it replace the stored lists.
func Merge(ctx context.Context, c client.Client, obj client.Object, fields map[string]any) error {
	body, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return c.Patch(ctx, obj, client.RawPatch(types.MergePatchType, body))
}
