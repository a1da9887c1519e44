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

// Package pki generates the credentials a local cluster needs: a CA, a serving
// certificate for 127.0.0.1, an admin client certificate, a service-account
// signing key, and the credentials of API aggregation (see aggregation.go).
// Everything is written with 0600 permissions.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// File names inside a cluster's PKI directory.
const (
	CACert         = "ca.crt"
	CAKey          = "ca.key"
	ServingCert    = "apiserver.crt"
	ServingKey     = "apiserver.key"
	AdminCert      = "admin.crt"
	AdminKey       = "admin.key"
	ServiceAcctPub = "sa.pub"
	ServiceAcctKey = "sa.key"
)

// validity of every generated certificate; local fleets are long-lived dev environments.
const validity = 10 * 365 * 24 * time.Hour

// Bundle is the set of PEM files of one cluster.
type Bundle struct {
	Dir string
}

// Path returns the absolute path of a file of the bundle.
func (b Bundle) Path(name string) string { return filepath.Join(b.Dir, name) }

// Read returns the content of a file of the bundle.
func (b Bundle) Read(name string) ([]byte, error) { return os.ReadFile(b.Path(name)) }

// coreFiles are what every cluster process needs to start.
var coreFiles = []string{CACert, CAKey, ServingCert, ServingKey, AdminCert, AdminKey, ServiceAcctPub, ServiceAcctKey}

// Complete reports whether every file of the bundle exists.
func (b Bundle) Complete() bool {
	return b.has(coreFiles) && b.has(aggregationFiles)
}

func (b Bundle) has(files []string) bool {
	for _, f := range files {
		if _, err := os.Stat(b.Path(f)); err != nil {
			return false
		}
	}
	return true
}

// Ensure generates the bundle in dir unless it is already complete. commonName
// names the cluster in the CA subject. A bundle written before aggregation
// credentials existed only gets those added, so its clients stay valid.
func Ensure(dir, commonName string) (Bundle, error) {
	b := Bundle{Dir: dir}
	if b.Complete() {
		return b, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return b, err
	}
	if !b.has(coreFiles) {
		if err := b.writeCore(commonName); err != nil {
			return b, err
		}
	}
	// Also after a new core: the metrics API certificate must be signed by the new CA.
	return b, b.writeAggregation(commonName)
}

// writeCore generates the cluster CA and everything it signs.
func (b Bundle) writeCore(commonName string) error {
	caCert, caKey, caDER, err := newCA(commonName + "-ca")
	if err != nil {
		return err
	}
	now := time.Now()

	serving := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(validity),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1"), net.IPv6loopback},
	}
	admin := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "kurator-admin", Organization: []string{"system:masters"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(validity),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	files := map[string][]byte{
		CACert: pemEncode("CERTIFICATE", caDER),
	}
	caKeyDER, err := x509.MarshalECPrivateKey(caKey)
	if err != nil {
		return err
	}
	files[CAKey] = pemEncode("EC PRIVATE KEY", caKeyDER)
	for _, leaf := range []struct {
		tmpl          *x509.Certificate
		cert, keyFile string
	}{{serving, ServingCert, ServingKey}, {admin, AdminCert, AdminKey}} {
		certPEM, keyPEM, err := issue(leaf.tmpl, caCert, caKey)
		if err != nil {
			return err
		}
		files[leaf.cert], files[leaf.keyFile] = certPEM, keyPEM
	}
	// kube-apiserver and kube-controller-manager both accept RSA service-account keys.
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(saKey.Public())
	if err != nil {
		return err
	}
	files[ServiceAcctKey] = pemEncode("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(saKey))
	files[ServiceAcctPub] = pemEncode("PUBLIC KEY", pubDER)
	return b.write(files)
}

func (b Bundle) write(files map[string][]byte) error {
	for name, data := range files {
		if err := os.WriteFile(b.Path(name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// newCA generates a self-signed CA.
func newCA(commonName string) (*x509.Certificate, *ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{"kurator"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, nil, err
	}
	return cert, key, der, nil
}

func issue(tmpl, ca *x509.Certificate, caKey crypto.Signer) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pemEncode("CERTIFICATE", der), pemEncode("EC PRIVATE KEY", keyDER), nil
}

func pemEncode(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		// crypto/rand never fails on Linux; a constant serial would still be valid.
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}

// ErrIncomplete is returned when a bundle is expected but some files are missing.
var ErrIncomplete = errors.New("pki bundle is incomplete")

// Check verifies that the bundle exists and its CA parses, so that a corrupt
// state directory is reported clearly instead of failing deep inside a server.
// Missing aggregation files are no fault: Ensure adds them to bundles written
// before they existed.
func (b Bundle) Check() error {
	if !b.has(coreFiles) {
		return fmt.Errorf("%w in %s", ErrIncomplete, b.Dir)
	}
	data, err := b.Read(CACert)
	if err != nil {
		return err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return fmt.Errorf("%s is not PEM", b.Path(CACert))
	}
	if _, err := x509.ParseCertificate(block.Bytes); err != nil {
		return fmt.Errorf("%s: %w", b.Path(CACert), err)
	}
	return nil
}
