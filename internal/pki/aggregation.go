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
	"crypto/ecdsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"net"
	"time"
)

// Files of API aggregation: kube-apiserver proves itself to aggregated API
// servers with the front-proxy client certificate, and the cluster's
// metrics.k8s.io server serves with the metrics API certificate.
const (
	FrontProxyCACert     = "front-proxy-ca.crt"
	FrontProxyCAKey      = "front-proxy-ca.key"
	FrontProxyClientCert = "front-proxy-client.crt"
	FrontProxyClientKey  = "front-proxy-client.key"
	MetricsAPICert       = "metrics-api.crt"
	MetricsAPIKey        = "metrics-api.key"
)

// FrontProxyClientName is the common name of the front-proxy client
// certificate, the only name aggregated API servers accept.
const FrontProxyClientName = "front-proxy-client"

// The Service the metrics.k8s.io APIService points at. The aggregator checks
// the serving certificate against "<name>.<namespace>.svc", so the metrics API
// certificate carries that name.
const (
	MetricsAPIServiceNamespace = "kube-system"
	MetricsAPIServiceName      = "metrics-server"
)

// MetricsAPIServerName is the TLS server name the aggregator expects.
func MetricsAPIServerName() string {
	return MetricsAPIServiceName + "." + MetricsAPIServiceNamespace + ".svc"
}

var aggregationFiles = []string{FrontProxyCACert, FrontProxyCAKey, FrontProxyClientCert, FrontProxyClientKey, MetricsAPICert, MetricsAPIKey}

// writeAggregation generates a front-proxy CA of its own (a certificate the
// cluster CA signed must not pass as the proxy) with its client certificate,
// and a metrics API serving certificate signed by the cluster CA, so the
// APIService's caBundle is the cluster CA.
func (b Bundle) writeAggregation(commonName string) error {
	proxyCA, proxyKey, proxyDER, err := newCA(commonName + "-front-proxy-ca")
	if err != nil {
		return err
	}
	proxyKeyDER, err := x509.MarshalECPrivateKey(proxyKey)
	if err != nil {
		return err
	}
	clusterCA, clusterKey, err := b.loadCA()
	if err != nil {
		return err
	}
	now := time.Now()
	client := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: FrontProxyClientName},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(validity),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	serving := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: MetricsAPIServerName()},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(validity),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{MetricsAPIServerName(), "localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	files := map[string][]byte{
		FrontProxyCACert: pemEncode("CERTIFICATE", proxyDER),
		FrontProxyCAKey:  pemEncode("EC PRIVATE KEY", proxyKeyDER),
	}
	if files[FrontProxyClientCert], files[FrontProxyClientKey], err = issue(client, proxyCA, proxyKey); err != nil {
		return err
	}
	if files[MetricsAPICert], files[MetricsAPIKey], err = issue(serving, clusterCA, clusterKey); err != nil {
		return err
	}
	return b.write(files)
}

// loadCA reads the cluster CA and its key.
func (b Bundle) loadCA() (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certBlock, err := b.pemBlock(CACert)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(certBlock.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", b.Path(CACert), err)
	}
	keyBlock, err := b.pemBlock(CAKey)
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.ParseECPrivateKey(keyBlock.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", b.Path(CAKey), err)
	}
	return cert, key, nil
}

func (b Bundle) pemBlock(name string) (*pem.Block, error) {
	data, err := b.Read(name)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%s is not PEM", b.Path(name))
	}
	return block, nil
}
