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

package agent

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	"kurator.dev/kurator/internal/agentauth"
)

// Names of the agent's credential files in CertDir and keys in the
// credentials Secret.
const (
	certFile = "tls.crt"
	keyFile  = "tls.key"
)

// tokenPropagation is how long a refused credential is tried again before
// the refusal is taken as final.
const tokenPropagation = 15 * time.Second

// certificateWait bounds the wait for the control plane to approve and sign
// a certificate request.
const certificateWait = 2 * time.Minute

// credentials keeps the agent's client certificate: issued once through the
// bootstrap token, then renewed with the certificate itself before it
// expires. The files are what the control-plane client reads on every new
// connection, so a renewal needs no restart.
type credentials struct {
	cluster     string
	dir         string
	backup      *secretBackup
	server      *rest.Config // host and CA only
	token       string
	duration    time.Duration
	renewBefore time.Duration
	clock       clock.Clock
}

// certPath and keyPath are the files the control-plane client loads.
func (c *credentials) certPath() string { return filepath.Join(c.dir, certFile) }
func (c *credentials) keyPath() string  { return filepath.Join(c.dir, keyFile) }

// clientConfig is the control plane's address with the agent's certificate.
func (c *credentials) clientConfig() *rest.Config {
	cfg := rest.CopyConfig(c.server)
	cfg.CertFile, cfg.KeyFile = c.certPath(), c.keyPath()
	return cfg
}

// current returns the stored certificate if it is this cluster's agent's
// and still valid.
func (c *credentials) current() (*x509.Certificate, bool) {
	raw, err := os.ReadFile(c.certPath())
	if err != nil {
		return nil, false
	}
	keyPEM, err := os.ReadFile(c.keyPath())
	if err != nil {
		return nil, false
	}
	pair, err := tls.X509KeyPair(raw, keyPEM)
	if err != nil || len(pair.Certificate) == 0 {
		return nil, false
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil || cert.Subject.CommonName != agentauth.AgentUser(c.cluster) || !c.clock.Now().Before(cert.NotAfter) {
		return nil, false
	}
	return cert, true
}

// renewAt is when cert is replaced: RenewBefore ahead of its expiry, or at
// 80% of its life.
func (c *credentials) renewAt(cert *x509.Certificate) time.Time {
	if c.renewBefore > 0 {
		return cert.NotAfter.Add(-c.renewBefore)
	}
	life := cert.NotAfter.Sub(cert.NotBefore)
	return cert.NotBefore.Add(life * 4 / 5)
}

// ensure makes sure a valid certificate is stored: the one on disk, the
// one in the backup Secret, or a new one obtained with the bootstrap token.
func (c *credentials) ensure(ctx context.Context) error {
	if _, ok := c.current(); ok {
		return nil
	}
	if c.backup != nil {
		if err := c.backup.restore(ctx, c.dir); err != nil {
			return err
		}
		if _, ok := c.current(); ok {
			return nil
		}
	}
	if c.token == "" {
		return errors.New("no valid certificate is stored and no bootstrap token was given (--bootstrap-token or --bootstrap-token-file)")
	}
	cfg := rest.CopyConfig(c.server)
	cfg.BearerToken = c.token
	return c.request(ctx, cfg, "bootstrap token")
}

// renew replaces the certificate, authenticating with it.
func (c *credentials) renew(ctx context.Context) error {
	return c.request(ctx, c.clientConfig(), "current certificate")
}

// request asks the control plane for a certificate, authenticated by cfg,
// waits for it to be signed and stores it with its new key.
func (c *credentials) request(ctx context.Context, cfg *rest.Config, as string) error {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	request, err := agentauth.NewCSR(c.cluster, key)
	if err != nil {
		return err
	}
	csr := &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "kurator-agent-" + c.cluster + "-"},
		Spec: certificatesv1.CertificateSigningRequestSpec{
			Request: request, SignerName: agentauth.SignerName,
			ExpirationSeconds: ptr.To(int32(c.duration / time.Second)),
			Usages:            []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth},
		},
	}
	var created *certificatesv1.CertificateSigningRequest
	var refused error
	// A token made a moment ago is refused until the API server's cache
	// sees it: a refusal is final only after tokenPropagation.
	_ = wait.PollUntilContextTimeout(ctx, time.Second, tokenPropagation, true, func(ctx context.Context) (bool, error) {
		got, err := cs.CertificatesV1().CertificateSigningRequests().Create(ctx, csr, metav1.CreateOptions{})
		switch {
		case err == nil:
			created = got
			return true, nil
		case apierrors.IsUnauthorized(err):
			refused = err
			return false, nil
		case refused != nil && (ctx.Err() != nil || !fromAPIServer(err)):
			// The deadline, or the client's rate limiter near it, cut the
			// last try short: the refusal stands.
			return false, nil
		}
		refused = err
		return true, nil
	})
	if created == nil {
		if refused == nil {
			refused = ctx.Err()
		}
		return explainRejection(refused, as)
	}
	var signed []byte
	err = wait.PollUntilContextTimeout(ctx, time.Second, certificateWait, true, func(ctx context.Context) (bool, error) {
		got, err := cs.CertificatesV1().CertificateSigningRequests().Get(ctx, created.Name, metav1.GetOptions{})
		if err != nil {
			return false, nil //nolint:nilerr // transient: polled again until the deadline
		}
		for _, cond := range got.Status.Conditions {
			if cond.Type == certificatesv1.CertificateDenied || cond.Type == certificatesv1.CertificateFailed {
				return false, fmt.Errorf("certificate request %s was %s: %s", created.Name, cond.Type, cond.Message)
			}
		}
		signed = got.Status.Certificate
		return len(signed) > 0, nil
	})
	if err != nil {
		return fmt.Errorf("certificate request %s: %w (is the control plane's kurator-controller-manager running?)", created.Name, err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	if err := writeCredentials(c.dir, signed, keyPEM); err != nil {
		return err
	}
	if c.backup != nil {
		return c.backup.save(ctx, signed, keyPEM)
	}
	return nil
}

// fromAPIServer reports whether err is the API server's answer rather than
// a failure on the client's side.
func fromAPIServer(err error) bool {
	var status apierrors.APIStatus
	return errors.As(err, &status)
}

// explainRejection turns the control plane's refusal of a credential into
// what the operator must do.
func explainRejection(err error, as string) error {
	switch {
	case apierrors.IsUnauthorized(err) && as == "bootstrap token":
		return fmt.Errorf("the control plane rejected the bootstrap token (401 Unauthorized): it has expired or was deleted; create a new one with 'kurator token create': %w", err)
	case apierrors.IsUnauthorized(err):
		return fmt.Errorf("the control plane rejected the agent's certificate (401 Unauthorized): it expired before it was renewed; give the agent a new bootstrap token: %w", err)
	case apierrors.IsForbidden(err):
		return fmt.Errorf("the %s may not request certificates: %w", as, err)
	}
	return fmt.Errorf("certificate request with the %s: %w", as, err)
}

// writeCredentials replaces the key and certificate. The key goes first:
// the client reloads when the certificate changes, and a certificate
// without its key would fail every handshake.
func writeCredentials(dir string, certPEM, keyPEM []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{keyFile, keyPEM}, {certFile, certPEM}} {
		tmp := filepath.Join(dir, "."+f.name)
		if err := os.WriteFile(tmp, f.data, 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(dir, f.name)); err != nil {
			return err
		}
	}
	return nil
}

// secretBackup keeps the credentials in a Secret of the member.
type secretBackup struct {
	client          kubernetes.Interface
	namespace, name string
}

func (b *secretBackup) restore(ctx context.Context, dir string) error {
	s, err := b.client.CoreV1().Secrets(b.namespace).Get(ctx, b.name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read credentials Secret %s/%s: %w", b.namespace, b.name, err)
	}
	if len(s.Data[certFile]) == 0 || len(s.Data[keyFile]) == 0 {
		return nil
	}
	return writeCredentials(dir, s.Data[certFile], s.Data[keyFile])
}

func (b *secretBackup) save(ctx context.Context, certPEM, keyPEM []byte) error {
	secrets := b.client.CoreV1().Secrets(b.namespace)
	data := map[string][]byte{certFile: certPEM, keyFile: keyPEM}
	s, err := secrets.Get(ctx, b.name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		_, err = secrets.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: b.namespace, Name: b.name},
			Type: corev1.SecretTypeTLS, Data: data}, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	s.Data = data
	_, err = secrets.Update(ctx, s, metav1.UpdateOptions{})
	return err
}
