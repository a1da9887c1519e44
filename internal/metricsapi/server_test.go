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

package metricsapi

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/clock"

	corelisters "k8s.io/client-go/listers/core/v1"

	"kurator.dev/kurator/internal/pki"
)

// fakeSource reports fixed usage.
type fakeSource struct {
	pods  []PodUsage
	nodes []NodeUsage
}

func (f fakeSource) Pods() []PodUsage   { return f.pods }
func (f fakeSource) Nodes() []NodeUsage { return f.nodes }

// testServer is a Server on a real TLS listener with the credentials of a
// generated cluster PKI bundle.
type testServer struct {
	url    string
	bundle pki.Bundle
	pods   cache.Indexer
	nodes  cache.Indexer
}

func startServer(t *testing.T, src Source, clk clock.PassiveClock) *testServer {
	t.Helper()
	b, err := pki.Ensure(filepath.Join(t.TempDir(), "pki"), "test")
	if err != nil {
		t.Fatal(err)
	}
	proxyCA, err := b.Read(pki.FrontProxyCACert)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(proxyCA)
	serving, err := tls.LoadX509KeyPair(b.Path(pki.MetricsAPICert), b.Path(pki.MetricsAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{
		bundle: b,
		pods:   cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}),
		nodes:  cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{}),
	}
	s := NewServer(Options{
		Source: src, Pods: corelisters.NewPodLister(ts.pods), Nodes: corelisters.NewNodeLister(ts.nodes),
		ClientCAs: pool, AllowedNames: []string{pki.FrontProxyClientName}, Clock: clk,
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.url = "https://" + l.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l, serving) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ts
}

// tlsConfig trusts the cluster CA under the name the aggregator uses, and
// presents the given client certificate (none when certPEM is nil).
func (ts *testServer) tlsConfig(t *testing.T, certPEM, keyPEM []byte) *tls.Config {
	t.Helper()
	ca, err := ts.bundle.Read(pki.CACert)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca)
	cfg := &tls.Config{RootCAs: roots, ServerName: pki.MetricsAPIServerName(), MinVersion: tls.VersionTLS12}
	if certPEM != nil {
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg
}

func (ts *testServer) read(t *testing.T, name string) []byte {
	t.Helper()
	data, err := ts.bundle.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// proxyClient is kube-apiserver's front proxy.
func (ts *testServer) proxyClient(t *testing.T) *http.Client {
	cfg := ts.tlsConfig(t, ts.read(t, pki.FrontProxyClientCert), ts.read(t, pki.FrontProxyClientKey))
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 10 * time.Second}
}

// get returns the status code and body of a GET by the front proxy.
func (ts *testServer) get(t *testing.T, path string) (int, []byte) {
	t.Helper()
	return do(t, ts.proxyClient(t), ts.url+path)
}

func do(t *testing.T, c *http.Client, url string) (int, []byte) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// status decodes a Kubernetes Status answer.
func status(t *testing.T, body []byte) metav1.Status {
	t.Helper()
	var s metav1.Status
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatalf("not a Status: %s", body)
	}
	return s
}

// issueProxyCert signs a client certificate with the front-proxy CA.
func issueProxyCert(t *testing.T, b pki.Bundle, commonName string) (certPEM, keyPEM []byte) {
	t.Helper()
	caBlock, _ := pem.Decode(must(b.Read(pki.FrontProxyCACert)))
	ca, err := x509.ParseCertificate(caBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	keyBlock, _ := pem.Decode(must(b.Read(pki.FrontProxyCAKey)))
	caKey, err := x509.ParseECPrivateKey(keyBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: commonName},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

func must(data []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return data
}

func TestOnlyTheFrontProxyIsAnswered(t *testing.T) {
	g := NewWithT(t)
	ts := startServer(t, fakeSource{}, nil)
	client := func(certPEM, keyPEM []byte) *http.Client {
		return &http.Client{Transport: &http.Transport{TLSClientConfig: ts.tlsConfig(t, certPEM, keyPEM)}, Timeout: 10 * time.Second}
	}

	code, body := do(t, client(nil, nil), ts.url+"/apis/metrics.k8s.io/v1beta1/pods")
	g.Expect(code).To(Equal(http.StatusUnauthorized))
	g.Expect(status(t, body).Reason).To(Equal(metav1.StatusReasonUnauthorized))

	otherCert, otherKey := issueProxyCert(t, ts.bundle, "someone-else")
	code, body = do(t, client(otherCert, otherKey), ts.url+"/apis/metrics.k8s.io/v1beta1/pods")
	g.Expect(code).To(Equal(http.StatusForbidden))
	g.Expect(status(t, body).Message).To(ContainSubstring("someone-else is not allowed"))

	// The cluster admin's certificate is not the front proxy's. (The client
	// does not even send it: the server names the CAs it accepts.)
	code, _ = do(t, client(ts.read(t, pki.AdminCert), ts.read(t, pki.AdminKey)), ts.url+"/apis")
	g.Expect(code).To(Equal(http.StatusUnauthorized))
	// Sent anyway, it fails the handshake.
	forced := ts.tlsConfig(t, nil, nil)
	admin, err := tls.X509KeyPair(ts.read(t, pki.AdminCert), ts.read(t, pki.AdminKey))
	g.Expect(err).NotTo(HaveOccurred())
	forced.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &admin, nil }
	_, err = (&http.Client{Transport: &http.Transport{TLSClientConfig: forced}, Timeout: 10 * time.Second}).Get(ts.url + "/apis")
	g.Expect(err).To(MatchError(ContainSubstring("certificate")))

	code, body = do(t, client(nil, nil), ts.url+"/healthz")
	g.Expect(code).To(Equal(http.StatusOK), "health needs no certificate")
	g.Expect(string(body)).To(Equal("ok"))

	code, _ = do(t, ts.proxyClient(t), ts.url+"/apis/metrics.k8s.io/v1beta1/pods")
	g.Expect(code).To(Equal(http.StatusOK))
}

// The typed metrics client (what the HPA controller and kubectl top use)
// reads the server, with the content type kube-controller-manager asks for.
func TestTypedMetricsClientReadsTheServer(t *testing.T) {
	g := NewWithT(t)
	src, _ := sampleUsage()
	ts := startServer(t, src, nil)
	addSampleObjects(t, ts)
	cfg := &rest.Config{
		Host: ts.url,
		TLSClientConfig: rest.TLSClientConfig{
			ServerName: pki.MetricsAPIServerName(), CAData: ts.read(t, pki.CACert),
			CertData: ts.read(t, pki.FrontProxyClientCert), KeyData: ts.read(t, pki.FrontProxyClientKey),
		},
		ContentConfig: rest.ContentConfig{ContentType: "application/vnd.kubernetes.protobuf"},
	}
	c := metricsClient(t, cfg)
	pods, err := c.PodMetricses("shop").List(t.Context(), metav1.ListOptions{LabelSelector: "app=web"})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(pods.Items).To(HaveLen(2))
	g.Expect(pods.Items[0].Containers[0].Usage.Cpu().MilliValue()).To(Equal(int64(250)))
	node, err := c.NodeMetricses().Get(t.Context(), "node-a", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(node.Usage.Memory().Value()).To(Equal(int64(3 << 30)))
	_, err = c.PodMetricses("shop").Get(t.Context(), "gone", metav1.GetOptions{})
	g.Expect(err).To(MatchError(ContainSubstring(`pods.metrics.k8s.io "gone" not found`)))
}

func podObject(namespace, name string, lbls map[string]string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: lbls}}
}

func nodeObject(name string, lbls map[string]string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: lbls}}
}
