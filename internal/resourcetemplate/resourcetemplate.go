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
// Package resourcetemplate reads the resource template a binding was made
// from: from the detector's informers when they watch its kind and have the
// version the binding records, else from the API server.
package resourcetemplate

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// Source serves resource templates from an informer cache (the
// detector's, which watches every kind a policy selects). ok is false when
// it does not watch the kind.
type Source interface {
	Template(gvk schema.GroupVersionKind, namespace, name string) (u *unstructured.Unstructured, ok bool, err error)
}

// Reader reads binding templates.
type Reader struct {
	Source  Source
	Dynamic dynamic.Interface
	Mapper  apimeta.RESTMapper
}

// For returns the template of a binding, nil when it is gone.
func (r *Reader) For(ctx context.Context, b workv1alpha2.Binding) (*unstructured.Unstructured, error) {
	ref := b.BindingSpec().Resource
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return nil, err
	}
	if r.Source != nil {
		u, ok, err := r.Source.Template(gv.WithKind(ref.Kind), ref.Namespace, ref.Name)
		// The informer may lag behind the binding: use it only when it has
		// the version the detector recorded on the binding.
		if ok && (err != nil || u == nil || b.GetAnnotations()[workv1alpha2.TemplateVersionAnnotation] == workv1alpha2.TemplateVersion(u)) {
			return u, err
		}
	}
	m, err := r.Mapper.RESTMapping(gv.WithKind(ref.Kind).GroupKind(), gv.Version)
	if err != nil {
		return nil, err
	}
	u, err := r.Dynamic.Resource(m.Resource).Namespace(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return u, err
}
