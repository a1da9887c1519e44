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
// Package join attaches a cluster to the control plane: it checks that the
// kubeconfig reaches a Kubernetes API server, stores it in a Secret and
// creates the AttachedCluster (optionally listing it in a Fleet). The CLI's
// 'kurator join' and the local fleet's registration share it.
package join

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	kubeconfigutil "kurator.dev/kurator/internal/kubeconfig"
)

// DefaultNamespace holds attached clusters and their kubeconfig Secrets.
const DefaultNamespace = "kurator-system"

// Request describes a cluster to attach.
type Request struct {
	Name       string
	Namespace  string
	Kubeconfig []byte
	// Context selects a context of the kubeconfig; empty means its current one.
	Context string
	Labels  map[string]string
	// Fleet, if set, lists the cluster in that Fleet (same namespace).
	Fleet string
	// Timeout bounds the reachability check; zero means 10 seconds.
	Timeout time.Duration
	// InstallIstioCRDs creates in the cluster those of Istio's networking
	// CRDs it lacks, so that routing objects can be propagated to it (see
	// InstallIstioCRDs).
	InstallIstioCRDs bool
}

// Result is what Join did besides attaching the cluster.
type Result struct {
	// InstalledCRDs are the CRDs Join created in the cluster.
	InstalledCRDs []string
}

// SecretName is the Secret holding an attached cluster's kubeconfig.
func SecretName(cluster string) string { return cluster + "-kubeconfig" }

// Check validates the request and verifies the kubeconfig reaches a
// Kubernetes API server. It returns the minimised kubeconfig (the selected
// context only, credentials embedded) and the server's version.
func Check(ctx context.Context, r Request) ([]byte, string, error) {
	if err := validateNameAndLabels(r.Name, r.Labels); err != nil {
		return nil, "", err
	}
	raw, err := clientcmd.Load(r.Kubeconfig)
	if err != nil {
		return nil, "", fmt.Errorf("the kubeconfig cannot be parsed: %w", err)
	}
	if r.Context != "" {
		if _, ok := raw.Contexts[r.Context]; !ok {
			return nil, "", fmt.Errorf("the kubeconfig has no context %q", r.Context)
		}
		raw.CurrentContext = r.Context
	}
	if raw.CurrentContext == "" {
		return nil, "", errors.New("the kubeconfig has no current context; pass --context")
	}
	if err := clientcmdapi.MinifyConfig(raw); err != nil {
		return nil, "", fmt.Errorf("the kubeconfig is incomplete: %w", err)
	}
	if err := clientcmdapi.FlattenConfig(raw); err != nil {
		return nil, "", fmt.Errorf("the kubeconfig references files that cannot be read: %w", err)
	}
	if err := kubeconfigutil.CheckSelfContained(raw); err != nil {
		return nil, "", fmt.Errorf("the kubeconfig cannot be used by the control plane: %w", err)
	}
	cfg, err := clientcmd.NewDefaultClientConfig(*raw, nil).ClientConfig()
	if err != nil {
		return nil, "", fmt.Errorf("the kubeconfig is invalid: %w", err)
	}
	version, err := Probe(ctx, cfg, r.Timeout)
	if err != nil {
		return nil, "", err
	}
	data, err := clientcmd.Write(*raw)
	if err != nil {
		return nil, "", err
	}
	return data, version, nil
}

// validateNameAndLabels refuses a cluster name or labels the control plane
// would not accept.
func validateNameAndLabels(name string, labels map[string]string) error {
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return fmt.Errorf("invalid cluster name %q: %s", name, errs[0])
	}
	for k, v := range labels {
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			return fmt.Errorf("invalid label key %q: %s", k, errs[0])
		}
		if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
			return fmt.Errorf("invalid value for label %q: %s", k, errs[0])
		}
	}
	return nil
}

// Probe asks the API server for its version, as proof that it is reachable
// and the credentials are accepted.
func Probe(ctx context.Context, cfg *rest.Config, timeout time.Duration) (string, error) {
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	cfg = rest.CopyConfig(cfg)
	cfg.Timeout = timeout
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return "", fmt.Errorf("the kubeconfig is invalid: %w", err)
	}
	type result struct {
		version string
		err     error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := dc.ServerVersion()
		if err != nil {
			ch <- result{err: err}
			return
		}
		ch <- result{version: v.GitVersion}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return "", fmt.Errorf("cannot reach the cluster at %s: %w", cfg.Host, r.err)
		}
		return r.version, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Join checks the request, installs the Istio CRDs the cluster lacks when
// asked to, then creates or updates the kubeconfig Secret and the
// AttachedCluster, and lists the cluster in the requested Fleet.
func Join(ctx context.Context, c client.Client, r Request) (Result, error) {
	var res Result
	if r.Namespace == "" {
		r.Namespace = DefaultNamespace
	}
	kubeconfig, _, err := Check(ctx, r)
	if err != nil {
		return res, err
	}
	if r.InstallIstioCRDs {
		// Before the cluster is attached, so that it serves the kinds by
		// the time Kurator propagates to it.
		if res.InstalledCRDs, err = InstallIstioCRDs(ctx, kubeconfig); err != nil {
			return res, err
		}
	}
	return res, attach(ctx, c, r, kubeconfig)
}

// attach stores the checked kubeconfig and creates the AttachedCluster.
func attach(ctx context.Context, c client.Client, r Request, kubeconfig []byte) error {
	if err := ensureNamespace(ctx, c, r.Namespace); err != nil {
		return err
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: SecretName(r.Name), Namespace: r.Namespace}}
	if _, err := controllerutil.CreateOrUpdate(ctx, c, secret, func() error {
		secret.Type = corev1.SecretTypeOpaque
		secret.Data = map[string][]byte{clusterv1alpha1.DefaultKubeconfigSecretKey: kubeconfig}
		return nil
	}); err != nil {
		return fmt.Errorf("store the kubeconfig Secret: %w", err)
	}
	ac := &clusterv1alpha1.AttachedCluster{ObjectMeta: metav1.ObjectMeta{Name: r.Name, Namespace: r.Namespace}}
	if _, err := controllerutil.CreateOrUpdate(ctx, c, ac, func() error {
		ac.Spec.Kubeconfig = clusterv1alpha1.KubeconfigRef{SecretRef: &clusterv1alpha1.SecretKeyRef{Name: secret.Name, Key: clusterv1alpha1.DefaultKubeconfigSecretKey}}
		ac.Spec.Labels = r.Labels
		return nil
	}); err != nil {
		return fmt.Errorf("create the AttachedCluster: %w", err)
	}
	if r.Fleet != "" {
		return addToFleet(ctx, c, r.Namespace, r.Fleet, r.Name, fleetv1alpha1.FleetClusterKindAttachedCluster)
	}
	return nil
}

// Unjoin removes the AttachedCluster (its controller then removes the
// Cluster), its kubeconfig Secret, and its entries in Fleets.
func Unjoin(ctx context.Context, c client.Client, namespace, name string) error {
	if namespace == "" {
		namespace = DefaultNamespace
	}
	ac := &clusterv1alpha1.AttachedCluster{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, ac); err != nil {
		if apierrors.IsNotFound(err) {
			return fmt.Errorf("no attached cluster %s in namespace %s", name, namespace)
		}
		return err
	}
	var fleets fleetv1alpha1.FleetList
	if err := c.List(ctx, &fleets, client.InNamespace(namespace)); err != nil {
		return err
	}
	for _, f := range fleets.Items {
		if err := removeFromFleet(ctx, c, namespace, f.Name, name, fleetv1alpha1.FleetClusterKindAttachedCluster); err != nil {
			return err
		}
	}
	if err := c.Delete(ctx, ac); client.IgnoreNotFound(err) != nil {
		return err
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: ac.Spec.Kubeconfig.SecretName(), Namespace: namespace}}
	if secret.Name == SecretName(name) {
		// Only a Secret that join created is removed; a user's own stays.
		return client.IgnoreNotFound(c.Delete(ctx, secret))
	}
	return nil
}

func ensureNamespace(ctx context.Context, c client.Client, name string) error {
	err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	return nil
}

func addToFleet(ctx context.Context, c client.Client, namespace, fleet, cluster string, kind fleetv1alpha1.FleetClusterKind) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		f := &fleetv1alpha1.Fleet{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: fleet}, f); err != nil {
			if apierrors.IsNotFound(err) {
				return fmt.Errorf("no fleet %s in namespace %s", fleet, namespace)
			}
			return err
		}
		if slices.ContainsFunc(f.Spec.Clusters, func(fc fleetv1alpha1.FleetCluster) bool { return fc.Name == cluster }) {
			return nil
		}
		f.Spec.Clusters = append(f.Spec.Clusters, fleetv1alpha1.FleetCluster{Name: cluster, Kind: kind})
		return c.Update(ctx, f)
	})
}

func removeFromFleet(ctx context.Context, c client.Client, namespace, fleet, cluster string, kind fleetv1alpha1.FleetClusterKind) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		f := &fleetv1alpha1.Fleet{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: fleet}, f); err != nil {
			return client.IgnoreNotFound(err)
		}
		kept := slices.DeleteFunc(slices.Clone(f.Spec.Clusters), func(fc fleetv1alpha1.FleetCluster) bool {
			return fc.Name == cluster && fc.EffectiveKind() == kind
		})
		if len(kept) == len(f.Spec.Clusters) {
			return nil
		}
		f.Spec.Clusters = kept
		return c.Update(ctx, f)
	})
}
