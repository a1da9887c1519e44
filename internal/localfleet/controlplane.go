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
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/join"
	"kurator.dev/kurator/internal/pki"
	"kurator.dev/kurator/internal/scheme"
)

type controlPlane struct {
	client.Client
}

func newControlPlaneClient(kubeconfigPath string) (*controlPlane, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfigPath)
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = 100, 200
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		return nil, err
	}
	return &controlPlane{Client: c}, nil
}

// register creates the Fleet if it is missing (an existing one keeps the
// user's edits) and attaches every member.
func (f *Fleet) register(ctx context.Context, cp *controlPlane, s *State, agentBin string) error {
	spec, err := loadFleetSpec(f.layout.FleetFile(), f.opts.Nodes)
	if err != nil {
		return err
	}
	if err := cp.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: spec.Fleet.Namespace}}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	if err := cp.Create(ctx, spec.Fleet.DeepCopy()); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create fleet %s: %w", spec.Fleet.Name, err)
	}
	for _, c := range s.Clusters[1:] {
		if s.Pulled(c.Name) {
			if err := f.registerPulled(ctx, cp, s, c.Name, c.Labels, agentBin); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(c.KubeconfigPath)
		if err != nil {
			return err
		}
		r := join.Request{Name: c.Name, Namespace: spec.Fleet.Namespace, Kubeconfig: data, Labels: c.Labels}
		// The members serve Istio's kinds already (installAPIs).
		if _, err := join.Join(ctx, cp.Client, r); err != nil {
			return fmt.Errorf("register %s: %w", c.Name, err)
		}
	}
	return nil
}

// waitClustersReady waits until each named Cluster reports Ready=True.
func (cp *controlPlane) waitClustersReady(ctx context.Context, names []string, timeout time.Duration) error {
	var notReady []string
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		var list karmadaclusterv1alpha1.ClusterList
		if err := cp.List(ctx, &list); err != nil {
			return false, nil
		}
		notReady = slices.Clone(names)
		for _, c := range list.Items {
			if apimeta.IsStatusConditionTrue(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady) {
				notReady = slices.DeleteFunc(notReady, func(n string) bool { return n == c.Name })
			}
		}
		return len(notReady) == 0, nil
	})
	if err != nil {
		return fmt.Errorf("clusters not Ready within %s: %s (see 'kurator get clusters' and the controller-manager log)", timeout, strings.Join(notReady, ", "))
	}
	return nil
}

func ensurePKI(l Layout, name string) (pki.Bundle, error) {
	return pki.Ensure(l.pki(name).Dir, name)
}

// probeAPIServer checks /readyz of the cluster behind a kubeconfig.
func probeAPIServer(ctx context.Context, kubeconfigPath string) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfigPath)
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	body, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
	if err != nil {
		return fmt.Errorf("readyz: %w", err)
	}
	if strings.TrimSpace(string(body)) != "ok" {
		return fmt.Errorf("readyz: %s", body)
	}
	return nil
}

var probeClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}}

// insecureProbeClient checks health endpoints as a kubelet's probe does:
// anonymously, without verifying the serving certificate.
var insecureProbeClient = &http.Client{Transport: &http.Transport{
	TLSClientConfig:   &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: true}, //nolint:gosec // a health probe sends no credential
	DisableKeepAlives: true,
}}

// probeInsecure checks that url answers 200, as a kubelet probe does.
func probeInsecure(ctx context.Context, url string) error {
	return probeWith(ctx, insecureProbeClient, url)
}

// probeHTTP checks that url answers 200.
func probeHTTP(ctx context.Context, url string) error {
	return probeWith(ctx, probeClient, url)
}

func probeWith(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return nil
}
