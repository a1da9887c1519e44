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
// Package localfleet runs a whole fleet on one machine: a control plane and
// one member per cluster of a Fleet, each a real kube-apiserver over embedded
// etcd (see package localcluster), plus the kurator controller-manager. It
// backs 'kurator up/down/status/local' and the integration-test harness.
package localfleet

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"kurator.dev/kurator/internal/kubeconfig"
	"kurator.dev/kurator/internal/localcluster"
	"kurator.dev/kurator/internal/progress"
)

// EnvHome overrides the default state directory.
const EnvHome = "KURATOR_HOME"

// DefaultDir is $KURATOR_HOME or ~/.kurator.
func DefaultDir() string {
	if d := os.Getenv(EnvHome); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".kurator"
	}
	return filepath.Join(home, ".kurator")
}

// Options configure a local fleet.
type Options struct {
	// Dir is the state directory.
	Dir string
	// FleetFile is a Fleet YAML used when the state directory is new; empty
	// means the seed's three-cluster fleet.
	FleetFile string
	// Nodes is the node pool of members whose fleet entry sets none.
	Nodes localcluster.NodePool
	// Progress receives step lines; nil prints nothing.
	Progress io.Writer
	// UserKubeconfig, when set, receives the fleet's contexts on up and loses
	// them on down.
	UserKubeconfig string
	// DieWithParent ties the components' lifetime to this process (tests).
	DieWithParent bool
	// ReadyTimeout bounds each wait; zero means 3 minutes.
	ReadyTimeout time.Duration
	// ControllerManagerArgs are extra flags for kurator-controller-manager.
	ControllerManagerArgs []string
	// Prometheus starts a Prometheus server that scrapes every member's
	// workload metrics; once enabled, later runs keep it.
	Prometheus bool
	// HA runs the control plane as three replicas forming one etcd cluster
	// behind a loopback balancer, and two controller-managers electing a
	// leader. Only a new fleet can be made highly available.
	HA bool
	// Pull names members to run in pull mode (added to those the Fleet's
	// PullClustersAnnotation names). Only a new fleet takes it.
	Pull []string
	// AgentLeaseDuration and AgentLeaseRenewInterval tune the pull agents'
	// heartbeat (Go durations); empty keeps the agent's 40s and 10s.
	AgentLeaseDuration, AgentLeaseRenewInterval string
	// AgentAPIEnablementsRefresh is how often pull agents discover the kinds
	// their cluster serves (a Go duration; empty: 1m).
	AgentAPIEnablementsRefresh string
}

// Fleet is a handle on a local fleet's state directory.
type Fleet struct {
	opts     Options
	layout   Layout
	progress *progress.Printer
}

// New returns a handle; nothing is started.
func New(opts Options) *Fleet {
	if opts.Dir == "" {
		opts.Dir = DefaultDir()
	}
	if opts.Nodes == (localcluster.NodePool{}) {
		opts.Nodes = localcluster.DefaultNodePool()
	}
	if opts.ReadyTimeout == 0 {
		opts.ReadyTimeout = 3 * time.Minute
	}
	var p *progress.Printer
	if opts.Progress != nil {
		p = progress.New(opts.Progress)
	}
	return &Fleet{opts: opts, layout: Layout{Dir: opts.Dir}, progress: p}
}

// Layout exposes the state directory's file names.
func (f *Fleet) Layout() Layout { return f.layout }

// State returns the recorded state of the fleet.
func (f *Fleet) State() (*State, error) {
	if !f.layout.exists() {
		return nil, fmt.Errorf("%w %s; start one with 'kurator up'", errNoState, f.layout.Dir)
	}
	return f.layout.load()
}

// Running reports whether any component of the fleet is alive.
func (f *Fleet) Running() bool {
	s, err := f.State()
	if err != nil {
		return false
	}
	for _, p := range f.processes(s) {
		if _, ok := p.running(); ok {
			return true
		}
	}
	return false
}

// Up starts the fleet (creating it on first use) and returns once every
// member is Ready in the control plane.
func (f *Fleet) Up(ctx context.Context) (err error) {
	unlock, err := lock(f.layout)
	if err != nil {
		return err
	}
	defer unlock()
	if f.Running() {
		return fmt.Errorf("a local fleet is already running from %s (see 'kurator status'; stop it with 'kurator down')", f.layout.Dir)
	}

	done := f.progress.Step("Preparing state in %s", f.layout.Dir)
	s, err := f.prepare()
	done(err)
	if err != nil {
		return err
	}

	done = f.progress.Step("Locating component binaries")
	bins := Binaries{BuildDir: f.layout.binDir(), Progress: func(msg string) { f.progress.Info("%s", msg) }}
	var launch launchBinaries
	var promBin string
	launch.cluster, err = bins.Resolve(ctx, ClusterBinary)
	if err == nil {
		launch.controllerManager, err = bins.Resolve(ctx, ControllerManagerBinary)
	}
	if err == nil && s.HA != nil {
		launch.kurator, err = bins.Resolve(ctx, KuratorBinary)
	}
	if err == nil && len(s.Pull) > 0 {
		launch.agent, err = bins.Resolve(ctx, AgentBinary)
	}
	if err == nil && f.opts.Prometheus {
		err = f.enablePrometheus(s)
	}
	if err == nil && s.Prometheus != nil {
		promBin, err = findPrometheus()
	}
	done(err)
	if err != nil {
		return err
	}
	// On failure, leave nothing half-running behind.
	defer func() {
		if err != nil {
			_ = f.stopAll(s)
		}
	}()

	names := make([]string, 0, len(s.Clusters))
	for _, c := range s.Clusters {
		names = append(names, c.Name)
	}
	what := "the control plane"
	if s.HA != nil {
		what = fmt.Sprintf("the control plane (%d replicas forming one etcd cluster, behind a balancer)", len(s.HA.ControlPlanes))
	}
	done = f.progress.Step("Starting %s and %d member clusters (%s)", what, len(s.Clusters)-1, strings.Join(names[1:], ", "))
	err = f.startClusters(ctx, s, launch, s.Clusters)
	done(err)
	if err != nil {
		return err
	}

	cp, err := newControlPlaneClient(f.layout.ClusterKubeconfig(ControlPlaneName))
	if err != nil {
		return err
	}
	done = f.progress.Step("Installing Kurator APIs, and Istio networking APIs in every cluster")
	err = f.installAPIs(ctx, cp, s)
	done(err)
	if err != nil {
		return err
	}

	if s.Prometheus != nil {
		done = f.progress.Step("Starting Prometheus on %s (scraping %d members)", s.Prometheus.URL(), len(s.Clusters)-1)
		err = f.startPrometheus(ctx, s, promBin)
		done(err)
		if err != nil {
			return err
		}
	}

	if s.HA != nil {
		done = f.progress.Step("Starting %d kurator controller-managers (leader election)", len(s.HA.ControllerManagerHealth))
	} else {
		done = f.progress.Step("Starting kurator controller-manager")
	}
	err = f.startControllerManagers(ctx, s, launch.controllerManager)
	done(err)
	if err != nil {
		return err
	}

	done = f.progress.Step("Registering member clusters")
	err = f.register(ctx, cp, s, launch.agent)
	done(err)
	if err != nil {
		return err
	}

	done = f.progress.Step("Waiting for member clusters to be Ready")
	err = cp.waitClustersReady(ctx, names[1:], f.opts.ReadyTimeout)
	done(err)
	if err != nil {
		return err
	}

	if f.opts.UserKubeconfig != "" {
		done = f.progress.Step("Adding contexts to %s", f.opts.UserKubeconfig)
		err = f.mergeUserKubeconfig(s)
		done(err)
	}
	return err
}

// Down stops every component; the state stays for the next Up. With purge,
// the state directory is removed too.
func (f *Fleet) Down(purge bool) error {
	unlock, err := lock(f.layout)
	if err != nil {
		return err
	}
	defer unlock()
	s, err := f.State()
	if err != nil {
		if purge && !f.layout.exists() {
			return nil
		}
		return err
	}
	done := f.progress.Step("Stopping the local fleet")
	err = f.stopAll(s)
	done(err)
	if err != nil {
		return err
	}
	if f.opts.UserKubeconfig != "" {
		done = f.progress.Step("Removing contexts from %s", f.opts.UserKubeconfig)
		err = kubeconfig.Remove(f.opts.UserKubeconfig, clusterNames(s))
		done(err)
		if err != nil {
			return err
		}
	}
	if purge {
		done = f.progress.Step("Removing %s", f.layout.Dir)
		err = os.RemoveAll(f.layout.Dir)
		done(err)
	}
	return err
}

// stopAll stops the controller-managers first (so they do not mark members
// unhealthy while they stop), then every cluster in parallel.
func (f *Fleet) stopAll(s *State) error {
	procs := f.processes(s)
	cms := len(controllerManagerHealthPorts(s))
	var g errgroup.Group
	for _, p := range procs[:cms] {
		g.Go(func() error { return p.stop(10 * time.Second) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, p := range procs[cms:] {
		g.Go(func() error { return p.stop(30 * time.Second) })
	}
	return g.Wait()
}

// lock serialises fleet operations on one state directory.
func lock(l Layout) (func(), error) {
	if err := os.MkdirAll(l.Dir, 0o700); err != nil {
		return nil, err
	}
	fd, err := os.OpenFile(l.lockFile(), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(fd.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		fd.Close()
		return nil, fmt.Errorf("another kurator command is working on %s; wait for it to finish", l.Dir)
	}
	return func() {
		_ = syscall.Flock(int(fd.Fd()), syscall.LOCK_UN)
		fd.Close()
	}, nil
}
