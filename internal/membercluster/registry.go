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
// Package membercluster keeps one connection per member cluster: its REST
// config built from the Cluster's credentials Secret, a clientset, and node and
// pod informers that run only while the member is healthy. The status
// controller uses it now; the executor will too.
package membercluster

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/kubeconfig"
)

// Karmada's credential Secret keys, accepted for Clusters created the Karmada way.
const (
	secretKeyToken    = "token"
	secretKeyCABundle = "caBundle"
)

// ErrNoCredentials means the Cluster does not say how to reach it.
var ErrNoCredentials = errors.New("cluster has no secretRef")

// ErrPullMode means the Cluster is reached by its own agent: the control
// plane holds no credentials for it and never dials it.
var ErrPullMode = errors.New("cluster is in pull mode: its agent connects to the control plane, which never dials it")

// Source hands out the connection to a member cluster: the Registry on the
// control plane (push), or the agent's own cluster (pull).
type Source interface {
	Get(ctx context.Context, cluster *karmadaclusterv1alpha1.Cluster) (*Member, error)
}

// NewMember connects to a member cluster with cfg; the agent uses it for
// the cluster it runs in.
func NewMember(name string, cfg *rest.Config) (*Member, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Member{Name: name, Config: cfg, Client: cs}, nil
}

// Member is a live connection to one member cluster.
type Member struct {
	Name   string
	Config *rest.Config
	Client kubernetes.Interface

	secretVersion string
	mu            sync.Mutex
	factory       informers.SharedInformerFactory
	stop          chan struct{}
	nodes         corelisters.NodeLister
	pods          corelisters.PodLister
	synced        []cache.InformerSynced
}

// Registry hands out Members, rebuilding one when its Secret changes.
type Registry struct {
	hub     client.Reader
	timeout time.Duration
	mu      sync.Mutex
	members map[string]*Member
}

// NewRegistry reads credential Secrets through hub. timeout bounds every
// request to a member.
func NewRegistry(hub client.Reader, timeout time.Duration) *Registry {
	return &Registry{hub: hub, timeout: timeout, members: map[string]*Member{}}
}

// Get returns the connection for a Cluster, (re)building it if its Secret
// is new or changed.
func (r *Registry) Get(ctx context.Context, cluster *karmadaclusterv1alpha1.Cluster) (*Member, error) {
	if cluster.Spec.SyncMode == karmadaclusterv1alpha1.Pull {
		return nil, ErrPullMode
	}
	ref := cluster.Spec.SecretRef
	if ref == nil || ref.Name == "" {
		return nil, ErrNoCredentials
	}
	secret := &corev1.Secret{}
	if err := r.hub.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("credentials Secret %s/%s not found", ref.Namespace, ref.Name)
		}
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.members[cluster.Name]; ok && m.secretVersion == secret.ResourceVersion {
		return m, nil
	}
	cfg, err := restConfig(cluster, secret)
	if err != nil {
		return nil, err
	}
	cfg.Timeout = r.timeout
	cfg.QPS, cfg.Burst = 50, 100
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("credentials Secret %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	if old, ok := r.members[cluster.Name]; ok {
		old.StopInformers()
	}
	m := &Member{Name: cluster.Name, Config: cfg, Client: cs, secretVersion: secret.ResourceVersion}
	r.members[cluster.Name] = m
	return m, nil
}

// Forget drops a cluster's connection (the Cluster was deleted).
func (r *Registry) Forget(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.members[name]; ok {
		m.StopInformers()
		delete(r.members, name)
	}
}

// restConfig builds a REST config from either a kubeconfig Secret (Kurator's
// way) or a token + caBundle Secret with spec.apiEndpoint (Karmada's way).
// Errors never quote the Secret's content.
func restConfig(cluster *karmadaclusterv1alpha1.Cluster, secret *corev1.Secret) (*rest.Config, error) {
	where := secret.Namespace + "/" + secret.Name
	if token, ok := secret.Data[secretKeyToken]; ok {
		if cluster.Spec.APIEndpoint == "" {
			return nil, fmt.Errorf("cluster has a token Secret %s but no spec.apiEndpoint", where)
		}
		cfg := &rest.Config{Host: cluster.Spec.APIEndpoint, BearerToken: string(token)}
		cfg.CAData = secret.Data[secretKeyCABundle]
		cfg.Insecure = cluster.Spec.InsecureSkipTLSVerification
		return cfg, applyProxy(cfg, cluster)
	}
	ref := clusterv1alpha1.KubeconfigRef{SecretRef: &clusterv1alpha1.SecretKeyRef{Name: secret.Name}}
	key, ok := ref.ResolveSecretKey(secret.Data)
	if !ok {
		return nil, fmt.Errorf("credentials Secret %s has neither a %q key nor a single kubeconfig key", where, clusterv1alpha1.DefaultKubeconfigSecretKey)
	}
	raw, err := clientcmd.Load(secret.Data[key])
	if err != nil {
		return nil, fmt.Errorf("credentials Secret %s key %q is not a usable kubeconfig", where, key)
	}
	if err := kubeconfig.CheckSelfContained(raw); err != nil {
		return nil, fmt.Errorf("credentials Secret %s key %q: %w", where, key, err)
	}
	cfg, err := clientcmd.NewDefaultClientConfig(*raw, nil).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("credentials Secret %s key %q is not a usable kubeconfig", where, key)
	}
	return cfg, applyProxy(cfg, cluster)
}

// applyProxy routes requests through spec.proxyURL with spec.proxyHeader.
func applyProxy(cfg *rest.Config, cluster *karmadaclusterv1alpha1.Cluster) error {
	if cluster.Spec.ProxyURL == "" {
		return nil
	}
	u, err := url.Parse(cluster.Spec.ProxyURL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("cluster spec.proxyURL %q is not a valid URL", cluster.Spec.ProxyURL)
	}
	cfg.Proxy = http.ProxyURL(u)
	if len(cluster.Spec.ProxyHeader) > 0 {
		header := http.Header{}
		for k, v := range cluster.Spec.ProxyHeader {
			header.Set(k, v)
		}
		tlsCfg, err := rest.TLSConfigFor(cfg)
		if err != nil {
			return err
		}
		cfg.Transport = &http.Transport{Proxy: cfg.Proxy, ProxyConnectHeader: header, TLSClientConfig: tlsCfg}
		cfg.TLSClientConfig = rest.TLSClientConfig{}
	}
	return nil
}

// StartInformers starts the node and pod informers if they are not running
// and waits (bounded by ctx) for their first list.
func (m *Member) StartInformers(ctx context.Context) error {
	m.mu.Lock()
	if m.factory == nil {
		// Watches are long requests: the informers' client has no timeout
		// (the member's request timeout would cut every watch).
		watchCfg := rest.CopyConfig(m.Config)
		watchCfg.Timeout = 0
		cs, err := kubernetes.NewForConfig(watchCfg)
		if err != nil {
			m.mu.Unlock()
			return err
		}
		m.stop = make(chan struct{})
		m.factory = informers.NewSharedInformerFactory(cs, 0)
		nodes, pods := m.factory.Core().V1().Nodes(), m.factory.Core().V1().Pods()
		m.nodes, m.pods = nodes.Lister(), pods.Lister()
		m.synced = []cache.InformerSynced{nodes.Informer().HasSynced, pods.Informer().HasSynced}
		m.factory.Start(m.stop)
	}
	synced := m.synced
	m.mu.Unlock()
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		return fmt.Errorf("member %s: nodes and pods not listed in time", m.Name)
	}
	return nil
}

// StopInformers stops watching the member, e.g. while it is unreachable.
func (m *Member) StopInformers() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.factory == nil {
		return
	}
	close(m.stop)
	factory := m.factory
	m.factory, m.nodes, m.pods, m.synced = nil, nil, nil, nil
	go factory.Shutdown()
}

// Synced reports whether the node and pod informers run and have listed.
func (m *Member) Synced() bool {
	m.mu.Lock()
	synced := m.synced
	m.mu.Unlock()
	for _, done := range synced {
		if !done() {
			return false
		}
	}
	return synced != nil
}

// WaitForSync waits, bounded by ctx, until the node and pod informers have
// listed; false if they are not running or ctx ends first. It starts
// nothing: StartInformers does.
func (m *Member) WaitForSync(ctx context.Context) bool {
	m.mu.Lock()
	synced := m.synced
	m.mu.Unlock()
	if synced == nil {
		return false
	}
	return cache.WaitForCacheSync(ctx.Done(), synced...)
}

// Listers returns the node and pod listers, or false if informers are stopped.
func (m *Member) Listers() (corelisters.NodeLister, corelisters.PodLister, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.nodes, m.pods, m.factory != nil
}
