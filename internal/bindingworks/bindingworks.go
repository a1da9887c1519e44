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

// Package bindingworks finds the Works of a binding, by the labels the
// binding controller puts on them, and the binding a Work belongs to.
package bindingworks

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// List returns the Works of binding b in every execution namespace.
func List(ctx context.Context, r client.Reader, b client.Object) ([]workv1alpha1.Work, error) {
	var list workv1alpha1.WorkList
	err := r.List(ctx, &list, client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: b.GetNamespace(), workv1alpha1.BindingNameLabel: b.GetName()})
	return list.Items, err
}

// ByNamespace indexes Works by their execution namespace, one per cluster.
func ByNamespace(works []workv1alpha1.Work) map[string]*workv1alpha1.Work {
	out := make(map[string]*workv1alpha1.Work, len(works))
	for i := range works {
		out[works[i].Namespace] = &works[i]
	}
	return out
}

// Binding names the binding a Work was rendered from, when it is of the
// kind asked for: a ClusterResourceBinding (clusterScoped) or a
// ResourceBinding.
func Binding(w client.Object, clusterScoped bool) (client.ObjectKey, bool) {
	ns, name := w.GetLabels()[workv1alpha1.BindingNamespaceLabel], w.GetLabels()[workv1alpha1.BindingNameLabel]
	if name == "" || (ns == "") != clusterScoped {
		return client.ObjectKey{}, false
	}
	return client.ObjectKey{Namespace: ns, Name: name}, true
}

// ToBinding maps a Work's events to its binding of one kind.
func ToBinding(clusterScoped bool) handler.MapFunc {
	return func(_ context.Context, w client.Object) []reconcile.Request {
		if key, ok := Binding(w, clusterScoped); ok {
			return []reconcile.Request{{NamespacedName: key}}
		}
		return nil
	}
}
