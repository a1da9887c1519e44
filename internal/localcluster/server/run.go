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
// Package server runs every component of one local cluster in this process. It
// is the heavy half of package localcluster: it links kube-apiserver,
// kube-controller-manager and kube-scheduler, so only kurator-cluster imports it.
package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"kurator.dev/kurator/internal/localcluster"

	"github.com/go-logr/logr"
	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"kurator.dev/kurator/internal/kubeconfig"
	"kurator.dev/kurator/internal/kubeletsim"
	"kurator.dev/kurator/internal/pki"
)

// Run starts every component of the cluster and blocks until ctx ends or a
// component fails. etcd is stopped last so the API server can drain.
func Run(ctx context.Context, c localcluster.Config) error {
	log := logr.FromContextOrDiscard(ctx).WithValues("cluster", c.Name)
	if err := c.Validate(); err != nil {
		return err
	}
	if c.KubeconfigPath == "" {
		path, err := writeAdminKubeconfig(c)
		if err != nil {
			return err
		}
		c.KubeconfigPath = path
	}
	etcd, err := startEtcd(ctx, c)
	if err != nil {
		return err
	}
	defer etcd.Close()
	log.Info("Etcd is ready")

	g, gctx := errgroup.WithContext(ctx)
	apiServerDone := make(chan struct{})
	g.Go(func() error {
		defer close(apiServerDone)
		if err := runAPIServer(gctx, c); err != nil {
			return fmt.Errorf("kube-apiserver: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		select {
		case err := <-etcd.Err():
			return fmt.Errorf("etcd: %w", err)
		case <-gctx.Done():
			return nil
		}
	})
	g.Go(func() error {
		cfg, client, err := waitForAPIServer(gctx, c)
		if err != nil {
			return err
		}
		log.Info("API server is ready")
		if c.Role == localcluster.RoleControlPlane {
			go reportMembership(gctx, c, etcd, client)
		}
		return runControllers(gctx, c, cfg, client)
	})
	err = waitOrDrain(ctx, g, apiServerDone, func() {
		if c.HighlyAvailable() {
			// Hand Raft leadership over before anything stops, so the
			// other replicas never wait out an election.
			if err := etcd.Server.TryTransferLeadershipOnShutdown(); err != nil {
				log.Info("Etcd leadership was not transferred", "err", err)
			}
		}
	})
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// waitOrDrain waits for the components, or, once ctx ends, calls stopping
// and waits a few seconds for the API server to drain, and no longer: the controllers beside it may block on
// requests that can no longer succeed (a kube-controller-manager releasing
// its lease), and etcd must still stop cleanly after the API server — a
// Raft leader that stops cleanly hands leadership over, so the other
// replicas' writes do not fail.
func waitOrDrain(ctx context.Context, g *errgroup.Group, apiServerDone <-chan struct{}, stopping func()) error {
	done := make(chan error, 1)
	go func() { done <- g.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	stopping()
	select {
	case <-apiServerDone:
	case <-time.After(5 * time.Second):
	}
	select {
	case err := <-done:
		return err
	case <-time.After(2 * time.Second):
		return nil
	}
}

// runControllers starts the components that talk to the API server.
func runControllers(ctx context.Context, c localcluster.Config, cfg *rest.Config, client kubernetes.Interface) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := runControllerManager(gctx, c); err != nil {
			return fmt.Errorf("kube-controller-manager: %w", err)
		}
		return nil
	})
	if c.Role == localcluster.RoleMember {
		g.Go(func() error {
			if err := runScheduler(gctx, c); err != nil {
				return fmt.Errorf("kube-scheduler: %w", err)
			}
			return nil
		})
		sim, err := newSimulator(client, cfg, c)
		if err != nil {
			return err
		}
		g.Go(func() error { return sim.Run(gctx) })
		g.Go(func() error {
			if err := serveWorkloadMetrics(gctx, c.MetricsPort, sim.Meter()); err != nil {
				return fmt.Errorf("workload metrics: %w", err)
			}
			return nil
		})
		g.Go(func() error {
			if err := runMetricsAPI(gctx, c, cfg, client, sim.Usage()); err != nil {
				return fmt.Errorf("metrics API: %w", err)
			}
			return nil
		})
	}
	return g.Wait()
}

func newSimulator(client kubernetes.Interface, cfg *rest.Config, c localcluster.Config) (*kubeletsim.Simulator, error) {
	cpu, err := resource.ParseQuantity(c.Nodes.CPU)
	if err != nil {
		return nil, err
	}
	mem, err := resource.ParseQuantity(c.Nodes.Memory)
	if err != nil {
		return nil, err
	}
	version := "v0.0.0"
	if v, err := client.Discovery().ServerVersion(); err == nil {
		version = v.GitVersion
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return kubeletsim.New(client, kubeletsim.Options{
		Cluster:    c.Name,
		Pool:       kubeletsim.NodePool{Count: c.Nodes.Count, CPU: cpu, Memory: mem, Pods: c.Nodes.Pods},
		Topology:   kubeletsim.Topology{Region: firstLabel(c.Labels, "region", "topology.kubernetes.io/region"), Zone: firstLabel(c.Labels, "zone", "topology.kubernetes.io/zone")},
		Version:    version,
		DefaultRPS: c.Load.DefaultRPS,
		Dynamic:    dyn,
	}), nil
}

func firstLabel(labels map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := labels[k]; v != "" {
			return v
		}
	}
	return ""
}

// writeAdminKubeconfig writes, into the data directory, the kubeconfig the
// in-process controllers use: the admin credentials of the PKI directory
// against this replica's own API server. A container gets its
// configuration by flags and a Secret, with no kubeconfig.
func writeAdminKubeconfig(c localcluster.Config) (string, error) {
	cfg, err := kubeconfig.Build(kubeconfig.Entry{Context: "self", Server: c.APIServerURL(), PKI: pki.Bundle{Dir: c.PKIDir}})
	if err != nil {
		return "", err
	}
	path := filepath.Join(c.DataDir, "admin.kubeconfig")
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return "", err
	}
	return path, kubeconfig.Write(path, cfg)
}

// waitForAPIServer polls /readyz until the server answers ok.
func waitForAPIServer(ctx context.Context, c localcluster.Config) (*rest.Config, kubernetes.Interface, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", c.KubeconfigPath)
	if err != nil {
		return nil, nil, err
	}
	cfg.QPS, cfg.Burst = 200, 400
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, nil, err
	}
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		var status int
		client.Discovery().RESTClient().Get().AbsPath("/readyz").Do(ctx).StatusCode(&status)
		return status == http.StatusOK, nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("kube-apiserver did not become ready: %w", err)
	}
	return cfg, client, nil
}
