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
package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	aggregator "k8s.io/kube-aggregator/pkg/client/clientset_generated/clientset"

	"kurator.dev/kurator/internal/localcluster"
	"kurator.dev/kurator/internal/metricsapi"
	"kurator.dev/kurator/internal/pki"
)

// metricsAPIHost is where the metrics API listens and what its ExternalName
// Service names: an address, so the aggregator's dial needs no resolver.
const metricsAPIHost = "127.0.0.1"

// metricsAPIAvailableTimeout bounds the wait for the aggregator to reach the
// metrics API; past it the member fails, as an unavailable aggregated API
// breaks discovery and namespace deletion in the member.
const metricsAPIAvailableTimeout = 2 * time.Minute

// runMetricsAPI serves the member's metrics.k8s.io from usage, registers it
// with the member's kube-apiserver, waits until the aggregator reports it
// Available, and serves until ctx ends.
func runMetricsAPI(ctx context.Context, c localcluster.Config, cfg *rest.Config, client kubernetes.Interface, usage metricsapi.Source) error {
	log := logr.FromContextOrDiscard(ctx).WithName("metrics-api")
	b := pki.Bundle{Dir: c.PKIDir}
	serving, err := tls.LoadX509KeyPair(b.Path(pki.MetricsAPICert), b.Path(pki.MetricsAPIKey))
	if err != nil {
		return err
	}
	proxyCA, err := b.Read(pki.FrontProxyCACert)
	if err != nil {
		return err
	}
	clientCAs := x509.NewCertPool()
	if !clientCAs.AppendCertsFromPEM(proxyCA) {
		return fmt.Errorf("%s holds no certificate", b.Path(pki.FrontProxyCACert))
	}
	caBundle, err := b.Read(pki.CACert)
	if err != nil {
		return err
	}
	agg, err := aggregator.NewForConfig(cfg)
	if err != nil {
		return err
	}

	// Label selectors need the labels of pods and nodes, and nothing else.
	factory := informers.NewSharedInformerFactoryWithOptions(client, 0, informers.WithTransform(keepLabelsOnly))
	pods, nodes := factory.Core().V1().Pods(), factory.Core().V1().Nodes()
	podsSynced, nodesSynced := pods.Informer().HasSynced, nodes.Informer().HasSynced
	factory.Start(ctx.Done())
	defer factory.Shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), podsSynced, nodesSynced) {
		return ctx.Err()
	}
	server := metricsapi.NewServer(metricsapi.Options{
		Source: usage, Pods: pods.Lister(), Nodes: nodes.Lister(),
		ClientCAs: clientCAs, AllowedNames: []string{pki.FrontProxyClientName},
	})
	l, err := net.Listen("tcp", net.JoinHostPort(metricsAPIHost, strconv.Itoa(c.MetricsAPIPort)))
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return server.Serve(gctx, l, serving) })
	g.Go(func() error {
		start := time.Now()
		err := metricsapi.Register(gctx, client, agg, metricsapi.Registration{
			ServiceNamespace: pki.MetricsAPIServiceNamespace, ServiceName: pki.MetricsAPIServiceName,
			Host: metricsAPIHost, Port: int32(c.MetricsAPIPort), CABundle: caBundle,
		})
		if err != nil {
			return err
		}
		if err := metricsapi.WaitAvailable(gctx, agg, metricsAPIAvailableTimeout); err != nil {
			return err
		}
		log.Info("Metrics API is available", "apiService", metricsapi.APIServiceName, "after", time.Since(start).String())
		return nil
	})
	return g.Wait()
}

// keepLabelsOnly trims pods and nodes to what label selectors read.
func keepLabelsOnly(obj any) (any, error) {
	switch o := obj.(type) {
	case *corev1.Pod:
		return &corev1.Pod{ObjectMeta: trimmedMeta(o.ObjectMeta)}, nil
	case *corev1.Node:
		return &corev1.Node{ObjectMeta: trimmedMeta(o.ObjectMeta)}, nil
	}
	return obj, nil
}

func trimmedMeta(m metav1.ObjectMeta) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: m.Namespace, Name: m.Name, UID: m.UID, ResourceVersion: m.ResourceVersion, Labels: m.Labels}
}
