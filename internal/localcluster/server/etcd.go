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
package server

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"time"

	"kurator.dev/kurator/internal/localcluster"

	"go.etcd.io/etcd/client/pkg/v3/transport"
	"go.etcd.io/etcd/server/v3/embed"

	"kurator.dev/kurator/internal/pki"
)

// startEtcd runs this cluster's etcd: a single member on loopback, or one
// member of a control plane's etcd cluster (c.Etcd). Clients (the API server
// beside it) always connect on loopback. Settings favour a small footprint:
// frequent snapshots keep the in-memory raft log short, and revision
// compaction keeps the backend small.
func startEtcd(ctx context.Context, c localcluster.Config) (*embed.Etcd, error) {
	cfg := embed.NewConfig()
	cfg.Name = c.Name
	cfg.Dir = filepath.Join(c.DataDir, "etcd")
	client := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(c.EtcdClientPort)}
	scheme := "http"
	if c.Etcd.PeerTLS {
		scheme = "https"
		b := pki.Bundle{Dir: c.PKIDir}
		cfg.PeerTLSInfo = transport.TLSInfo{
			CertFile: b.Path(pki.EtcdPeerCert), KeyFile: b.Path(pki.EtcdPeerKey),
			TrustedCAFile: b.Path(pki.CACert), ClientCertAuth: true,
		}
	}
	listenPeer := url.URL{Scheme: scheme, Host: net.JoinHostPort(c.Bind(), strconv.Itoa(c.EtcdPeerPort))}
	advertisePeer := url.URL{Scheme: scheme, Host: net.JoinHostPort(c.Advertise(), strconv.Itoa(c.EtcdPeerPort))}
	if c.Etcd.AdvertisePeerURL != "" {
		u, err := url.Parse(c.Etcd.AdvertisePeerURL)
		if err != nil {
			return nil, fmt.Errorf("etcd advertise peer URL: %w", err)
		}
		advertisePeer = *u
	}
	cfg.ListenClientUrls = []url.URL{client}
	cfg.AdvertiseClientUrls = []url.URL{client}
	cfg.ListenPeerUrls = []url.URL{listenPeer}
	cfg.AdvertisePeerUrls = []url.URL{advertisePeer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	if c.Etcd.InitialCluster != "" {
		cfg.InitialCluster = c.Etcd.InitialCluster
		// A replica's peers may resolve only once their pods exist.
		cfg.StrictReconfigCheck = false
	}
	cfg.SnapshotCount = 5000
	cfg.AutoCompactionMode = embed.CompactorModePeriodic
	cfg.AutoCompactionRetention = "5m"
	cfg.QuotaBackendBytes = 2 << 30
	cfg.LogLevel = "error"
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("start etcd: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("etcd: %w", err)
	case <-time.After(readyTimeout(c)):
		e.Close()
		return nil, fmt.Errorf("etcd did not become ready within %s (a member of several needs a quorum of its peers up)", readyTimeout(c))
	case <-ctx.Done():
		e.Close()
		return nil, ctx.Err()
	}
}

// readyTimeout bounds the wait for etcd: a member of a cluster waits for a
// quorum, and its peers may start minutes later (pods scheduled elsewhere).
func readyTimeout(c localcluster.Config) time.Duration {
	if c.HighlyAvailable() {
		return 5 * time.Minute
	}
	return 60 * time.Second
}

func etcdURL(c localcluster.Config) string {
	return "http://127.0.0.1:" + strconv.Itoa(c.EtcdClientPort)
}
