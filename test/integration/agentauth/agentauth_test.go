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

package agentauth_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/agentauth"
)

// TestAgentBootstrapsThenWorksWithLeastPrivilegeAndRenews follows an agent
// from its bootstrap token to a certificate, checks what that certificate
// may and may not do, and renews it as the agent.
func TestAgentBootstrapsThenWorksWithLeastPrivilegeAndRenews(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	const cluster = "agent-a"
	bootstrap, _ := bootstrapClient(ctx, g, cluster)

	name, key := submitCSR(ctx, g, bootstrap, cluster)
	csr := waitForCSR(ctx, g, bootstrap, name, signed)
	approved := condition(csr, certificatesv1.CertificateApproved)
	g.Expect(approved).NotTo(BeNil())
	g.Expect(approved.Reason).To(Equal(agentauth.ApprovalReason))
	block, _ := pem.Decode(csr.Status.Certificate)
	g.Expect(block).NotTo(BeNil())
	cert, err := x509.ParseCertificate(block.Bytes)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cert.NotAfter).To(BeTemporally("<=", time.Now().Add(time.Hour+time.Minute)), "expirationSeconds is honoured")

	agent := certClient(g, csr.Status.Certificate, key)
	review := &authenticationv1.SelfSubjectReview{}
	g.Expect(agent.Create(ctx, review)).To(Succeed())
	g.Expect(review.Status.UserInfo.Username).To(Equal(agentauth.AgentUser(cluster)))
	g.Expect(review.Status.UserInfo.Groups).To(ContainElement(agentauth.AgentsGroup))

	// Its own Cluster, made in pull mode, and its status.
	own := &karmadaclusterv1alpha1.Cluster{}
	g.Expect(agent.Get(ctx, client.ObjectKey{Name: cluster}, own)).To(Succeed())
	g.Expect(own.Spec.SyncMode).To(Equal(karmadaclusterv1alpha1.Pull))
	status := client.RawPatch(client.Merge.Type(), []byte(`{"status":{"kubernetesVersion":"v1.37.2"}}`))
	g.Expect(agent.Status().Patch(ctx, own, status)).To(Succeed())

	// Its own Lease, which it renews but never has to create.
	lease := &coordinationv1.Lease{}
	g.Expect(agent.Get(ctx, client.ObjectKey{Namespace: agentauth.LeaseNamespace, Name: cluster}, lease)).To(Succeed())
	lease.Spec.HolderIdentity = ptr.To(cluster)
	lease.Spec.RenewTime = ptr.To(metav1.NewMicroTime(time.Now()))
	g.Expect(agent.Update(ctx, lease)).To(Succeed())

	// Its own Works.
	g.Expect(agent.List(ctx, &workv1alpha1.WorkList{}, client.InNamespace(workv1alpha1.ExecutionNamespace(cluster)))).To(Succeed())

	forbidden := func(err error) {
		g.ExpectWithOffset(1, apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err)
	}
	forbidden(agent.Get(ctx, client.ObjectKey{Namespace: workv1alpha1.ExecutionNamespace(member), Name: "any"}, &workv1alpha1.Work{}))
	forbidden(agent.List(ctx, &workv1alpha1.WorkList{}, client.InNamespace(workv1alpha1.ExecutionNamespace(member))))
	forbidden(agent.Get(ctx, client.ObjectKey{Namespace: metav1.NamespaceDefault, Name: "any"}, &corev1.ConfigMap{}))
	other := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: member}}
	forbidden(agent.Patch(ctx, other, client.RawPatch(client.Merge.Type(), []byte(`{"metadata":{"labels":{"taken":"yes"}}}`))))
	forbidden(agent.Status().Patch(ctx, other, status))
	forbidden(agent.Create(ctx, &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: agentauth.LeaseNamespace, Name: member}}))

	// Renewal: the agent asks, as itself, for a certificate of a new key.
	renewal, newKey := submitCSR(ctx, g, agent, cluster)
	renewed := waitForCSR(ctx, g, agent, renewal, signed)
	g.Expect(condition(renewed, certificatesv1.CertificateApproved).Message).To(ContainSubstring("renewal"))
	g.Expect(certClient(g, renewed.Status.Certificate, newKey).Get(ctx, client.ObjectKey{Name: cluster}, own)).To(Succeed())

	// Deleting the Cluster takes the agent's access with it, once the
	// garbage collector, which finds the Cluster kind by periodic discovery,
	// gets to it.
	const gcTimeout = 2 * time.Minute
	g.Expect(fleet.ControlPlane.Delete(ctx, own)).To(Succeed())
	g.Eventually(func() error {
		return agent.Get(ctx, client.ObjectKey{Namespace: agentauth.LeaseNamespace, Name: cluster}, lease)
	}).WithTimeout(gcTimeout).WithPolling(200 * time.Millisecond).Should(Satisfy(apierrors.IsForbidden))
	for _, obj := range []client.Object{
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: agentauth.ClusterRoleName(cluster)}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: workv1alpha1.ExecutionNamespace(cluster), Name: agentauth.ExecutionRole}},
		&coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: agentauth.LeaseNamespace, Name: cluster}},
	} {
		g.Eventually(func() error {
			return fleet.ControlPlane.Get(ctx, client.ObjectKeyFromObject(obj), obj)
		}).WithTimeout(gcTimeout).WithPolling(200*time.Millisecond).Should(Satisfy(apierrors.IsNotFound), "%T %s", obj, obj.GetName())
	}
}

// TestBootstrapTokenOnlyAsksForItsOwnCluster checks that a bootstrap token
// reads nothing but CSRs, and that its request for another cluster's agent
// is denied.
func TestBootstrapTokenOnlyAsksForItsOwnCluster(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	bootstrap, _ := bootstrapClient(ctx, g, "agent-b")

	err := bootstrap.List(ctx, &corev1.SecretList{}, client.InNamespace(metav1.NamespaceSystem))
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "listing secrets: want Forbidden, got %v", err)
	err = bootstrap.List(ctx, &karmadaclusterv1alpha1.ClusterList{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "listing clusters: want Forbidden, got %v", err)

	name, _ := submitCSR(ctx, g, bootstrap, "agent-c")
	csr := waitForCSR(ctx, g, bootstrap, name, denied)
	g.Expect(condition(csr, certificatesv1.CertificateDenied).Reason).To(Equal(agentauth.DenialReason))
	g.Expect(csr.Status.Certificate).To(BeEmpty())
	err = fleet.ControlPlane.Get(ctx, client.ObjectKey{Name: "agent-c"}, &karmadaclusterv1alpha1.Cluster{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "a denied request made cluster agent-c: %v", err)
}

// TestPushClusterGetsNoAgent checks that a push member's agent identity is
// refused.
func TestPushClusterGetsNoAgent(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	bootstrap, token := bootstrapClient(ctx, g, member)
	name, _ := submitCSR(ctx, g, bootstrap, member)
	csr := waitForCSR(ctx, g, fleet.ControlPlane, name, denied)
	g.Expect(condition(csr, certificatesv1.CertificateDenied).Message).To(Equal("cluster " + member + " is a push cluster"))
	g.Expect(agentauth.DeleteBootstrapTokens(ctx, fleet.ControlPlane, member)).To(Succeed())
	// The API server caches a token's authentication for 10 s.
	g.Eventually(func() bool {
		return apierrors.IsUnauthorized(tokenClient(g, token).List(ctx, &certificatesv1.CertificateSigningRequestList{}))
	}).WithTimeout(decisionTimeout).WithPolling(200*time.Millisecond).Should(BeTrue(), "a deleted token still authenticates")
}

// TestExpiredBootstrapTokenIsRejected checks that the API server refuses a
// bootstrap token past its expiration.
func TestExpiredBootstrapTokenIsRejected(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	expired := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: metav1.NamespaceSystem, Name: "bootstrap-token-exp123"},
		Type:       corev1.SecretType("bootstrap.kubernetes.io/token"),
		StringData: map[string]string{
			"token-id": "exp123", "token-secret": "0123456789abcdef",
			"expiration":                     time.Now().Add(-time.Minute).UTC().Format(time.RFC3339),
			"usage-bootstrap-authentication": "true",
			"auth-extra-groups":              agentauth.BootstrappersGroup + "," + agentauth.ClusterBootstrappersGroup("agent-d"),
		},
	}
	g.Expect(fleet.ControlPlane.Create(ctx, expired)).To(Succeed())
	// Once a token made after it authenticates, the API server's Secret
	// cache holds the expired one too, so a refusal is for its expiry.
	bootstrapClient(ctx, g, "agent-d")
	err := tokenClient(g, "exp123.0123456789abcdef").List(ctx, &certificatesv1.CertificateSigningRequestList{})
	g.Expect(apierrors.IsUnauthorized(err)).To(BeTrue(), "want Unauthorized, got %v", err)
}
