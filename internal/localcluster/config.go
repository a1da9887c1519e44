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

// Package localcluster describes one complete local Kubernetes cluster run inside a
// single process: embedded etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and a kubelet stand-in that simulates nodes. The local fleet
// starts one such process per cluster.
package localcluster

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// Role selects which components a cluster process runs.
type Role string

const (
	// RoleControlPlane is the fleet's template store: no scheduler, no nodes,
	// and only the controllers a template store needs, so templates never
	// create pods.
	RoleControlPlane Role = "control-plane"
	// RoleMember is a full member cluster with workload controllers,
	// kube-scheduler and simulated nodes.
	RoleMember Role = "member"
)

// Config describes one local cluster. The launcher writes it as JSON and the
// cluster process reads it.
type Config struct {
	Name           string `json:"name"`
	Role           Role   `json:"role"`
	DataDir        string `json:"dataDir"`
	PKIDir         string `json:"pkiDir"`
	KubeconfigPath string `json:"kubeconfig"`
	APIServerPort  int    `json:"apiServerPort"`
	EtcdClientPort int    `json:"etcdClientPort"`
	EtcdPeerPort   int    `json:"etcdPeerPort"`
	// MetricsPort serves the member's simulated workload metrics in
	// Prometheus exposition format on 127.0.0.1 (members only).
	MetricsPort int `json:"metricsPort,omitempty"`
	// MetricsAPIPort serves the member's metrics.k8s.io API, which its
	// kube-apiserver aggregates (members only).
	MetricsAPIPort int               `json:"metricsAPIPort,omitempty"`
	Nodes          NodePool          `json:"nodes"`
	Load           LoadModel         `json:"load,omitempty"`
	Labels         map[string]string `json:"labels,omitempty"`

	// BindAddress is where the API server and etcd's peer port listen;
	// empty means 127.0.0.1. A control plane in a pod listens on 0.0.0.0.
	BindAddress string `json:"bindAddress,omitempty"`
	// AdvertiseAddress is the API server's address as other replicas and
	// clients see it; empty means 127.0.0.1.
	AdvertiseAddress string `json:"advertiseAddress,omitempty"`
	// Etcd joins this control plane to others in one etcd cluster (Raft).
	// Empty means a single-member etcd.
	Etcd EtcdCluster `json:"etcd,omitzero"`
}

// EtcdCluster is the etcd membership of a control plane run as several
// replicas: each replica's etcd is one member of the same cluster.
type EtcdCluster struct {
	// InitialCluster lists every member as name=peerURL, comma-separated,
	// as etcd's --initial-cluster does. A member with data ignores it.
	InitialCluster string `json:"initialCluster,omitempty"`
	// AdvertisePeerURL is this member's peer URL as the others reach it;
	// empty means http://<AdvertiseAddress>:<EtcdPeerPort>.
	AdvertisePeerURL string `json:"advertisePeerURL,omitempty"`
	// PeerTLS secures peer traffic with the certificates of the PKI
	// directory (pki.EtcdPeerCert), verified against its CA; needed as soon
	// as peers talk across a network.
	PeerTLS bool `json:"peerTLS,omitempty"`
}

// Members reports how many etcd members the control plane has.
func (e EtcdCluster) Members() int {
	if e.InitialCluster == "" {
		return 1
	}
	return len(strings.Split(e.InitialCluster, ","))
}

// HighlyAvailable reports whether this control plane is one of several
// replicas, whose in-process controllers must then elect a leader.
func (c Config) HighlyAvailable() bool { return c.Etcd.Members() > 1 }

// LoadModel is the simulated request traffic of a member's workloads. It stands
// in for real users: every figure derived from it is simulated.
type LoadModel struct {
	// DefaultRPS is the requests per second a Service receives fleet-wide when
	// it carries no sim.kurator.dev/rps annotation.
	DefaultRPS float64 `json:"defaultRPS,omitempty"`
}

// DefaultLoadModel is what a member gets unless its fleet file says otherwise.
func DefaultLoadModel() LoadModel {
	return LoadModel{DefaultRPS: 100}
}

// NodePool is the set of simulated nodes of a member cluster.
type NodePool struct {
	Count  int    `json:"count"`
	CPU    string `json:"cpu"`
	Memory string `json:"memory"`
	Pods   int    `json:"pods"`
}

// DefaultNodePool is what a member gets unless its fleet entry says otherwise.
func DefaultNodePool() NodePool {
	return NodePool{Count: 3, CPU: "4", Memory: "16Gi", Pods: 110}
}

// Validate checks the node pool before any process is started.
func (p NodePool) Validate() error {
	if p.Count < 0 || p.Count > 1000 {
		return fmt.Errorf("node count %d out of range 0..1000", p.Count)
	}
	if _, err := resource.ParseQuantity(p.CPU); err != nil {
		return fmt.Errorf("node cpu %q: %w", p.CPU, err)
	}
	if _, err := resource.ParseQuantity(p.Memory); err != nil {
		return fmt.Errorf("node memory %q: %w", p.Memory, err)
	}
	if p.Pods < 1 {
		return fmt.Errorf("node pods %d must be at least 1", p.Pods)
	}
	return nil
}

// Validate checks a whole cluster configuration.
func (c Config) Validate() error {
	if c.Name == "" {
		return fmt.Errorf("cluster name is empty")
	}
	if c.Role != RoleControlPlane && c.Role != RoleMember {
		return fmt.Errorf("cluster %s: unknown role %q", c.Name, c.Role)
	}
	for name, port := range map[string]int{"apiServerPort": c.APIServerPort, "etcdClientPort": c.EtcdClientPort, "etcdPeerPort": c.EtcdPeerPort} {
		if port <= 0 || port > 65535 {
			return fmt.Errorf("cluster %s: %s %d out of range", c.Name, name, port)
		}
	}
	if c.Role == RoleMember {
		for name, port := range map[string]int{"metricsPort": c.MetricsPort, "metricsAPIPort": c.MetricsAPIPort} {
			if port <= 0 || port > 65535 {
				return fmt.Errorf("cluster %s: %s %d out of range", c.Name, name, port)
			}
		}
		if c.Load.DefaultRPS < 0 {
			return fmt.Errorf("cluster %s: load.defaultRPS %v must not be negative", c.Name, c.Load.DefaultRPS)
		}
		return c.Nodes.Validate()
	}
	return nil
}

// APIServerURL is the address clients on this machine use.
func (c Config) APIServerURL() string {
	return "https://127.0.0.1:" + strconv.Itoa(c.APIServerPort)
}

// Bind is the listen address of the API server and etcd's peer port.
func (c Config) Bind() string { return orLoopback(c.BindAddress) }

// Advertise is the API server's address as other replicas see it.
func (c Config) Advertise() string { return orLoopback(c.AdvertiseAddress) }

func orLoopback(addr string) string {
	if addr == "" {
		return "127.0.0.1"
	}
	return addr
}

// LoadConfig reads a Config written by the launcher.
func LoadConfig(path string) (Config, error) {
	var c Config
	data, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	return c, c.Validate()
}

// WriteConfig stores a Config for the cluster process.
func WriteConfig(path string, c Config) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}
