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

package agentcsr

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"

	certificatesv1 "k8s.io/api/certificates/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/agentauth"
	"kurator.dev/kurator/internal/scheme"
)

// agentCSR is CSR "req" asking for the identity of the agent of cluster,
// made by username in groups.
func agentCSR(t *testing.T, cluster, username string, groups ...string) *certificatesv1.CertificateSigningRequest {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	request, err := agentauth.NewCSR(cluster, key)
	if err != nil {
		t.Fatal(err)
	}
	return &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: "req"},
		Spec: certificatesv1.CertificateSigningRequestSpec{
			Request: request, SignerName: agentauth.SignerName, Usages: agentauth.Usages(), Username: username, Groups: groups,
		},
	}
}

func bootstrapCSR(t *testing.T, cluster, tokenCluster string) *certificatesv1.CertificateSigningRequest {
	return agentCSR(t, cluster, "system:bootstrap:abcdef", "system:bootstrappers", agentauth.BootstrappersGroup,
		agentauth.ClusterBootstrappersGroup(tokenCluster), "system:authenticated")
}

type fixture struct {
	t *testing.T
	c client.Client
}

func newFixture(t *testing.T, objs ...client.Object) *fixture {
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).
		WithStatusSubresource(&certificatesv1.CertificateSigningRequest{}, &karmadaclusterv1alpha1.Cluster{}).Build()
	return &fixture{t: t, c: c}
}

// reconcile decides CSR "req" and returns it.
func (f *fixture) reconcile() *certificatesv1.CertificateSigningRequest {
	f.t.Helper()
	r := &Reconciler{Client: f.c}
	if res, err := r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Name: "req"}}); err != nil || !res.IsZero() {
		f.t.Fatalf("reconcile = %+v, %v; want done", res, err)
	}
	csr := &certificatesv1.CertificateSigningRequest{}
	if err := f.c.Get(context.Background(), client.ObjectKey{Name: "req"}, csr); err != nil {
		f.t.Fatal(err)
	}
	return csr
}

// exists reports whether obj's key is found.
func (f *fixture) exists(obj client.Object) bool {
	f.t.Helper()
	err := f.c.Get(context.Background(), client.ObjectKeyFromObject(obj), obj)
	if err != nil && !apierrors.IsNotFound(err) {
		f.t.Fatal(err)
	}
	return err == nil
}

// decision is the only condition of csr, or the zero value.
func decision(t *testing.T, csr *certificatesv1.CertificateSigningRequest) certificatesv1.CertificateSigningRequestCondition {
	t.Helper()
	switch len(csr.Status.Conditions) {
	case 0:
		return certificatesv1.CertificateSigningRequestCondition{}
	case 1:
		return csr.Status.Conditions[0]
	}
	t.Fatalf("conditions %+v; want at most one", csr.Status.Conditions)
	return certificatesv1.CertificateSigningRequestCondition{}
}

func TestBootstrapRequestMakesAPullClusterWithItsAccessThenApproves(t *testing.T) {
	f := newFixture(t, bootstrapCSR(t, "c1", "c1"))
	got := decision(t, f.reconcile())
	if got.Type != certificatesv1.CertificateApproved || got.Status != corev1.ConditionTrue || got.Reason != agentauth.ApprovalReason {
		t.Fatalf("decision %+v; want approved with reason %s", got, agentauth.ApprovalReason)
	}
	cluster := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "c1"}}
	if !f.exists(cluster) || cluster.Spec.SyncMode != karmadaclusterv1alpha1.Pull {
		t.Fatalf("cluster c1 %+v; want a pull cluster", cluster.Spec)
	}
	for _, obj := range []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "karmada-es-c1"}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: agentauth.LeaseNamespace}},
		&coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: agentauth.LeaseNamespace, Name: "c1"}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "kurator:agent:c1"}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "karmada-es-c1", Name: agentauth.ExecutionRole}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: agentauth.LeaseNamespace, Name: "kurator:agent:c1"}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: agentauth.BootstrapperRole}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: agentauth.RenewalRole}},
	} {
		if !f.exists(obj) {
			t.Errorf("%T %s was not made before approving", obj, client.ObjectKeyFromObject(obj))
		}
	}
	binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "kurator:agent:c1"}}
	f.exists(binding)
	if refs := binding.OwnerReferences; len(refs) != 1 || refs[0].UID != cluster.UID {
		t.Errorf("agent binding owners %+v; want Cluster c1", refs)
	}
}

func TestRenewalOfAPullClusterIsApprovedAndLeavesTheClusterAlone(t *testing.T) {
	cluster := &karmadaclusterv1alpha1.Cluster{
		ObjectMeta: metav1.ObjectMeta{Name: "c1", Labels: map[string]string{"region": "east"}},
		Spec:       karmadaclusterv1alpha1.ClusterSpec{SyncMode: karmadaclusterv1alpha1.Pull},
	}
	f := newFixture(t, cluster, agentCSR(t, "c1", agentauth.AgentUser("c1"), agentauth.AgentsGroup))
	if got := decision(t, f.reconcile()); got.Type != certificatesv1.CertificateApproved || !strings.Contains(got.Message, "renewal") {
		t.Fatalf("decision %+v; want approved as a renewal", got)
	}
	f.exists(cluster)
	if cluster.Labels["region"] != "east" || cluster.Spec.SyncMode != karmadaclusterv1alpha1.Pull {
		t.Errorf("cluster changed: %+v", cluster)
	}
}

func TestRequestForAPushClusterIsDenied(t *testing.T) {
	push := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "c1"},
		Spec: karmadaclusterv1alpha1.ClusterSpec{SyncMode: karmadaclusterv1alpha1.Push}}
	f := newFixture(t, push, bootstrapCSR(t, "c1", "c1"))
	got := decision(t, f.reconcile())
	if got.Type != certificatesv1.CertificateDenied || got.Message != "cluster c1 is a push cluster" {
		t.Fatalf("decision %+v; want denied as a push cluster", got)
	}
	if f.exists(&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "kurator:agent:c1"}}) {
		t.Error("a push cluster's agent got RBAC")
	}
}

func TestRequestForAnotherClusterIsDeniedWithoutMakingIt(t *testing.T) {
	f := newFixture(t, bootstrapCSR(t, "c2", "c1"))
	got := decision(t, f.reconcile())
	if got.Type != certificatesv1.CertificateDenied || got.Reason != agentauth.DenialReason || !strings.Contains(got.Message, "cluster c2") {
		t.Fatalf("decision %+v; want denied", got)
	}
	if f.exists(&karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "c2"}}) {
		t.Error("a denied request created its cluster")
	}
}

func TestOtherRequestsAreLeftAlone(t *testing.T) {
	other := bootstrapCSR(t, "c1", "c1")
	other.Spec.SignerName = certificatesv1.KubeAPIServerClientKubeletSignerName
	denied := bootstrapCSR(t, "c1", "c1")
	denied.Status.Conditions = []certificatesv1.CertificateSigningRequestCondition{{
		Type: certificatesv1.CertificateDenied, Status: corev1.ConditionTrue, Reason: "ByAdmin",
	}}
	for name, csr := range map[string]*certificatesv1.CertificateSigningRequest{"another signer": other, "already denied": denied} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, csr)
			got := f.reconcile()
			if len(got.Status.Conditions) != len(csr.Status.Conditions) {
				t.Errorf("conditions %+v; want them unchanged", got.Status.Conditions)
			}
			if f.exists(&karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "c1"}}) {
				t.Error("a request left alone created its cluster")
			}
		})
	}
}
