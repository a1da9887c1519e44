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

package agentauth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"strings"
	"testing"

	certificatesv1 "k8s.io/api/certificates/v1"
)

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// request is the PEM request of tmpl.
func request(t *testing.T, tmpl *x509.CertificateRequest) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

func agentSubject(cluster string) pkix.Name {
	return pkix.Name{CommonName: AgentUser(cluster), Organization: []string{AgentsGroup}}
}

// bootstrapper is how the API server records a request made with a
// bootstrap token of cluster.
func bootstrapper(spec *certificatesv1.CertificateSigningRequestSpec, cluster string) {
	spec.Username = "system:bootstrap:abcdef"
	spec.Groups = []string{"system:bootstrappers", BootstrappersGroup, ClusterBootstrappersGroup(cluster), "system:authenticated"}
}

func agent(spec *certificatesv1.CertificateSigningRequestSpec, cluster string) {
	spec.Username = AgentUser(cluster)
	spec.Groups = []string{AgentsGroup, "system:authenticated"}
}

func TestEntitled(t *testing.T) {
	cases := map[string]struct {
		subject pkix.Name
		sans    func(*x509.CertificateRequest)
		edit    func(*certificatesv1.CertificateSigningRequestSpec)
		want    Verdict
		cluster string
		reason  string
	}{
		"bootstrap token of the cluster": {
			subject: agentSubject("c1"), edit: func(s *certificatesv1.CertificateSigningRequestSpec) { bootstrapper(s, "c1") },
			want: Approve, cluster: "c1", reason: "bootstrap token",
		},
		"renewal by the cluster's agent": {
			subject: agentSubject("c1"), edit: func(s *certificatesv1.CertificateSigningRequestSpec) { agent(s, "c1") },
			want: Approve, cluster: "c1", reason: "renewal",
		},
		"key encipherment too": {
			subject: agentSubject("c1"), edit: func(s *certificatesv1.CertificateSigningRequestSpec) {
				bootstrapper(s, "c1")
				s.Usages = append(s.Usages, certificatesv1.UsageKeyEncipherment)
			},
			want: Approve, cluster: "c1",
		},
		"bootstrap token of another cluster": {
			subject: agentSubject("c2"), edit: func(s *certificatesv1.CertificateSigningRequestSpec) { bootstrapper(s, "c1") },
			want: Deny, cluster: "c2", reason: "may not ask for the identity of the kurator agent of cluster c2",
		},
		"renewal by another cluster's agent": {
			subject: agentSubject("c2"), edit: func(s *certificatesv1.CertificateSigningRequestSpec) { agent(s, "c1") },
			want: Deny, cluster: "c2", reason: AgentUser("c1") + " may not ask",
		},
		"bootstrap token without a cluster group": {
			subject: agentSubject("c1"), edit: func(s *certificatesv1.CertificateSigningRequestSpec) {
				bootstrapper(s, "c1")
				s.Groups = []string{"system:bootstrappers", BootstrappersGroup}
			},
			want: Deny, cluster: "c1",
		},
		"cluster group held by a user that is no bootstrap token": {
			subject: agentSubject("c1"), edit: func(s *certificatesv1.CertificateSigningRequestSpec) {
				bootstrapper(s, "c1")
				s.Username = "mallory"
			},
			want: Deny, cluster: "c1", reason: "mallory may not ask",
		},
		"agents' organisation with a common name of no agent": {
			subject: pkix.Name{CommonName: "kurator-admin", Organization: []string{AgentsGroup}},
			edit:    func(s *certificatesv1.CertificateSigningRequestSpec) { bootstrapper(s, "c1") },
			want:    Deny, reason: "only for common names",
		},
		"agent common name with an empty cluster": {
			subject: agentSubject(""), edit: func(s *certificatesv1.CertificateSigningRequestSpec) { bootstrapper(s, "c1") },
			want: Deny,
		},
		"extra organisation": {
			subject: pkix.Name{CommonName: AgentUser("c1"), Organization: []string{AgentsGroup, "system:masters"}},
			edit:    func(s *certificatesv1.CertificateSigningRequestSpec) { bootstrapper(s, "c1") },
			want:    Deny, cluster: "c1", reason: "exactly organisation",
		},
		"no organisation": {
			subject: pkix.Name{CommonName: AgentUser("c1")},
			edit:    func(s *certificatesv1.CertificateSigningRequestSpec) { bootstrapper(s, "c1") },
			want:    Deny, cluster: "c1", reason: "exactly organisation",
		},
		"organisational unit": {
			subject: pkix.Name{CommonName: AgentUser("c1"), Organization: []string{AgentsGroup}, OrganizationalUnit: []string{"x"}},
			edit:    func(s *certificatesv1.CertificateSigningRequestSpec) { bootstrapper(s, "c1") },
			want:    Deny, cluster: "c1", reason: "no subject attribute but CN and O",
		},
		"subject alternative name": {
			subject: agentSubject("c1"),
			sans:    func(r *x509.CertificateRequest) { r.DNSNames = []string{"kubernetes.default"} },
			edit:    func(s *certificatesv1.CertificateSigningRequestSpec) { bootstrapper(s, "c1") },
			want:    Deny, cluster: "c1", reason: "no subject alternative names",
		},
		"another signer": {
			subject: agentSubject("c1"), edit: func(s *certificatesv1.CertificateSigningRequestSpec) {
				bootstrapper(s, "c1")
				s.SignerName = certificatesv1.KubeAPIServerClientKubeletSignerName
			},
			want: Ignore,
		},
		"server auth usage": {
			subject: agentSubject("c1"), edit: func(s *certificatesv1.CertificateSigningRequestSpec) {
				bootstrapper(s, "c1")
				s.Usages = append(s.Usages, certificatesv1.UsageServerAuth)
			},
			want: Ignore,
		},
		"no client auth usage": {
			subject: agentSubject("c1"), edit: func(s *certificatesv1.CertificateSigningRequestSpec) {
				bootstrapper(s, "c1")
				s.Usages = []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature}
			},
			want: Ignore,
		},
		"another identity": {
			subject: pkix.Name{CommonName: "system:node:n1", Organization: []string{"system:nodes"}},
			edit:    func(s *certificatesv1.CertificateSigningRequestSpec) { bootstrapper(s, "c1") },
			want:    Ignore,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tmpl := &x509.CertificateRequest{Subject: tc.subject}
			if tc.sans != nil {
				tc.sans(tmpl)
			}
			csr := &certificatesv1.CertificateSigningRequest{Spec: certificatesv1.CertificateSigningRequestSpec{
				Request: request(t, tmpl), SignerName: SignerName, Usages: Usages(),
			}}
			tc.edit(&csr.Spec)
			cluster, verdict, reason := Entitled(csr)
			if verdict != tc.want || cluster != tc.cluster || !strings.Contains(reason, tc.reason) {
				t.Errorf("Entitled = (%q, %s, %q); want (%q, %s, reason containing %q)", cluster, verdict, reason, tc.cluster, tc.want, tc.reason)
			}
		})
	}
}

func TestEntitledIgnoresARequestThatIsNoPEM(t *testing.T) {
	csr := &certificatesv1.CertificateSigningRequest{Spec: certificatesv1.CertificateSigningRequestSpec{
		Request: []byte("garbage"), SignerName: SignerName, Usages: Usages(), Username: AgentUser("c1"),
	}}
	if _, verdict, _ := Entitled(csr); verdict != Ignore {
		t.Errorf("verdict = %s; want Ignore", verdict)
	}
}

// TestNewCSRIsEntitled checks that what an agent submits is what the
// controller approves.
func TestNewCSRIsEntitled(t *testing.T) {
	key := newKey(t)
	data, err := NewCSR("c1", key)
	if err != nil {
		t.Fatal(err)
	}
	req, err := parseRequest(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := req.CheckSignature(); err != nil {
		t.Fatalf("signature: %v", err)
	}
	if !req.PublicKey.(*ecdsa.PublicKey).Equal(key.Public()) {
		t.Error("the request does not carry the agent's public key")
	}
	csr := &certificatesv1.CertificateSigningRequest{Spec: certificatesv1.CertificateSigningRequestSpec{
		Request: data, SignerName: SignerName, Usages: Usages(), Username: AgentUser("c1"),
	}}
	if cluster, verdict, reason := Entitled(csr); verdict != Approve || cluster != "c1" {
		t.Errorf("Entitled = (%q, %s, %q); want c1 approved", cluster, verdict, reason)
	}
	if _, err := NewCSR("", key); err == nil {
		t.Error("NewCSR accepted an empty cluster name")
	}
}

func TestClusterOfAgentUser(t *testing.T) {
	for user, want := range map[string]string{AgentUser("c1"): "c1", AgentUserPrefix: "", "system:bootstrap:abcdef": "", "kurator-admin": ""} {
		got, ok := ClusterOfAgentUser(user)
		if got != want || ok != (want != "") {
			t.Errorf("ClusterOfAgentUser(%q) = (%q, %v); want %q", user, got, ok, want)
		}
	}
}
