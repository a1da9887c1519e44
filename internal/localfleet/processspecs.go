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

	"kurator.dev/kurator/internal/localcluster"
)

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
	if s.Prometheus != nil {
		args = append(args, "--prometheus-url="+s.Prometheus.URL())
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
	if s.Prometheus != nil {
		procs = append(procs, f.prometheusProcess(s, PrometheusBinary))
	}
	return procs
}
