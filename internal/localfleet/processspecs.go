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
	"path/filepath"
	"strconv"
	"strings"

	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/localcluster"
)

// KuratorBinary is the CLI, which also runs the local balancer of an HA fleet.
const KuratorBinary = "kurator"

// clusterProcess is how a cluster runs locally. A control plane (or one of
// its replicas) runs as its component description says; a member, which has
// more to configure (nodes, load, labels), reads a file.
func (f *Fleet) clusterProcess(c localcluster.Config, bin string) process {
	dir := f.layout.clusterDir(c.Name)
	p := process{
		Name:    c.Name,
		Binary:  bin,
		PIDFile: filepath.Join(dir, "cluster.pid"),
		LogFile: filepath.Join(dir, "cluster.log"),
		// Both command-line forms (flags, or a file) name the cluster's
		// directory: a control plane started by an older kurator with a
		// file is still found and stopped.
		Match: dir + string(filepath.Separator),
	}
	if c.Role == localcluster.RoleControlPlane {
		comp := components.ControlPlane(c, components.Resources{})
		p.Args, p.Env = comp.Args, localEnv(comp)
		return p
	}
	p.Args = []string{"--config=" + filepath.Join(dir, "config.json")}
	p.Env = []string{"GOMEMLIMIT=450MiB"}
	// Members stand in for clusters that run on machines of their own; on
	// one laptop, a member starting hundreds of pods would otherwise slow
	// the control plane that is being exercised.
	p.Nice = 5
	return p
}

// localEnv gives a component's environment to a local process. Pod fields
// have no local meaning: the description's literal values stand.
func localEnv(c components.Component) []string {
	env := make([]string, 0, len(c.Env))
	for _, e := range c.Env {
		if e.FieldPath == "" {
			env = append(env, e.Name+"="+e.Value)
		}
	}
	return env
}

// controllerManagerConfig is the local runtime's controller-manager i of n
// (n > 1 in an HA fleet), reaching the control plane through its recorded
// address (the balancer, in an HA fleet).
func (f *Fleet) controllerManagerConfig(s *State, i, healthPort int, identity string) components.ControllerManagerConfig {
	o := components.ControllerManagerConfig{
		Kubeconfig: f.layout.ClusterKubeconfig(ControlPlaneName),
		Host:       "127.0.0.1",
		HealthPort: healthPort,
		Lease:      components.DefaultLeaseTimings(),
	}
	if s.HA != nil {
		o.LeaderElect, o.Identity = true, identity
	}
	if s.Prometheus != nil {
		o.PrometheusURL = s.Prometheus.URL()
		if ports := s.Prometheus.ControllerManagerMetrics; i < len(ports) {
			o.MetricsPort = ports[i]
		}
	}
	return o
}

// controllerManagerProcesses are the fleet's controller-managers: one, or
// one per HA replica.
func (f *Fleet) controllerManagerProcesses(s *State, bin string) []process {
	dir := f.layout.controllerManagerDir()
	if s.HA == nil {
		comp := components.ControllerManager(f.controllerManagerConfig(s, 0, s.ControllerManagerHealth, ""))
		return []process{{
			Name:    components.ControllerManagerName,
			Binary:  bin,
			Args:    append(comp.Args, f.opts.ControllerManagerArgs...),
			Env:     localEnv(comp),
			PIDFile: filepath.Join(dir, "controller-manager.pid"),
			LogFile: filepath.Join(dir, "controller-manager.log"),
		}}
	}
	procs := make([]process, 0, len(s.HA.ControllerManagerHealth))
	for i, port := range s.HA.ControllerManagerHealth {
		name := controllerManagerName(i)
		comp := components.ControllerManager(f.controllerManagerConfig(s, i, port, name))
		procs = append(procs, process{
			Name:    name,
			Binary:  bin,
			Args:    append(comp.Args, f.opts.ControllerManagerArgs...),
			Env:     localEnv(comp),
			PIDFile: filepath.Join(dir, name+".pid"),
			LogFile: filepath.Join(dir, name+".log"),
			Match:   "--leader-elect-identity=" + name,
		})
	}
	return procs
}

// controllerManagerHealthPorts pairs with controllerManagerProcesses.
func controllerManagerHealthPorts(s *State) []int {
	if s.HA == nil {
		return []int{s.ControllerManagerHealth}
	}
	return s.HA.ControllerManagerHealth
}

// balancerProcess fronts an HA control plane's replicas on the control
// plane's recorded API port.
func (f *Fleet) balancerProcess(s *State, bin string) process {
	cp := s.Clusters[0]
	backends := make([]string, 0, len(s.HA.ControlPlanes))
	for _, c := range s.HA.ControlPlanes {
		backends = append(backends, "127.0.0.1:"+strconv.Itoa(c.APIServerPort))
	}
	dir := f.layout.clusterDir(cp.Name)
	return process{
		Name:    cp.Name,
		Binary:  bin,
		Args:    []string{"local", "balance", "--listen=127.0.0.1:" + strconv.Itoa(cp.APIServerPort), "--backends=" + strings.Join(backends, ",")},
		PIDFile: filepath.Join(dir, "balancer.pid"),
		LogFile: filepath.Join(dir, "balancer.log"),
	}
}

// controlPlaneProcesses are the processes serving the control plane: one
// cluster process, or the balancer and the replicas of an HA fleet.
func (f *Fleet) controlPlaneProcesses(s *State, clusterBin, kuratorBin string) []process {
	if s.HA == nil {
		return []process{f.clusterProcess(s.Clusters[0], clusterBin)}
	}
	procs := []process{f.balancerProcess(s, kuratorBin)}
	for _, c := range s.HA.ControlPlanes {
		procs = append(procs, f.clusterProcess(c, clusterBin))
	}
	return procs
}

// processes lists every component process of the fleet, controller-managers
// first, resolving binaries only by name (enough to find and stop running
// processes).
func (f *Fleet) processes(s *State) []process {
	procs := f.controllerManagerProcesses(s, ControllerManagerBinary)
	procs = append(procs, f.controlPlaneProcesses(s, ClusterBinary, KuratorBinary)...)
	for _, c := range s.Clusters[1:] {
		procs = append(procs, f.clusterProcess(c, ClusterBinary))
	}
	if s.Prometheus != nil {
		procs = append(procs, f.prometheusProcess(s, PrometheusBinary))
	}
	return append(procs, f.agentProcesses(s, AgentBinary)...)
}
