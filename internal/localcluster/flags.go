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
package localcluster

import (
	"flag"
	"fmt"
)

// BindFlags registers the command-line form of a control plane's Config on fs.
// A member has more (nodes, load, labels) and is configured by a file; a
// control plane is configured by flags alone, so that one component
// description gives both a local process and a container (package components).
func BindFlags(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.Name, "name", c.Name, "name of the cluster, and of its etcd member")
	fs.Func("role", "control-plane or member", func(v string) error { c.Role = Role(v); return nil })
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory of etcd's data (and a generated kubeconfig when --kubeconfig is empty)")
	fs.StringVar(&c.PKIDir, "pki-dir", c.PKIDir, "directory of the cluster's certificates and keys (package pki's file names)")
	fs.StringVar(&c.KubeconfigPath, "kubeconfig", c.KubeconfigPath, "admin kubeconfig the in-process controllers use; empty: generated from --pki-dir")
	fs.IntVar(&c.APIServerPort, "apiserver-port", c.APIServerPort, "kube-apiserver's secure port")
	fs.IntVar(&c.EtcdClientPort, "etcd-client-port", c.EtcdClientPort, "etcd's client port (always on 127.0.0.1)")
	fs.IntVar(&c.EtcdPeerPort, "etcd-peer-port", c.EtcdPeerPort, "etcd's peer port")
	fs.StringVar(&c.BindAddress, "bind-address", c.BindAddress, "listen address of the API server and etcd's peer port (default 127.0.0.1)")
	fs.StringVar(&c.AdvertiseAddress, "advertise-address", c.AdvertiseAddress, "the API server's address as other replicas see it (default 127.0.0.1)")
	fs.StringVar(&c.Etcd.InitialCluster, "etcd-initial-cluster", c.Etcd.InitialCluster, "every etcd member as name=peerURL, comma-separated; empty: a single member")
	fs.StringVar(&c.Etcd.AdvertisePeerURL, "etcd-advertise-peer-url", c.Etcd.AdvertisePeerURL, "this member's peer URL as the others reach it")
	fs.BoolVar(&c.Etcd.PeerTLS, "etcd-peer-tls", c.Etcd.PeerTLS, "secure etcd peer traffic with the certificates in --pki-dir")
}

// Args is the command line that BindFlags parses back into c: only the
// fields that differ from their zero value.
func (c Config) Args() []string {
	fs := flag.NewFlagSet("kurator-cluster", flag.ContinueOnError)
	copied := c
	BindFlags(fs, &copied)
	var args []string
	fs.VisitAll(func(f *flag.Flag) {
		v := f.Value.String()
		if f.Name == "role" {
			v = string(c.Role)
		}
		if v == "" || v == "0" || v == "false" {
			return
		}
		args = append(args, "--"+f.Name+"="+v)
	})
	return args
}

// ParseArgs reads a Config from the command line Args writes.
func ParseArgs(args []string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("kurator-cluster", flag.ContinueOnError)
	BindFlags(fs, &c)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return c, c.Validate()
}
