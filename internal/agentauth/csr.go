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
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"

	certificatesv1 "k8s.io/api/certificates/v1"
	bootstrapapi "k8s.io/cluster-bootstrap/token/api"
)

// NewCSR returns the PEM-encoded certificate request of the agent of
// cluster for key: subject CN=AgentUser(cluster), O=AgentsGroup, nothing
// else.
func NewCSR(cluster string, key crypto.Signer) ([]byte, error) {
	if cluster == "" {
		return nil, errors.New("agent certificate request: cluster name is empty")
	}
	tmpl := &x509.CertificateRequest{Subject: pkix.Name{CommonName: AgentUser(cluster), Organization: []string{AgentsGroup}}}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		return nil, fmt.Errorf("agent certificate request for cluster %s: %w", cluster, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), nil
}

// Verdict is what the agentcsr controller does with a CSR.
type Verdict int

const (
	// Ignore leaves the CSR alone: it does not ask for an agent identity.
	Ignore Verdict = iota
	// Approve approves it.
	Approve
	// Deny denies it: it asks for an agent identity its requester may not
	// have, or in a form agents never use.
	Deny
)

func (v Verdict) String() string {
	switch v {
	case Approve:
		return "Approve"
	case Deny:
		return "Deny"
	default:
		return "Ignore"
	}
}

// allowedUsages are the usages an agent certificate may carry; client auth
// must be one of them.
var allowedUsages = []certificatesv1.KeyUsage{
	certificatesv1.UsageDigitalSignature, certificatesv1.UsageKeyEncipherment, certificatesv1.UsageClientAuth,
}

var (
	oidCommonName   = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidOrganization = asn1.ObjectIdentifier{2, 5, 4, 10}
)

// Entitled decides csr: the cluster whose agent identity it asks for, the
// verdict and why. A CSR is ours when it is for SignerName, with usages an
// agent asks for, and names an agent in its subject (the CN prefix or
// AgentsGroup); any other CSR is ignored. Ours is approved only when its
// subject is exactly CN=AgentUser(c), O=[AgentsGroup], without SANs, and
// its requester is a bootstrap token of c or the agent of c renewing;
// otherwise it is denied.
func Entitled(csr *certificatesv1.CertificateSigningRequest) (cluster string, verdict Verdict, reason string) {
	if csr.Spec.SignerName != SignerName || !agentUsages(csr.Spec.Usages) {
		return "", Ignore, "not a client certificate request for " + SignerName
	}
	req, err := parseRequest(csr.Spec.Request)
	if err != nil {
		return "", Ignore, err.Error()
	}
	if !strings.HasPrefix(req.Subject.CommonName, AgentUserPrefix) && !slices.Contains(req.Subject.Organization, AgentsGroup) {
		return "", Ignore, "does not ask for a kurator agent identity"
	}
	cluster, ok := ClusterOfAgentUser(req.Subject.CommonName)
	if !ok {
		return "", Deny, fmt.Sprintf("organisation %s is only for common names %s<cluster>, not %q", AgentsGroup, AgentUserPrefix, req.Subject.CommonName)
	}
	if msg := subjectProblem(req); msg != "" {
		return cluster, Deny, fmt.Sprintf("a kurator agent certificate for cluster %s %s", cluster, msg)
	}
	switch {
	case csr.Spec.Username == AgentUser(cluster):
		return cluster, Approve, fmt.Sprintf("renewal by the kurator agent of cluster %s", cluster)
	case strings.HasPrefix(csr.Spec.Username, bootstrapapi.BootstrapUserPrefix) &&
		slices.Contains(csr.Spec.Groups, ClusterBootstrappersGroup(cluster)):
		return cluster, Approve, fmt.Sprintf("bootstrap token of cluster %s", cluster)
	default:
		return cluster, Deny, fmt.Sprintf("%s may not ask for the identity of the kurator agent of cluster %s: only a bootstrap token of that cluster (group %s) or its agent may",
			csr.Spec.Username, cluster, ClusterBootstrappersGroup(cluster))
	}
}

// agentUsages reports whether usages include client auth and nothing an
// agent certificate may not carry.
func agentUsages(usages []certificatesv1.KeyUsage) bool {
	if !slices.Contains(usages, certificatesv1.UsageClientAuth) {
		return false
	}
	for _, u := range usages {
		if !slices.Contains(allowedUsages, u) {
			return false
		}
	}
	return true
}

func parseRequest(data []byte) (*x509.CertificateRequest, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE REQUEST" {
		return nil, errors.New("request is not a PEM-encoded CERTIFICATE REQUEST")
	}
	req, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse certificate request: %w", err)
	}
	return req, nil
}

// subjectProblem says what, beyond the common name, makes req's subject and
// names other than an agent's, or "" if nothing does.
func subjectProblem(req *x509.CertificateRequest) string {
	if !slices.Equal(req.Subject.Organization, []string{AgentsGroup}) {
		return fmt.Sprintf("must have exactly organisation %s, not %q", AgentsGroup, req.Subject.Organization)
	}
	commonNames := 0
	for _, attr := range req.Subject.Names {
		switch {
		case attr.Type.Equal(oidCommonName):
			commonNames++
		case !attr.Type.Equal(oidOrganization):
			return fmt.Sprintf("must have no subject attribute but CN and O, not %s", attr.Type)
		}
	}
	if commonNames != 1 {
		return "must have exactly one common name"
	}
	if len(req.DNSNames)+len(req.EmailAddresses)+len(req.IPAddresses)+len(req.URIs) > 0 {
		return "must have no subject alternative names"
	}
	return ""
}
