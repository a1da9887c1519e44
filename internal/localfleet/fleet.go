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
	"strconv"
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

func (f *Fleet) clusterProcess(c localcluster.Config, bin string) process {
	dir := f.layout.clusterDir(c.Name)
	return process{
		Name:    c.Name,
		Binary:  bin,
		Args:    []string{"--config=" + filepath.Join(dir, "config.json")},
		Env:     goRuntimeEnv(c.Role),
		PIDFile: filepath.Join(dir, "cluster.pid"),
		LogFile: filepath.Join(dir, "cluster.log"),
		Nice:    memberNice(c.Role),
	}
}

// memberNice gives member clusters a lower CPU priority than the control
// plane and the controller-manager. Members stand in for clusters that run
// on machines of their own; on one laptop, a member starting hundreds of
// pods would otherwise slow the control plane that is being exercised.
func memberNice(role localcluster.Role) int {
	if role == localcluster.RoleControlPlane {
		return 0
	}
	return 5
}

// goRuntimeEnv keeps each cluster process's heap modest (the Go runtime
// collects harder near GOMEMLIMIT instead of growing). The control plane
// serves every Kurator write; under a burst a tenth of its CPU went to
// garbage collection, so it collects less often and may use more memory.
func goRuntimeEnv(role localcluster.Role) []string {
	if role == localcluster.RoleControlPlane {
		return []string{"GOMEMLIMIT=900MiB", "GOGC=200"}
	}
	return []string{"GOMEMLIMIT=450MiB"}
}

func (f *Fleet) controllerManagerProcess(s *State, bin string) process {
	dir := f.layout.controllerManagerDir()
	args := []string{
		"--kubeconfig=" + f.layout.ClusterKubeconfig(ControlPlaneName),
		"--health-probe-bind-address=127.0.0.1:" + strconv.Itoa(s.ControllerManagerHealth),
		"--metrics-bind-address=0",
	}
	return process{
		Name:    "kurator-controller-manager",
		Binary:  bin,
		Args:    append(args, f.opts.ControllerManagerArgs...),
		PIDFile: filepath.Join(dir, "controller-manager.pid"),
		LogFile: filepath.Join(dir, "controller-manager.log"),
	}
}

// processes lists every component process of the fleet, by name, resolving
// binaries only by name (enough to find and stop running processes).
func (f *Fleet) processes(s *State) []process {
	procs := make([]process, 0, len(s.Clusters)+1)
	procs = append(procs, f.controllerManagerProcess(s, ControllerManagerBinary))
	for _, c := range s.Clusters {
		procs = append(procs, f.clusterProcess(c, ClusterBinary))
	}
	return procs
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
	clusterBin, err := bins.Resolve(ctx, ClusterBinary)
	var cmBin string
	if err == nil {
		cmBin, err = bins.Resolve(ctx, ControllerManagerBinary)
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
	done = f.progress.Step("Starting the control plane and %d member clusters (%s)", len(s.Clusters)-1, strings.Join(names[1:], ", "))
	err = f.startClusters(ctx, s, clusterBin, s.Clusters)
	done(err)
	if err != nil {
		return err
	}

	cp, err := newControlPlaneClient(f.layout.ClusterKubeconfig(ControlPlaneName))
	if err != nil {
		return err
	}
	done = f.progress.Step("Installing Kurator APIs")
	err = cp.installCRDs(ctx, f.opts.ReadyTimeout)
	done(err)
	if err != nil {
		return err
	}

	done = f.progress.Step("Starting kurator controller-manager")
	err = f.startControllerManager(ctx, s, cmBin)
	done(err)
	if err != nil {
		return err
	}

	done = f.progress.Step("Registering member clusters")
	err = f.register(ctx, cp, s)
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

// prepare loads the state, or creates it (ports, credentials, configs) for a
// new fleet.
func (f *Fleet) prepare() (*State, error) {
	if f.layout.exists() {
		s, err := f.layout.load()
		if err != nil {
			return nil, err
		}
		return s, f.writeClusterFiles(s)
	}
	spec, err := loadFleetSpec(f.opts.FleetFile, f.opts.Nodes)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(f.layout.Dir, 0o700); err != nil {
		return nil, err
	}
	ports, err := freePorts(3*(len(spec.Members)+1) + 1)
	if err != nil {
		return nil, err
	}
	s := &State{Version: stateVersion, FleetName: spec.Fleet.Name, FleetNamespace: spec.Fleet.Namespace, ControllerManagerHealth: ports[len(ports)-1]}
	clusters := append([]localcluster.Config{{Name: ControlPlaneName, Role: localcluster.RoleControlPlane}}, spec.Members...)
	for i, c := range clusters {
		dir := f.layout.clusterDir(c.Name)
		c.DataDir = filepath.Join(dir, "data")
		c.PKIDir = f.layout.pki(c.Name).Dir
		c.KubeconfigPath = f.layout.ClusterKubeconfig(c.Name)
		c.APIServerPort, c.EtcdClientPort, c.EtcdPeerPort = ports[3*i], ports[3*i+1], ports[3*i+2]
		s.Clusters = append(s.Clusters, c)
	}
	if err := os.WriteFile(f.layout.FleetFile(), spec.Raw, 0o600); err != nil {
		return nil, err
	}
	if err := f.writeClusterFiles(s); err != nil {
		return nil, err
	}
	return s, f.layout.save(s)
}

// writeClusterFiles (re)writes each cluster's credentials, kubeconfig and
// process configuration, and the fleet-wide kubeconfig.
func (f *Fleet) writeClusterFiles(s *State) error {
	entries := make([]kubeconfig.Entry, 0, len(s.Clusters))
	for _, c := range s.Clusters {
		bundle, err := ensurePKI(f.layout, c.Name)
		if err != nil {
			return err
		}
		entry := kubeconfig.Entry{Context: c.Name, Server: c.APIServerURL(), PKI: bundle}
		cfg, err := kubeconfig.Build(entry)
		if err != nil {
			return err
		}
		if err := kubeconfig.Write(c.KubeconfigPath, cfg); err != nil {
			return err
		}
		if err := localcluster.WriteConfig(filepath.Join(f.layout.clusterDir(c.Name), "config.json"), c); err != nil {
			return err
		}
		entries = append(entries, entry)
	}
	all, err := kubeconfig.Build(entries...)
	if err != nil {
		return err
	}
	return kubeconfig.Write(f.layout.Kubeconfig(), all)
}

func (f *Fleet) startClusters(ctx context.Context, s *State, bin string, clusters []localcluster.Config) error {
	for _, c := range clusters {
		if err := checkPortFree(c.APIServerPort, c.Name+" kube-apiserver"); err != nil {
			return err
		}
		if err := checkPortFree(c.EtcdClientPort, c.Name+" etcd"); err != nil {
			return err
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, c := range clusters {
		p := f.clusterProcess(c, bin)
		exited, err := p.start(f.opts.DieWithParent)
		if err != nil {
			return err
		}
		g.Go(func() error {
			return waitHealthy(gctx, p, exited, f.opts.ReadyTimeout, func(ctx context.Context) error {
				return probeAPIServer(ctx, c.KubeconfigPath)
			})
		})
	}
	return g.Wait()
}

func (f *Fleet) startControllerManager(ctx context.Context, s *State, bin string) error {
	if err := checkPortFree(s.ControllerManagerHealth, "kurator-controller-manager health"); err != nil {
		return err
	}
	p := f.controllerManagerProcess(s, bin)
	exited, err := p.start(f.opts.DieWithParent)
	if err != nil {
		return err
	}
	url := "http://127.0.0.1:" + strconv.Itoa(s.ControllerManagerHealth) + "/readyz"
	return waitHealthy(ctx, p, exited, f.opts.ReadyTimeout, func(ctx context.Context) error { return probeHTTP(ctx, url) })
}

// waitHealthy polls probe until it succeeds, the process exits (its log tail
// explains why) or the timeout passes.
func waitHealthy(ctx context.Context, p process, exited <-chan error, timeout time.Duration, probe func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		last = probe(pctx)
		pcancel()
		if last == nil {
			return nil
		}
		select {
		case err := <-exited:
			return fmt.Errorf("%s exited (%w); last lines of %s:\n%s", p.Name, err, p.LogFile, p.logTail(15))
		case <-ctx.Done():
			return fmt.Errorf("%s did not become healthy within %s (last probe: %w); see %s", p.Name, timeout, last, p.LogFile)
		case <-tick.C:
		}
	}
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

// stopAll stops the controller-manager first (so it does not mark members
// unhealthy while they stop), then every cluster in parallel.
func (f *Fleet) stopAll(s *State) error {
	procs := f.processes(s)
	if err := procs[0].stop(10 * time.Second); err != nil {
		return err
	}
	var g errgroup.Group
	for _, p := range procs[1:] {
		g.Go(func() error { return p.stop(30 * time.Second) })
	}
	return g.Wait()
}

// StopCluster stops one member, making its API server unreachable.
func (f *Fleet) StopCluster(name string) error {
	s, err := f.State()
	if err != nil {
		return err
	}
	c, err := s.member(name)
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
	c, err := s.member(name)
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

// ComponentStatus is one line of 'kurator status'.
type ComponentStatus struct {
	Name     string
	Kind     string
	PID      int
	Endpoint string
	Healthy  bool
	Message  string
}

// Status probes every component of the fleet.
func (f *Fleet) Status(ctx context.Context) ([]ComponentStatus, error) {
	s, err := f.State()
	if err != nil {
		return nil, err
	}
	out := make([]ComponentStatus, 0, len(s.Clusters)+1)
	for _, c := range s.Clusters {
		st := ComponentStatus{Name: c.Name, Kind: string(c.Role), Endpoint: c.APIServerURL()}
		p := f.clusterProcess(c, ClusterBinary)
		st.PID, st.Healthy = p.running()
		switch {
		case !st.Healthy:
			st.Message = "stopped"
		default:
			pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			if err := probeAPIServer(pctx, c.KubeconfigPath); err != nil {
				st.Healthy, st.Message = false, err.Error()
			} else {
				st.Message = "ok"
			}
			cancel()
		}
		out = append(out, st)
	}
	cm := ComponentStatus{Name: "kurator-controller-manager", Kind: "controller-manager", Endpoint: "http://127.0.0.1:" + strconv.Itoa(s.ControllerManagerHealth)}
	cm.PID, cm.Healthy = f.controllerManagerProcess(s, ControllerManagerBinary).running()
	if !cm.Healthy {
		cm.Message = "stopped"
	} else {
		pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		if err := probeHTTP(pctx, cm.Endpoint+"/readyz"); err != nil {
			cm.Healthy, cm.Message = false, err.Error()
		} else {
			cm.Message = "ok"
		}
		cancel()
	}
	return append(out, cm), nil
}

func (f *Fleet) mergeUserKubeconfig(s *State) error {
	entries := make([]kubeconfig.Entry, 0, len(s.Clusters))
	for _, c := range s.Clusters {
		entries = append(entries, kubeconfig.Entry{Context: c.Name, Server: c.APIServerURL(), PKI: f.layout.pki(c.Name)})
	}
	cfg, err := kubeconfig.Build(entries...)
	if err != nil {
		return err
	}
	return kubeconfig.Merge(f.opts.UserKubeconfig, cfg)
}

func clusterNames(s *State) []string {
	names := make([]string, 0, len(s.Clusters))
	for _, c := range s.Clusters {
		names = append(names, c.Name)
	}
	return names
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
