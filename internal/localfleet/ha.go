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
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"kurator.dev/kurator/internal/localcluster"
	"kurator.dev/kurator/internal/pki"
)

// Sizes of a highly available local fleet ('kurator up --ha').
const (
	haControlPlaneReplicas      = 3
	haControllerManagerReplicas = 2
	// portsPerReplica are a control-plane replica's API server, etcd client
	// and etcd peer ports.
	portsPerReplica = 3
)

// HAState is what a fleet started with --ha adds: the control plane runs as
// several replicas forming one etcd cluster, behind a loopback balancer that
// takes the control plane's recorded API port, and several
// controller-managers elect a leader.
type HAState struct {
	ControlPlanes           []localcluster.Config `json:"controlPlanes"`
	ControllerManagerHealth []int                 `json:"controllerManagerHealthPorts"`
}

// haPorts is how many ports prepare reserves for --ha.
func haPorts() int {
	return haControlPlaneReplicas*portsPerReplica + haControllerManagerReplicas
}

// newHAState lays out the replicas of the control plane cp on ports.
func (f *Fleet) newHAState(cp localcluster.Config, ports []int) *HAState {
	ha := &HAState{}
	var peers []string
	for i := range haControlPlaneReplicas {
		p := ports[portsPerReplica*i:]
		name := replicaName(i)
		c := localcluster.Config{
			Name:           name,
			Role:           localcluster.RoleControlPlane,
			DataDir:        filepath.Join(f.layout.clusterDir(name), "data"),
			PKIDir:         cp.PKIDir, // one CA, one serving certificate and one service-account key for all
			KubeconfigPath: f.layout.ClusterKubeconfig(name),
			APIServerPort:  p[0], EtcdClientPort: p[1], EtcdPeerPort: p[2],
		}
		// Peers speak TLS with the etcd peer certificate, as an installed
		// control plane's do, so the local tests exercise that path.
		c.Etcd.PeerTLS = true
		peers = append(peers, name+"=https://127.0.0.1:"+strconv.Itoa(c.EtcdPeerPort))
		ha.ControlPlanes = append(ha.ControlPlanes, c)
	}
	for i := range ha.ControlPlanes {
		ha.ControlPlanes[i].Etcd.InitialCluster = strings.Join(peers, ",")
	}
	ha.ControllerManagerHealth = ports[haControlPlaneReplicas*portsPerReplica:][:haControllerManagerReplicas]
	return ha
}

// replicaName names control-plane replicas as a StatefulSet names its pods.
func replicaName(i int) string { return ControlPlaneName + "-" + strconv.Itoa(i) }

// controllerManagerName names the i-th controller-manager of an HA fleet.
func controllerManagerName(i int) string {
	return ControllerManagerBinary + "-" + strconv.Itoa(i)
}

// Replica returns a control-plane replica of an HA fleet by name.
func (s *State) Replica(name string) (localcluster.Config, bool) {
	if s.HA == nil {
		return localcluster.Config{}, false
	}
	for _, c := range s.HA.ControlPlanes {
		if c.Name == name {
			return c, true
		}
	}
	return localcluster.Config{}, false
}

// balanced says c is an HA fleet's control plane, whose address is the
// balancer's and whose processes are the replicas.
func (s *State) balanced(c localcluster.Config) bool {
	return s.HA != nil && c.Role == localcluster.RoleControlPlane && c.Name == ControlPlaneName
}

// checkHA refuses to change a fleet's shape: its etcd data is either one
// member's or a cluster's.
func (f *Fleet) checkHA(s *State) error {
	if f.opts.HA && s.HA == nil {
		return fmt.Errorf("the fleet in %s was created without --ha; its control plane is a single etcd member. Remove it ('kurator down --purge') to create a highly available one", f.layout.Dir)
	}
	return nil
}

// reservedNames cannot name a member: the local fleet's own components use them.
func reservedNames() []string {
	names := []string{ControlPlaneName, "prometheus", ControllerManagerBinary, "controller-manager"}
	for i := range haControlPlaneReplicas {
		names = append(names, replicaName(i))
	}
	for i := range haControllerManagerReplicas {
		names = append(names, controllerManagerName(i))
	}
	return names
}

// ensurePeerCertificate adds the etcd peer certificate to the shared PKI
// of an HA fleet's replicas, once.
func ensurePeerCertificate(s *State) error {
	if s.HA == nil {
		return nil
	}
	b := pki.Bundle{Dir: s.Clusters[0].PKIDir}
	if _, err := os.Stat(b.Path(pki.EtcdPeerCert)); err == nil {
		return nil
	}
	_, err := pki.EnsureHost(b.Dir, ControlPlaneName, pki.HostOptions{})
	return err
}
