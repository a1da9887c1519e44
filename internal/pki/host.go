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

package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"os"
	"slices"
	"time"
)

// Files of a control plane run as several replicas in a host cluster.
const (
	// EtcdPeerCert and EtcdPeerKey secure etcd's peer traffic (server and
	// client authentication), for every replica's DNS name.
	EtcdPeerCert = "etcd-peer.crt"
	EtcdPeerKey  = "etcd-peer.key"
)

// HostOptions are the names a control plane in a host cluster is reached by.
type HostOptions struct {
	// ServingDNSNames and ServingIPs are added to the API server's serving
	// certificate (its Service's names, a load balancer's address).
	ServingDNSNames []string
	ServingIPs      []net.IP
	// EtcdPeerDNSNames are the replicas' peer names; a wildcard
	// (*.kurator-peers.ns.svc) covers a StatefulSet.
	EtcdPeerDNSNames []string
}

// EnsureHost is Ensure for a control plane in a host cluster: the bundle
// also serves the given names, and carries an etcd peer certificate. An
// existing bundle keeps its CA, and so its clients, while the serving and
// peer certificates are reissued for the names asked.
func EnsureHost(dir, commonName string, o HostOptions) (Bundle, error) {
	b, err := Ensure(dir, commonName)
	if err != nil {
		return b, err
	}
	caCert, caKey, err := b.loadCA()
	if err != nil {
		return b, err
	}
	now := time.Now()
	serving := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(validity),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: append([]string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
			"kubernetes.default.svc.cluster.local"}, o.ServingDNSNames...),
		IPAddresses: append([]net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1"), net.IPv6loopback}, o.ServingIPs...),
	}
	peer := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "kurator-etcd-peer"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(validity),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		DNSNames:     append([]string{"localhost"}, o.EtcdPeerDNSNames...),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	files := map[string][]byte{}
	for _, leaf := range []struct {
		tmpl          *x509.Certificate
		cert, keyFile string
	}{{serving, ServingCert, ServingKey}, {peer, EtcdPeerCert, EtcdPeerKey}} {
		certPEM, keyPEM, err := issue(leaf.tmpl, caCert, caKey)
		if err != nil {
			return b, err
		}
		files[leaf.cert], files[leaf.keyFile] = certPEM, keyPEM
	}
	return b, b.write(files)
}

// Files returns every file of the bundle by name, to be stored elsewhere
// (a Secret).
func (b Bundle) Files() (map[string][]byte, error) {
	entries, err := os.ReadDir(b.Dir)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(entries))
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := b.Read(e.Name())
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", e.Name(), err)
		}
		out[e.Name()] = data
	}
	return out, nil
}

// WriteFiles stores files (as Files returned them) into the bundle's
// directory, so an existing bundle can be restored from where it was kept.
func (b Bundle) WriteFiles(files map[string][]byte) error {
	if err := os.MkdirAll(b.Dir, 0o700); err != nil {
		return err
	}
	return b.write(files)
}

// ServingCertCovers reports whether the bundle's serving certificate is
// valid for every name and address of o, so that an existing bundle is
// reissued only when a new name (an endpoint, a load balancer) appears.
func (b Bundle) ServingCertCovers(o HostOptions) (bool, error) {
	block, err := b.pemBlock(ServingCert)
	if err != nil {
		return false, err
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return false, fmt.Errorf("%s: %w", ServingCert, err)
	}
	names := slices.Clone(o.ServingDNSNames)
	for _, ip := range o.ServingIPs {
		names = append(names, ip.String())
	}
	for _, n := range names {
		if cert.VerifyHostname(n) != nil {
			return false, nil
		}
	}
	return true, nil
}
