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
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"kurator.dev/kurator/internal/localcluster"
	"kurator.dev/kurator/internal/pki"
)

// ControlPlaneName is the context and directory name of the control plane.
const ControlPlaneName = "kurator"

// stateVersion is bumped when the layout of the state directory changes.
const stateVersion = 2

// State is what a local fleet remembers between runs: its clusters with their
// ports, so that kubeconfigs stay valid across down/up.
type State struct {
	Version                 int                   `json:"version"`
	FleetName               string                `json:"fleetName"`
	FleetNamespace          string                `json:"fleetNamespace"`
	Clusters                []localcluster.Config `json:"clusters"`
	ControllerManagerHealth int                   `json:"controllerManagerHealthPort"`
	// Prometheus is set once the fleet was started with --prometheus.
	Prometheus *PrometheusState `json:"prometheus,omitempty"`
	// HA is set for a fleet created with --ha.
	HA *HAState `json:"ha,omitempty"`
	// Pull names the members that run in pull mode, each with its agent.
	Pull []string `json:"pull,omitempty"`
}

// Layout names the files of a state directory.
type Layout struct{ Dir string }

func (l Layout) stateFile() string             { return filepath.Join(l.Dir, "state.json") }
func (l Layout) FleetFile() string             { return filepath.Join(l.Dir, "fleet.yaml") }
func (l Layout) Kubeconfig() string            { return filepath.Join(l.Dir, "kubeconfig") }
func (l Layout) lockFile() string              { return filepath.Join(l.Dir, "lock") }
func (l Layout) binDir() string                { return filepath.Join(l.Dir, "bin") }
func (l Layout) clusterDir(name string) string { return filepath.Join(l.Dir, "clusters", name) }
func (l Layout) controllerManagerDir() string  { return filepath.Join(l.Dir, "controller-manager") }

// ClusterKubeconfig is the admin kubeconfig of one cluster.
func (l Layout) ClusterKubeconfig(name string) string {
	return filepath.Join(l.clusterDir(name), "kubeconfig")
}

func (l Layout) pki(name string) pki.Bundle {
	return pki.Bundle{Dir: filepath.Join(l.clusterDir(name), "pki")}
}

func (l Layout) exists() bool {
	_, err := os.Stat(l.stateFile())
	return err == nil
}

func (l Layout) load() (*State, error) {
	data, err := os.ReadFile(l.stateFile())
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("state directory %s is corrupt (%s: %w); remove it with 'kurator down --purge' or delete the directory", l.Dir, l.stateFile(), err)
	}
	if s.Version != stateVersion {
		return nil, fmt.Errorf("state directory %s has layout version %d, this kurator understands %d; remove the directory to start afresh", l.Dir, s.Version, stateVersion)
	}
	if len(s.Clusters) == 0 || s.Clusters[0].Role != localcluster.RoleControlPlane {
		return nil, fmt.Errorf("state directory %s is corrupt: no control plane recorded in %s", l.Dir, l.stateFile())
	}
	for _, c := range s.allClusters() {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("state directory %s is corrupt: %w", l.Dir, err)
		}
		bundle := l.pki(c.Name)
		if c.PKIDir != "" {
			bundle = pki.Bundle{Dir: c.PKIDir} // an HA replica shares the control plane's
		}
		if err := bundle.Check(); err != nil {
			return nil, fmt.Errorf("state directory %s is corrupt: %w", l.Dir, err)
		}
	}
	return &s, nil
}

func (l Layout) save(s *State) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := l.stateFile() + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, l.stateFile())
}

// allClusters lists every cluster configuration: the control plane (in an HA
// fleet, its balancer's address), its replicas, and the members.
func (s *State) allClusters() []localcluster.Config {
	out := slices.Clone(s.Clusters)
	if s.HA != nil {
		out = append(out, s.HA.ControlPlanes...)
	}
	return out
}

// Member returns the recorded configuration of a member cluster.
func (s *State) Member(name string) (localcluster.Config, error) {
	for _, c := range s.Clusters {
		if c.Name == name && c.Role == localcluster.RoleMember {
			return c, nil
		}
	}
	names := make([]string, 0, len(s.Clusters))
	for _, c := range s.Clusters[1:] {
		names = append(names, c.Name)
	}
	return localcluster.Config{}, fmt.Errorf("no member cluster %q in this fleet (members: %v)", name, names)
}

// freePorts asks the kernel for n distinct free loopback ports.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// checkPortFree fails with a clear message when something else listens on port.
// A port is retried for a while: right after its process died, an outgoing
// connection to it (a peer or a balancer retrying) may briefly hold it as
// its own ephemeral port, since the fleet's ports come from that range.
func checkPortFree(port int, what string) error {
	deadline := time.Now().Add(portFreeWait)
	for {
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			return l.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("port %d (%s) is in use by another process; stop that process, or remove the state directory to get new ports", port, what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// portFreeWait bounds checkPortFree's retries.
const portFreeWait = 15 * time.Second

var errNoState = errors.New("no local fleet in this state directory")
