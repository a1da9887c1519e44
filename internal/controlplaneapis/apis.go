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

// Package controlplaneapis puts into a control plane what Kurator serves
// there: its CRDs, Istio's networking CRDs (routing objects are templates
// there), the admission policies and RBAC that go with them
// (config/admission), and the roles pull-mode agents bootstrap with
// (internal/agentauth). The local fleet applies them before its
// controller-manager starts; an installed controller-manager applies them
// itself (--install-apis), so an install needs no client of the new control
// plane.
package controlplaneapis

import (
	"context"
	"fmt"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"kurator.dev/kurator/config/admission"
	"kurator.dev/kurator/config/crd"
	"kurator.dev/kurator/internal/agentauth"
	"kurator.dev/kurator/internal/crdinstall"
)

// Install applies every API and waits until the CRDs serve. It is
// idempotent: a restarted control plane gets the APIs of the binary that
// runs.
func Install(ctx context.Context, c client.Client, timeout time.Duration) error {
	kurator, err := crd.CRDs()
	if err != nil {
		return err
	}
	istio, err := crd.IstioCRDs()
	if err != nil {
		return err
	}
	all := slices.Concat(kurator, istio)
	if err := crdinstall.Ensure(ctx, c, all); err != nil {
		return err
	}
	if err := crdinstall.WaitEstablished(ctx, c, all, timeout); err != nil {
		return err
	}
	if err := installAdmission(ctx, c); err != nil {
		return err
	}
	return agentauth.EnsureBootstrapRBAC(ctx, c)
}

// installAdmission creates or updates the admission policies and RBAC that
// go with the CRDs.
func installAdmission(ctx context.Context, c client.Client) error {
	objs, err := admission.Objects()
	if err != nil {
		return err
	}
	for _, want := range objs {
		got := &unstructured.Unstructured{}
		got.SetGroupVersionKind(want.GroupVersionKind())
		err := c.Get(ctx, client.ObjectKeyFromObject(want), got)
		switch {
		case apierrors.IsNotFound(err):
			err = c.Create(ctx, want)
		case err == nil:
			want.SetResourceVersion(got.GetResourceVersion())
			err = c.Update(ctx, want)
		}
		if err != nil {
			return fmt.Errorf("install %s %s: %w", want.GetKind(), want.GetName(), err)
		}
	}
	return nil
}
