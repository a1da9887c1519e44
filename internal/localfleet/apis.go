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
package localfleet

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"kurator.dev/kurator/config/crd"
	"kurator.dev/kurator/internal/controlplaneapis"
	"kurator.dev/kurator/internal/crdinstall"
	"kurator.dev/kurator/internal/scheme"
)

// installAPIs makes every cluster serve what the fleet needs, all clusters
// at once: the control plane Kurator's CRDs, its admission policies and
// Istio's networking CRDs (routing objects are templates there), each
// member Istio's networking CRDs (Kurator propagates routing objects to
// them). Applying is idempotent: a restarted fleet gets the CRDs of the
// binary that starts it.
func (f *Fleet) installAPIs(ctx context.Context, cp *controlPlane, s *State) error {
	istio, err := crd.IstioCRDs()
	if err != nil {
		return err
	}
	timeout := f.opts.ReadyTimeout
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := controlplaneapis.Install(gctx, cp.Client, timeout); err != nil {
			return fmt.Errorf("%s: %w", ControlPlaneName, err)
		}
		return nil
	})
	for _, c := range s.Clusters[1:] {
		g.Go(func() error {
			member, err := clusterClient(c.KubeconfigPath)
			if err != nil {
				return err
			}
			if err := installCRDs(gctx, member, istio, timeout); err != nil {
				return fmt.Errorf("%s: %w", c.Name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

func installCRDs(ctx context.Context, c client.Client, crds []*apiextensionsv1.CustomResourceDefinition, timeout time.Duration) error {
	if err := crdinstall.Ensure(ctx, c, crds); err != nil {
		return err
	}
	return crdinstall.WaitEstablished(ctx, c, crds, timeout)
}

func clusterClient(kubeconfigPath string) (client.Client, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfigPath)
	if err != nil {
		return nil, err
	}
	return client.New(cfg, client.Options{Scheme: scheme.Scheme})
}
