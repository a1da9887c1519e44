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
// Package framework starts a real local fleet (control plane plus members,
// each a real kube-apiserver) for integration tests, one per test package.
package framework

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/internal/scheme"
)

// Fleet is a running local fleet with clients for each cluster.
type Fleet struct {
	*localfleet.Fleet
	Dir          string
	ControlPlane client.Client
}

// Options are the optional settings of StartWith.
type Options struct {
	// FleetYAML describes the fleet; empty: the seed's three clusters.
	FleetYAML string
	// ControllerManagerArgs are extra flags for kurator-controller-manager.
	ControllerManagerArgs []string
	// Prometheus runs a Prometheus that scrapes every member (the
	// 'prometheus' binary must be on PATH: 'make setup' installs it).
	Prometheus bool
	// HA runs the control plane as three replicas behind a balancer, and
	// two controller-managers electing a leader.
	HA bool
	// AgentLeaseDuration and AgentLeaseRenewInterval tune pull members'
	// heartbeats (Go durations; empty: 40s and 10s).
	AgentLeaseDuration, AgentLeaseRenewInterval string
	// AgentAPIEnablementsRefresh is how often pull agents discover the kinds
	// their cluster serves (a Go duration; empty: 1m).
	AgentAPIEnablementsRefresh string
	// Pull names members that run in pull mode, each with its agent.
	Pull []string
}

// Start brings up a fleet from fleetYAML (empty: the seed's three clusters)
// in a fresh temporary directory. Components die with the test process.
func Start(ctx context.Context, fleetYAML string) (*Fleet, error) {
	return StartWith(ctx, Options{FleetYAML: fleetYAML})
}

// StartWith is Start with more settings.
func StartWith(ctx context.Context, o Options) (*Fleet, error) {
	fleetYAML := o.FleetYAML
	ctrllog.SetLogger(logr.Discard())
	dir, err := os.MkdirTemp("", "kurator-it-")
	if err != nil {
		return nil, err
	}
	opts := localfleet.Options{Dir: dir, DieWithParent: true, Progress: os.Stderr, ReadyTimeout: 3 * time.Minute,
		ControllerManagerArgs: o.ControllerManagerArgs, Prometheus: o.Prometheus, HA: o.HA,
		AgentLeaseDuration: o.AgentLeaseDuration, AgentLeaseRenewInterval: o.AgentLeaseRenewInterval,
		AgentAPIEnablementsRefresh: o.AgentAPIEnablementsRefresh, Pull: o.Pull}
	if fleetYAML != "" {
		path := dir + "-fleet.yaml"
		if err := os.WriteFile(path, []byte(fleetYAML), 0o600); err != nil {
			return nil, err
		}
		opts.FleetFile = path
	}
	f := localfleet.New(opts)
	if err := f.Up(ctx); err != nil {
		_ = f.Down(true)
		return nil, err
	}
	c, err := ClientFor(f.Layout().ClusterKubeconfig(localfleet.ControlPlaneName))
	if err != nil {
		return nil, err
	}
	return &Fleet{Fleet: f, Dir: dir, ControlPlane: c}, nil
}

// Stop stops the fleet and removes its directory.
func (f *Fleet) Stop() error {
	if err := f.Down(true); err != nil {
		return fmt.Errorf("stop fleet: %w", err)
	}
	if err := os.Remove(f.Dir + "-fleet.yaml"); err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.RemoveAll(f.Dir)
}

// Member returns a clientset for a member cluster.
func (f *Fleet) Member(name string) (kubernetes.Interface, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", f.Layout().ClusterKubeconfig(name))
	if err != nil {
		return nil, err
	}
	return kubernetes.NewForConfig(cfg)
}

// ClientFor returns a controller-runtime client for a kubeconfig file.
func ClientFor(kubeconfig string) (client.Client, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	return client.New(cfg, client.Options{Scheme: scheme.Scheme})
}
