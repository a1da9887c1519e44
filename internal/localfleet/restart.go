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
	"os"
	"syscall"
	"time"

	"kurator.dev/kurator/internal/localcluster"
)

// cluster finds a member, or a replica of an HA control plane, by name.
func (s *State) cluster(name string) (localcluster.Config, error) {
	if c, ok := s.Replica(name); ok {
		return c, nil
	}
	return s.Member(name)
}

// StopCluster stops one member, making its API server unreachable, or one
// replica of an HA control plane (its etcd member goes with it).
func (f *Fleet) StopCluster(name string) error {
	s, err := f.State()
	if err != nil {
		return err
	}
	c, err := s.cluster(name)
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

// StartCluster starts a member, or a control-plane replica, stopped by
// StopCluster.
func (f *Fleet) StartCluster(ctx context.Context, name string) error {
	s, err := f.State()
	if err != nil {
		return err
	}
	c, err := s.cluster(name)
	if err != nil {
		return err
	}
	if _, ok := f.clusterProcess(c, ClusterBinary).running(); ok {
		return fmt.Errorf("cluster %s is already running", name)
	}
	if !f.anyRunning(f.controllerManagerProcesses(s, ControllerManagerBinary)) {
		return fmt.Errorf("%w from %s; start it with 'kurator up'", errNotRunning, f.layout.Dir)
	}
	bins := Binaries{BuildDir: f.layout.binDir(), Progress: func(msg string) { f.progress.Info("%s", msg) }}
	bin, err := bins.Resolve(ctx, ClusterBinary)
	if err != nil {
		return err
	}
	done := f.progress.Step("Starting cluster %s", name)
	err = f.startClusters(ctx, s, launchBinaries{cluster: bin}, []localcluster.Config{c})
	done(err)
	return err
}

func (f *Fleet) anyRunning(procs []process) bool {
	for _, p := range procs {
		if _, ok := p.running(); ok {
			return true
		}
	}
	return false
}

// StopControllerManager stops kurator-controller-manager — in an HA fleet,
// the one that leads, or the one named — and leaves the clusters running:
// the control plane keeps accepting objects, and nothing acts on them until
// a controller-manager runs (in an HA fleet, the standby takes the lead).
func (f *Fleet) StopControllerManager(ctx context.Context, name string) error {
	s, err := f.State()
	if err != nil {
		return err
	}
	procs := f.controllerManagerProcesses(s, ControllerManagerBinary)
	target := procs[0]
	if s.HA != nil {
		if name == "" {
			if name, err = f.ControllerManagerLeader(ctx); err != nil {
				return err
			}
		}
		found := false
		for _, p := range procs {
			if p.Name == name {
				target, found = p, true
			}
		}
		if !found {
			return fmt.Errorf("no controller-manager %q in this fleet", name)
		}
	}
	if _, ok := target.running(); !ok {
		return fmt.Errorf("%s is not running", target.Name)
	}
	done := f.progress.Step("Stopping %s", target.Name)
	err = target.stop(10 * time.Second)
	done(err)
	return err
}

// StartControllerManager starts the controller-managers stopped by
// StopControllerManager and returns once they are ready.
func (f *Fleet) StartControllerManager(ctx context.Context) error {
	s, err := f.State()
	if err != nil {
		return err
	}
	stopped := 0
	for _, p := range f.controllerManagerProcesses(s, ControllerManagerBinary) {
		if _, ok := p.running(); !ok {
			stopped++
		}
	}
	if stopped == 0 {
		return fmt.Errorf("every kurator-controller-manager is already running")
	}
	bins := Binaries{BuildDir: f.layout.binDir(), Progress: func(msg string) { f.progress.Info("%s", msg) }}
	bin, err := bins.Resolve(ctx, ControllerManagerBinary)
	if err != nil {
		return err
	}
	done := f.progress.Step("Starting kurator-controller-manager")
	err = f.startControllerManagers(ctx, s, bin)
	done(err)
	return err
}

// ControllerManagerLeader names the controller-manager holding the leader
// Lease (in an HA fleet, the process name), by the same rule as 'kurator
// status': a Lease past its duration names no leader.
func (f *Fleet) ControllerManagerLeader(ctx context.Context) (string, error) {
	st, err := f.ControlPlaneStatus(ctx)
	if err != nil {
		return "", err
	}
	if st.Leader == "" {
		return "", fmt.Errorf("no controller-manager leads")
	}
	return st.Leader, nil
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

// Kill SIGKILLs a component by name — a member, a control-plane replica,
// the balancer ("kurator" in an HA fleet) or a controller-manager — and
// waits until it is gone: a crash, with no chance to hand anything over.
func (f *Fleet) Kill(name string) error {
	s, err := f.State()
	if err != nil {
		return err
	}
	for _, p := range f.processes(s) {
		if p.Name != name {
			continue
		}
		pid, ok := p.running()
		if !ok {
			return fmt.Errorf("%s is not running", name)
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			return fmt.Errorf("kill %s (pid %d): %w", name, pid, err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !exited(pid) {
			if time.Now().After(deadline) {
				return fmt.Errorf("%s (pid %d) did not exit after SIGKILL", name, pid)
			}
			time.Sleep(50 * time.Millisecond)
		}
		_ = os.Remove(p.PIDFile)
		return nil
	}
	return fmt.Errorf("no component %q in this fleet", name)
}
