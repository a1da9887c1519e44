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

	"kurator.dev/kurator/internal/localcluster"
)

// StopCluster stops one member, making its API server unreachable.
func (f *Fleet) StopCluster(name string) error {
	s, err := f.State()
	if err != nil {
		return err
	}
	c, err := s.Member(name)
	if err != nil {
		return err
	}
	p := f.clusterProcess(c, ClusterBinary)
	if _, ok := p.running(); !ok {
		return fmt.Errorf("cluster %s is not running", name)
	}
	done := f.progress.Step("Stopping cluster %s", name)
	err = p.stop(30 * time.Second)
	done(err)
	return err
}

// StartCluster starts a member stopped by StopCluster.
func (f *Fleet) StartCluster(ctx context.Context, name string) error {
	s, err := f.State()
	if err != nil {
		return err
	}
	c, err := s.Member(name)
	if err != nil {
		return err
	}
	if _, ok := f.clusterProcess(c, ClusterBinary).running(); ok {
		return fmt.Errorf("cluster %s is already running", name)
	}
	if _, ok := f.controllerManagerProcess(s, ControllerManagerBinary).running(); !ok {
		return fmt.Errorf("%w from %s; start it with 'kurator up'", errNotRunning, f.layout.Dir)
	}
	bins := Binaries{BuildDir: f.layout.binDir(), Progress: func(msg string) { f.progress.Info("%s", msg) }}
	bin, err := bins.Resolve(ctx, ClusterBinary)
	if err != nil {
		return err
	}
	done := f.progress.Step("Starting cluster %s", name)
	err = f.startClusters(ctx, s, bin, []localcluster.Config{c})
	done(err)
	return err
}

// StopControllerManager stops kurator-controller-manager and leaves the
// clusters running: the control plane keeps accepting objects, and nothing
// acts on them until StartControllerManager.
func (f *Fleet) StopControllerManager() error {
	s, err := f.State()
	if err != nil {
		return err
	}
	p := f.controllerManagerProcess(s, ControllerManagerBinary)
	if _, ok := p.running(); !ok {
		return fmt.Errorf("kurator-controller-manager is not running")
	}
	done := f.progress.Step("Stopping kurator-controller-manager")
	err = p.stop(10 * time.Second)
	done(err)
	return err
}

// StartControllerManager starts a controller-manager stopped by
// StopControllerManager and returns once it is ready.
func (f *Fleet) StartControllerManager(ctx context.Context) error {
	s, err := f.State()
	if err != nil {
		return err
	}
	if _, ok := f.controllerManagerProcess(s, ControllerManagerBinary).running(); ok {
		return fmt.Errorf("kurator-controller-manager is already running")
	}
	bins := Binaries{BuildDir: f.layout.binDir(), Progress: func(msg string) { f.progress.Info("%s", msg) }}
	bin, err := bins.Resolve(ctx, ControllerManagerBinary)
	if err != nil {
		return err
	}
	done := f.progress.Step("Starting kurator-controller-manager")
	err = f.startControllerManager(ctx, s, bin)
	done(err)
	return err
}

// StopPrometheus stops the fleet's Prometheus: metrics queries fail until
// StartPrometheus, as when a real monitoring backend goes away.
func (f *Fleet) StopPrometheus() error {
	s, err := f.State()
	if err != nil {
		return err
	}
	if s.Prometheus == nil {
		return fmt.Errorf("this fleet runs no Prometheus (start it with 'kurator up --prometheus')")
	}
	p := f.prometheusProcess(s, PrometheusBinary)
	if _, ok := p.running(); !ok {
		return fmt.Errorf("prometheus is not running")
	}
	done := f.progress.Step("Stopping prometheus")
	err = p.stop(10 * time.Second)
	done(err)
	return err
}

// StartPrometheus starts a Prometheus stopped by StopPrometheus; its stored
// samples are kept.
func (f *Fleet) StartPrometheus(ctx context.Context) error {
	s, err := f.State()
	if err != nil {
		return err
	}
	if s.Prometheus == nil {
		return fmt.Errorf("this fleet runs no Prometheus (start it with 'kurator up --prometheus')")
	}
	if _, ok := f.prometheusProcess(s, PrometheusBinary).running(); ok {
		return fmt.Errorf("prometheus is already running")
	}
	bin, err := findPrometheus()
	if err != nil {
		return err
	}
	done := f.progress.Step("Starting prometheus")
	err = f.startPrometheus(ctx, s, bin)
	done(err)
	return err
}
