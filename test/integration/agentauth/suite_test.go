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

// Package agentauth_test bootstraps a pull-mode agent's identity against a
// real local control plane: bootstrap token, CSR approved by Kurator and
// signed by kube-controller-manager, and what the certificate may and may
// not do.
package agentauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"kurator.dev/kurator/internal/agentauth"
	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/internal/scheme"
	"kurator.dev/kurator/test/framework"
)

// member is the fleet's one (push) member.
const member = "cluster-hangzhou"

const fleetYAML = `apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata:
  name: agentauth-it
  namespace: kurator-system
spec:
  clusters:
  - name: cluster-hangzhou
`

// decisionTimeout bounds how long approval and signing may take.
const decisionTimeout = time.Minute

var (
	fleet *framework.Fleet
	// admin is the control plane's admin configuration, the server and CA
	// every other client here starts from.
	admin *rest.Config
)

func TestMain(m *testing.M) {
	var err error
	fleet, err = framework.Start(context.Background(), fleetYAML)
	if err != nil {
		fmt.Fprintf(os.Stderr, "start local fleet: %v\n", err)
		os.Exit(1)
	}
	code := 1
	admin, err = clientcmd.BuildConfigFromFlags("", fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName))
	if err != nil {
		fmt.Fprintf(os.Stderr, "control plane config: %v\n", err)
	} else {
		code = m.Run()
	}
	if err := fleet.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// tokenClient is a client of the control plane authenticating with token.
func tokenClient(g Gomega, token string) client.Client {
	cfg := rest.AnonymousClientConfig(admin)
	cfg.BearerToken = token
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	g.Expect(err).NotTo(HaveOccurred())
	return c
}

// bootstrapClient creates a bootstrap token for cluster and returns it with
// a client using it, once the API server accepts it: the server reads
// tokens from its Secret cache, which learns of a new one a moment later.
func bootstrapClient(ctx context.Context, g Gomega, cluster string) (client.Client, string) {
	token, err := agentauth.CreateBootstrapToken(ctx, fleet.ControlPlane, cluster, 10*time.Minute)
	g.Expect(err).NotTo(HaveOccurred())
	c := tokenClient(g, token)
	g.Eventually(func() error {
		return c.Create(ctx, &authenticationv1.SelfSubjectReview{})
	}).WithTimeout(decisionTimeout).WithPolling(100 * time.Millisecond).Should(Succeed())
	return c, token
}

// certClient is a client of the control plane authenticating with a
// client certificate.
func certClient(g Gomega, certPEM []byte, key *ecdsa.PrivateKey) client.Client {
	keyDER, err := x509.MarshalECPrivateKey(key)
	g.Expect(err).NotTo(HaveOccurred())
	cfg := rest.AnonymousClientConfig(admin)
	cfg.CertData = certPEM
	cfg.KeyData = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	g.Expect(err).NotTo(HaveOccurred())
	return c
}

// submitCSR submits, as c, the request of a new key for the identity of
// the agent of cluster, and returns the CSR's name and the key.
func submitCSR(ctx context.Context, g Gomega, c client.Client, cluster string) (string, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	g.Expect(err).NotTo(HaveOccurred())
	request, err := agentauth.NewCSR(cluster, key)
	g.Expect(err).NotTo(HaveOccurred())
	csr := &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "kurator-agent-" + cluster + "-"},
		Spec: certificatesv1.CertificateSigningRequestSpec{
			Request: request, SignerName: agentauth.SignerName, Usages: agentauth.Usages(),
			ExpirationSeconds: ptr.To[int32](3600),
		},
	}
	g.Expect(c.Create(ctx, csr)).To(Succeed())
	return csr.Name, key
}

// waitForCSR polls CSR name, read as c, until done says it is settled,
// and returns it.
func waitForCSR(ctx context.Context, g Gomega, c client.Client, name string,
	done func(*certificatesv1.CertificateSigningRequest) bool) *certificatesv1.CertificateSigningRequest {
	csr := &certificatesv1.CertificateSigningRequest{}
	g.Eventually(func(g Gomega) {
		g.Expect(c.Get(ctx, client.ObjectKey{Name: name}, csr)).To(Succeed())
		g.Expect(done(csr)).To(BeTrue(), "CSR %s: conditions %+v", name, csr.Status.Conditions)
	}).WithTimeout(decisionTimeout).WithPolling(200 * time.Millisecond).Should(Succeed())
	return csr
}

func signed(csr *certificatesv1.CertificateSigningRequest) bool {
	return len(csr.Status.Certificate) > 0
}

func condition(csr *certificatesv1.CertificateSigningRequest, t certificatesv1.RequestConditionType) *certificatesv1.CertificateSigningRequestCondition {
	for i := range csr.Status.Conditions {
		if csr.Status.Conditions[i].Type == t {
			return &csr.Status.Conditions[i]
		}
	}
	return nil
}

func denied(csr *certificatesv1.CertificateSigningRequest) bool {
	return condition(csr, certificatesv1.CertificateDenied) != nil
}
