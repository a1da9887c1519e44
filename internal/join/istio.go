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
package join

import (
	"context"
	"fmt"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"kurator.dev/kurator/config/crd"
	"kurator.dev/kurator/internal/crdinstall"
	"kurator.dev/kurator/internal/scheme"
)

// istioCRDsTimeout bounds the wait for created CRDs to be served.
const istioCRDsTimeout = time.Minute

// InstallIstioCRDs creates, in the cluster a kubeconfig reaches, those of
// Istio's networking CRDs (VirtualService, DestinationRule, ServiceEntry,
// Gateway) it lacks, and waits until they are served. CRDs the cluster has
// are left alone: a cluster running Istio keeps the versions its
// installation manages. It returns the names of the CRDs it created.
func InstallIstioCRDs(ctx context.Context, kubeconfig []byte) ([]string, error) {
	crds, err := crd.IstioCRDs()
	if err != nil {
		return nil, err
	}
	cfg, err := clientcmd.RESTConfigFromKubeConfig(kubeconfig)
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		return nil, err
	}
	created, err := crdinstall.CreateMissing(ctx, c, crds)
	if err != nil {
		return created, fmt.Errorf("install Istio's networking CRDs: %w", err)
	}
	if err := crdinstall.WaitEstablished(ctx, c, crds, istioCRDsTimeout); err != nil {
		return created, fmt.Errorf("install Istio's networking CRDs: %w", err)
	}
	return created, nil
}
