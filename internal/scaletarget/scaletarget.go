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

// Package scaletarget reads and writes a resource template's replicas
// through its scale subresource, as the autoscalers do, for any kind that
// has one: a kind the scheme knows is handled typed, any other (a custom
// resource) unstructured, for which the client wants the Scale
// unstructured too.
package scaletarget

import (
	"context"
	"fmt"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

var scaleGVK = autoscalingv1.SchemeGroupVersion.WithKind("Scale")

// Object is the template gvk namespace/name as the client reads it: typed
// when the scheme knows the kind, otherwise unstructured.
func Object(scheme *runtime.Scheme, gvk schema.GroupVersionKind, namespace, name string) client.Object {
	var obj client.Object
	if o, err := scheme.New(gvk); err == nil {
		obj, _ = o.(client.Object)
	}
	if obj == nil {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(gvk)
		obj = u
	}
	obj.SetNamespace(namespace)
	obj.SetName(name)
	return obj
}

// Get reads target's Scale.
func Get(ctx context.Context, c client.Client, target client.Object) (*autoscalingv1.Scale, error) {
	scale := &autoscalingv1.Scale{}
	if _, ok := target.(*unstructured.Unstructured); !ok {
		return scale, c.SubResource("scale").Get(ctx, target, scale)
	}
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(scaleGVK)
	if err := c.SubResource("scale").Get(ctx, target, u); err != nil {
		return nil, err
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, scale); err != nil {
		return nil, fmt.Errorf("read Scale of %s: %w", target.GetName(), err)
	}
	return scale, nil
}

// Update writes target's Scale, at the resourceVersion it was read at.
func Update(ctx context.Context, c client.Client, target client.Object, scale *autoscalingv1.Scale) error {
	if _, ok := target.(*unstructured.Unstructured); !ok {
		return c.SubResource("scale").Update(ctx, target, client.WithSubResourceBody(scale))
	}
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(scale)
	if err != nil {
		return fmt.Errorf("write Scale of %s: %w", target.GetName(), err)
	}
	u := &unstructured.Unstructured{Object: content}
	u.SetGroupVersionKind(scaleGVK)
	return c.SubResource("scale").Update(ctx, target, client.WithSubResourceBody(u))
}
