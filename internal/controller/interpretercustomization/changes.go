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

package interpretercustomization

import (
	"context"
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/interpreter"
)

// What a controller derived with a kind's old operations (a binding's
// replicas, a rendered share, a reflected status, an aggregated one) is
// derived again when the kind's customisation changes: these sources
// enqueue the objects of the changed kind.

// BindingsOfChangedKinds enqueues every binding (ClusterResourceBindings
// when cluster) of a kind whose customisation changed on registry.
func BindingsOfChangedKinds(registry *interpreter.Registry, reader client.Reader, cluster bool) source.Source {
	return changedKinds(registry, func(ctx context.Context, gvk schema.GroupVersionKind) ([]reconcile.Request, error) {
		var bindings []workv1alpha2.Binding
		if cluster {
			list := &workv1alpha2.ClusterResourceBindingList{}
			if err := reader.List(ctx, list); err != nil {
				return nil, err
			}
			for i := range list.Items {
				bindings = append(bindings, &list.Items[i])
			}
		} else {
			list := &workv1alpha2.ResourceBindingList{}
			if err := reader.List(ctx, list); err != nil {
				return nil, err
			}
			for i := range list.Items {
				bindings = append(bindings, &list.Items[i])
			}
		}
		var out []reconcile.Request
		for _, b := range bindings {
			ref := b.BindingSpec().Resource
			if schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind) == gvk {
				out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(b)})
			}
		}
		return out, nil
	})
}

// WorksOfChangedKinds enqueues every Work (in namespace, or all when
// empty) with a manifest of a kind whose customisation changed.
func WorksOfChangedKinds(registry *interpreter.Registry, reader client.Reader, namespace string) source.Source {
	return changedKinds(registry, func(ctx context.Context, gvk schema.GroupVersionKind) ([]reconcile.Request, error) {
		list := &workv1alpha1.WorkList{}
		if err := reader.List(ctx, list, client.InNamespace(namespace)); err != nil {
			return nil, err
		}
		var out []reconcile.Request
		for i := range list.Items {
			w := &list.Items[i]
			for _, m := range w.Spec.Workload.Manifests {
				var meta metav1.TypeMeta
				if json.Unmarshal(m.Raw, &meta) == nil && meta.GroupVersionKind() == gvk {
					out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(w)})
					break
				}
			}
		}
		return out, nil
	})
}

func changedKinds(registry *interpreter.Registry, objectsOf func(context.Context, schema.GroupVersionKind) ([]reconcile.Request, error)) source.Source {
	return source.Func(func(ctx context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
		registry.OnChange(func(gvk schema.GroupVersionKind) {
			// Listeners must not block the registering goroutine.
			go func() {
				requests, err := objectsOf(ctx, gvk)
				if err != nil {
					ctrl.LoggerFrom(ctx).Error(err, "Cannot list the objects of a kind whose customisation changed", "kind", gvk.String())
					return
				}
				for _, r := range requests {
					q.Add(r)
				}
			}()
		})
		return nil
	})
}
