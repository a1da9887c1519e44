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

// Package crdinstall puts CustomResourceDefinitions into a cluster and
// waits until they serve. The local fleet owns its clusters and applies its
// CRDs (Ensure); 'kurator join' only adds what a foreign cluster lacks
// (CreateMissing), since that cluster's own installation (Istio's, for its
// CRDs) keeps the versions it has.
package crdinstall

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// FieldManager owns the fields of the CRDs Kurator writes.
const FieldManager = "kurator"

// Ensure creates each CRD the cluster lacks and updates each that differs
// from it (labels and annotations are added to the cluster's). A CRD that
// is already as wanted is only read: writing a large CRD costs its API
// server a full validation even when nothing changes.
func Ensure(ctx context.Context, c client.Client, crds []*apiextensionsv1.CustomResourceDefinition) error {
	for _, want := range crds {
		got := &apiextensionsv1.CustomResourceDefinition{}
		err := c.Get(ctx, client.ObjectKey{Name: want.Name}, got)
		switch {
		case apierrors.IsNotFound(err):
			err = c.Create(ctx, want.DeepCopy(), client.FieldOwner(FieldManager))
		case err == nil && !upToDate(got, want):
			got.Labels = merged(got.Labels, want.Labels)
			got.Annotations = merged(got.Annotations, want.Annotations)
			got.Spec = want.Spec
			err = c.Update(ctx, got, client.FieldOwner(FieldManager))
		}
		if err != nil {
			return fmt.Errorf("install CRD %s: %w", want.Name, err)
		}
	}
	return nil
}

// upToDate says whether the cluster's CRD has the wanted labels,
// annotations and spec, the spec compared once defaulted as the API server
// defaults it.
func upToDate(got, want *apiextensionsv1.CustomResourceDefinition) bool {
	defaulted := want.DeepCopy()
	apiextensionsv1.SetObjectDefaults_CustomResourceDefinition(defaulted)
	return equality.Semantic.DeepEqual(merged(got.Labels, want.Labels), got.Labels) &&
		equality.Semantic.DeepEqual(merged(got.Annotations, want.Annotations), got.Annotations) &&
		equality.Semantic.DeepEqual(defaulted.Spec, got.Spec)
}

// merged is base with over's entries set; nil when both are empty.
func merged(base, over map[string]string) map[string]string {
	if len(base) == 0 && len(over) == 0 {
		return base
	}
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, over)
	return out
}

// CreateMissing creates the CRDs the cluster does not have and leaves the
// others as they are. It returns the names of those it created.
func CreateMissing(ctx context.Context, c client.Client, crds []*apiextensionsv1.CustomResourceDefinition) ([]string, error) {
	var created []string
	for _, crd := range crds {
		// Only the metadata: the cluster's CRD may be large.
		existing := &metav1.PartialObjectMetadata{}
		existing.SetGroupVersionKind(apiextensionsv1.SchemeGroupVersion.WithKind("CustomResourceDefinition"))
		err := c.Get(ctx, client.ObjectKey{Name: crd.Name}, existing)
		if err == nil {
			continue
		}
		if !apierrors.IsNotFound(err) {
			return created, fmt.Errorf("read CRD %s: %w", crd.Name, err)
		}
		err = c.Create(ctx, crd.DeepCopy(), client.FieldOwner(FieldManager))
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return created, fmt.Errorf("create CRD %s: %w", crd.Name, err)
		}
		if err == nil {
			created = append(created, crd.Name)
		}
	}
	return created, nil
}

// WaitEstablished polls until every CRD is Established, or fails after
// timeout naming those that are not. Established CRDs are not read again.
func WaitEstablished(ctx context.Context, c client.Client, crds []*apiextensionsv1.CustomResourceDefinition, timeout time.Duration) error {
	pending := make([]string, 0, len(crds))
	for _, crd := range crds {
		pending = append(pending, crd.Name)
	}
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		pending = slices.DeleteFunc(pending, func(name string) bool {
			got := &apiextensionsv1.CustomResourceDefinition{}
			return c.Get(ctx, client.ObjectKey{Name: name}, got) == nil && Established(got)
		})
		return len(pending) == 0, nil
	})
	if err != nil {
		return fmt.Errorf("CRDs not established within %s: %s", timeout, strings.Join(pending, ", "))
	}
	return nil
}

// Established reports whether the API server serves the CRD.
func Established(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, cond := range crd.Status.Conditions {
		if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
			return true
		}
	}
	return false
}
