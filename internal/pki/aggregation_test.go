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
	"crypto/tls"
	"crypto/x509"
	"os"
	"testing"

	. "github.com/onsi/gomega"
)

func TestAggregationCertificates(t *testing.T) {
	g := NewWithT(t)
	b := ensure(t)
	clusterRoots := x509.NewCertPool()
	clusterRoots.AddCert(cert(t, b, CACert))
	proxyCA := cert(t, b, FrontProxyCACert)
	g.Expect(proxyCA.IsCA).To(BeTrue())
	g.Expect(proxyCA.Subject.CommonName).To(Equal("c1-front-proxy-ca"))
	proxyRoots := x509.NewCertPool()
	proxyRoots.AddCert(proxyCA)

	client := cert(t, b, FrontProxyClientCert)
	g.Expect(client.Subject.CommonName).To(Equal(FrontProxyClientName))
	_, err := client.Verify(x509.VerifyOptions{Roots: proxyRoots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = client.Verify(x509.VerifyOptions{Roots: clusterRoots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	g.Expect(err).To(HaveOccurred(), "the front-proxy CA is not the cluster CA")
	admin := cert(t, b, AdminCert)
	_, err = admin.Verify(x509.VerifyOptions{Roots: proxyRoots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	g.Expect(err).To(HaveOccurred(), "the admin certificate cannot pass as the front proxy")
	_, err = tls.LoadX509KeyPair(b.Path(FrontProxyClientCert), b.Path(FrontProxyClientKey))
	g.Expect(err).NotTo(HaveOccurred())

	serving := cert(t, b, MetricsAPICert)
	for _, host := range []string{"metrics-server.kube-system.svc", "127.0.0.1", "localhost"} {
		_, err := serving.Verify(x509.VerifyOptions{DNSName: host, Roots: clusterRoots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		g.Expect(err).NotTo(HaveOccurred(), "metrics API certificate for %s", host)
	}
	_, err = tls.LoadX509KeyPair(b.Path(MetricsAPICert), b.Path(MetricsAPIKey))
	g.Expect(err).NotTo(HaveOccurred())
}

// A state directory from before aggregation keeps its CA and client
// credentials; only the aggregation files are added.
func TestEnsureAddsAggregationToAnOlderBundle(t *testing.T) {
	g := NewWithT(t)
	b := ensure(t)
	for _, f := range aggregationFiles {
		g.Expect(os.Remove(b.Path(f))).To(Succeed())
	}
	g.Expect(b.Complete()).To(BeFalse())
	g.Expect(b.Check()).To(Succeed(), "an older bundle is not corrupt")
	core := map[string][]byte{}
	for _, f := range coreFiles {
		data, err := b.Read(f)
		g.Expect(err).NotTo(HaveOccurred())
		core[f] = data
	}
	_, err := Ensure(b.Dir, "c1")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(b.Complete()).To(BeTrue())
	for _, f := range coreFiles {
		g.Expect(b.Read(f)).To(Equal(core[f]), "%s is kept", f)
	}
	g.Expect(cert(t, b, MetricsAPICert).CheckSignatureFrom(cert(t, b, CACert))).To(Succeed())
}

func TestEnsureResignsTheMetricsAPICertificateWithANewCA(t *testing.T) {
	g := NewWithT(t)
	b := ensure(t)
	g.Expect(os.Remove(b.Path(CAKey))).To(Succeed())
	_, err := Ensure(b.Dir, "c1")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cert(t, b, MetricsAPICert).CheckSignatureFrom(cert(t, b, CACert))).To(Succeed())
	g.Expect(cert(t, b, FrontProxyClientCert).CheckSignatureFrom(cert(t, b, FrontProxyCACert))).To(Succeed())
}
