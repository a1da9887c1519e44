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
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

var allFiles = append(append([]string{}, coreFiles...), aggregationFiles...)

func ensure(t *testing.T) Bundle {
	t.Helper()
	b, err := Ensure(filepath.Join(t.TempDir(), "pki"), "c1")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func cert(t *testing.T, b Bundle, name string) *x509.Certificate {
	t.Helper()
	data, err := b.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	block, rest := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" || len(rest) != 0 {
		t.Fatalf("%s is not a single PEM certificate", name)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func snapshot(t *testing.T, b Bundle) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, f := range allFiles {
		data, err := b.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = data
	}
	return out
}

func TestEnsureWritesPrivateFiles(t *testing.T) {
	g := NewWithT(t)
	b := ensure(t)
	g.Expect(b.Complete()).To(BeTrue())
	g.Expect(b.Check()).To(Succeed())
	entries, err := os.ReadDir(b.Dir)
	g.Expect(err).NotTo(HaveOccurred())
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		info, err := e.Info()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o600)), "mode of %s", e.Name())
	}
	g.Expect(names).To(ConsistOf(allFiles))
	dir, err := os.Stat(b.Dir)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(dir.Mode().Perm()).To(Equal(os.FileMode(0o700)))
}

func TestEnsureIsIdempotent(t *testing.T) {
	g := NewWithT(t)
	b := ensure(t)
	before := snapshot(t, b)
	again, err := Ensure(b.Dir, "c1")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(again).To(Equal(b))
	g.Expect(snapshot(t, again)).To(Equal(before))
}

func TestEnsureRegeneratesAnIncompleteBundle(t *testing.T) {
	g := NewWithT(t)
	b := ensure(t)
	before := snapshot(t, b)
	g.Expect(os.Remove(b.Path(AdminKey))).To(Succeed())
	g.Expect(b.Complete()).To(BeFalse())
	_, err := Ensure(b.Dir, "c1")
	g.Expect(err).NotTo(HaveOccurred())
	after := snapshot(t, b)
	// The admin certificate must match the (new) admin key and the (new) CA.
	g.Expect(after[CACert]).NotTo(Equal(before[CACert]))
	_, err = tls.X509KeyPair(after[AdminCert], after[AdminKey])
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cert(t, b, AdminCert).CheckSignatureFrom(cert(t, b, CACert))).To(Succeed())
}

func TestCertificates(t *testing.T) {
	g := NewWithT(t)
	b := ensure(t)
	ca := cert(t, b, CACert)
	g.Expect(ca.IsCA).To(BeTrue())
	g.Expect(ca.Subject.CommonName).To(Equal("c1-ca"))
	g.Expect(ca.NotAfter).To(BeTemporally(">", time.Now().Add(365*24*time.Hour)))
	roots := x509.NewCertPool()
	roots.AddCert(ca)

	serving := cert(t, b, ServingCert)
	for _, host := range []string{"127.0.0.1", "localhost", "::1", "kubernetes.default.svc"} {
		_, err := serving.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		g.Expect(err).NotTo(HaveOccurred(), "serving certificate for %s", host)
	}
	g.Expect(serving.VerifyHostname("example.com")).NotTo(Succeed())
	_, err := tls.LoadX509KeyPair(b.Path(ServingCert), b.Path(ServingKey))
	g.Expect(err).NotTo(HaveOccurred(), "serving key matches its certificate")

	admin := cert(t, b, AdminCert)
	g.Expect(admin.Subject.Organization).To(Equal([]string{"system:masters"}))
	g.Expect(admin.Subject.CommonName).To(Equal("kurator-admin"))
	g.Expect(admin.ExtKeyUsage).To(Equal([]x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}))
	_, err = admin.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = admin.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	g.Expect(err).To(HaveOccurred(), "the admin certificate cannot serve")
	_, err = tls.LoadX509KeyPair(b.Path(AdminCert), b.Path(AdminKey))
	g.Expect(err).NotTo(HaveOccurred())

	serials := map[string]bool{ca.SerialNumber.String(): true, serving.SerialNumber.String(): true, admin.SerialNumber.String(): true}
	g.Expect(serials).To(HaveLen(3), "every certificate has its own serial")
}

func TestServiceAccountKeyPair(t *testing.T) {
	g := NewWithT(t)
	b := ensure(t)
	keyPEM, err := b.Read(ServiceAcctKey)
	g.Expect(err).NotTo(HaveOccurred())
	block, _ := pem.Decode(keyPEM)
	g.Expect(block).NotTo(BeNil())
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	g.Expect(err).NotTo(HaveOccurred())
	pubPEM, err := b.Read(ServiceAcctPub)
	g.Expect(err).NotTo(HaveOccurred())
	block, _ = pem.Decode(pubPEM)
	g.Expect(block).NotTo(BeNil())
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(pub.(*rsa.PublicKey).Equal(key.Public())).To(BeTrue())

	caKeyPEM, err := b.Read(CAKey)
	g.Expect(err).NotTo(HaveOccurred())
	block, _ = pem.Decode(caKeyPEM)
	caKey, err := x509.ParseECPrivateKey(block.Bytes)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cert(t, b, CACert).PublicKey.(*ecdsa.PublicKey).Equal(caKey.Public())).To(BeTrue())
}

func TestCheck(t *testing.T) {
	cases := map[string]struct {
		damage func(Bundle)
		want   string
		is     error
	}{
		"complete bundle": {damage: func(Bundle) {}},
		"missing file":    {damage: func(b Bundle) { _ = os.Remove(b.Path(ServiceAcctPub)) }, want: "pki bundle is incomplete in ", is: ErrIncomplete},
		"CA is not PEM":   {damage: func(b Bundle) { _ = os.WriteFile(b.Path(CACert), []byte("garbage"), 0o600) }, want: "ca.crt is not PEM"},
		"CA is not a certificate": {
			damage: func(b Bundle) {
				_ = os.WriteFile(b.Path(CACert), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("nope")}), 0o600)
			},
			want: "ca.crt: x509:",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			b := ensure(t)
			tc.damage(b)
			err := b.Check()
			if tc.want == "" {
				g.Expect(err).NotTo(HaveOccurred())
				return
			}
			g.Expect(err).To(MatchError(ContainSubstring(tc.want)))
			g.Expect(err.Error()).To(ContainSubstring(b.Dir))
			if tc.is != nil {
				g.Expect(errors.Is(err, tc.is)).To(BeTrue())
			}
		})
	}
	t.Run("no directory", func(t *testing.T) {
		err := Bundle{Dir: filepath.Join(t.TempDir(), "none")}.Check()
		NewWithT(t).Expect(errors.Is(err, ErrIncomplete)).To(BeTrue())
	})
}
