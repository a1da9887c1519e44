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
	"os"
	"path/filepath"

	"kurator.dev/kurator/internal/kubeconfig"
	"kurator.dev/kurator/internal/localcluster"
	"kurator.dev/kurator/internal/pki"
)

// prepare loads the state, or creates it (ports, credentials, configs) for a
// new fleet.
func (f *Fleet) prepare() (*State, error) {
	if f.layout.exists() {
		s, err := f.layout.load()
		if err != nil {
			return nil, err
		}
		if err := f.checkHA(s); err != nil {
			return nil, err
		}
		if err := f.checkPull(s); err != nil {
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
	const perCluster = 5 // API server, etcd client and peer, metrics, metrics API
	n := perCluster*(len(spec.Members)+1) + 1
	if f.opts.HA {
		n += haPorts()
	}
	ports, err := freePorts(n)
	if err != nil {
		return nil, err
	}
	s := &State{Version: stateVersion, FleetName: spec.Fleet.Name, FleetNamespace: spec.Fleet.Namespace, ControllerManagerHealth: ports[perCluster*(len(spec.Members)+1)]}
	members := make([]string, 0, len(spec.Members))
	for _, m := range spec.Members {
		members = append(members, m.Name)
	}
	if s.Pull, err = pullMembers(f.opts.Pull, spec.Fleet.Annotations[PullClustersAnnotation], members); err != nil {
		return nil, err
	}
	clusters := append([]localcluster.Config{{Name: ControlPlaneName, Role: localcluster.RoleControlPlane}}, spec.Members...)
	for i, c := range clusters {
		dir := f.layout.clusterDir(c.Name)
		c.DataDir = filepath.Join(dir, "data")
		c.PKIDir = f.layout.pki(c.Name).Dir
		c.KubeconfigPath = f.layout.ClusterKubeconfig(c.Name)
		p := ports[perCluster*i:]
		c.APIServerPort, c.EtcdClientPort, c.EtcdPeerPort = p[0], p[1], p[2]
		if c.Role == localcluster.RoleMember {
			c.MetricsPort, c.MetricsAPIPort = p[3], p[4]
		}
		s.Clusters = append(s.Clusters, c)
	}
	if f.opts.HA {
		s.HA = f.newHAState(s.Clusters[0], ports[perCluster*len(clusters)+1:])
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
	for _, c := range s.allClusters() {
		bundle := pki.Bundle{Dir: c.PKIDir}
		if _, replica := s.Replica(c.Name); !replica {
			var err error
			if bundle, err = ensurePKI(f.layout, c.Name); err != nil {
				return err
			}
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
		if _, replica := s.Replica(c.Name); !replica {
			entries = append(entries, entry)
		}
	}
	if err := ensurePeerCertificate(s); err != nil {
		return err
	}
	all, err := kubeconfig.Build(entries...)
	if err != nil {
		return err
	}
	return kubeconfig.Write(f.layout.Kubeconfig(), all)
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
