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
	"context"
	"slices"
	"testing"

	coordinationv1 "k8s.io/api/coordination/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

func TestEnsureBootstrapRBAC(t *testing.T) {
	ctx := context.Background()
	c := newClient()
	for range 2 {
		if err := EnsureBootstrapRBAC(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for role, group := range map[string]string{BootstrapperRole: BootstrappersGroup, RenewalRole: AgentsGroup} {
		cr := &rbacv1.ClusterRole{}
		if err := c.Get(ctx, client.ObjectKey{Name: role}, cr); err != nil {
			t.Fatal(err)
		}
		if len(cr.Rules) != 1 || !slices.Equal(cr.Rules[0].Resources, []string{"certificatesigningrequests"}) ||
			!slices.Equal(cr.Rules[0].Verbs, []string{"create", "get", "list", "watch"}) {
			t.Errorf("%s rules %+v", role, cr.Rules)
		}
		crb := &rbacv1.ClusterRoleBinding{}
		if err := c.Get(ctx, client.ObjectKey{Name: role}, crb); err != nil {
			t.Fatal(err)
		}
		if crb.RoleRef.Name != role || len(crb.Subjects) != 1 || crb.Subjects[0].Kind != rbacv1.GroupKind || crb.Subjects[0].Name != group {
			t.Errorf("%s binding %+v", role, crb)
		}
	}
}

func TestEnsureClusterAccess(t *testing.T) {
	ctx := context.Background()
	cluster := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "c1", UID: "uid-c1"}}
	c := newClient(cluster)
	if err := EnsureClusterAccess(ctx, c, cluster); err != nil {
		t.Fatal(err)
	}
	agent := AgentUser("c1")
	owned := func(obj client.Object) {
		t.Helper()
		if err := c.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			t.Fatal(err)
		}
		refs := obj.GetOwnerReferences()
		if len(refs) != 1 || refs[0].Kind != "Cluster" || refs[0].UID != "uid-c1" || obj.GetLabels()[ClusterLabel] != "c1" {
			t.Errorf("%T %s: owners %+v, labels %v", obj, obj.GetName(), refs, obj.GetLabels())
		}
	}
	binds := func(subjects []rbacv1.Subject, ref rbacv1.RoleRef, kind, name string) {
		t.Helper()
		if len(subjects) != 1 || subjects[0].Kind != rbacv1.UserKind || subjects[0].Name != agent || ref.Kind != kind || ref.Name != name {
			t.Errorf("binding %s: subjects %+v, roleRef %+v", name, subjects, ref)
		}
	}

	cr := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "kurator:agent:c1"}}
	owned(cr)
	if !slices.Equal(cr.Rules[0].ResourceNames, []string{"c1"}) || !slices.Equal(cr.Rules[1].Resources, []string{"clusters/status"}) {
		t.Errorf("cluster role rules %+v", cr.Rules)
	}
	crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "kurator:agent:c1"}}
	owned(crb)
	binds(crb.Subjects, crb.RoleRef, "ClusterRole", "kurator:agent:c1")

	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: "karmada-es-c1", Name: "kurator:agent"}}
	owned(role)
	if len(role.Rules) != 3 || !slices.Equal(role.Rules[2].APIGroups, []string{"", "events.k8s.io"}) {
		t.Errorf("execution role rules %+v", role.Rules)
	}
	rb := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "karmada-es-c1", Name: "kurator:agent"}}
	owned(rb)
	binds(rb.Subjects, rb.RoleRef, "Role", "kurator:agent")

	leaseRole := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: LeaseNamespace, Name: "kurator:agent:c1"}}
	owned(leaseRole)
	if !slices.Equal(leaseRole.Rules[0].ResourceNames, []string{"c1"}) || slices.Contains(leaseRole.Rules[0].Verbs, "create") {
		t.Errorf("lease role rules %+v", leaseRole.Rules)
	}
	leaseBinding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: LeaseNamespace, Name: "kurator:agent:c1"}}
	owned(leaseBinding)
	binds(leaseBinding.Subjects, leaseBinding.RoleRef, "Role", "kurator:agent:c1")

	lease := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: LeaseNamespace, Name: "c1"}}
	owned(lease)
	if ptr.Deref(lease.Spec.HolderIdentity, "x") != "" || ptr.Deref(lease.Spec.LeaseDurationSeconds, 0) != 40 {
		t.Errorf("lease spec %+v", lease.Spec)
	}

	// The agent renews its Lease; ensuring again must neither undo that nor
	// rewrite unchanged RBAC.
	lease.Spec.HolderIdentity = ptr.To("agent-pod")
	if err := c.Update(ctx, lease); err != nil {
		t.Fatal(err)
	}
	roleVersion := cr.ResourceVersion
	if err := EnsureClusterAccess(ctx, c, cluster); err != nil {
		t.Fatal(err)
	}
	owned(lease)
	owned(cr)
	if ptr.Deref(lease.Spec.HolderIdentity, "") != "agent-pod" || cr.ResourceVersion != roleVersion {
		t.Errorf("ensuring again changed the lease holder to %q or rewrote the cluster role (%s → %s)",
			ptr.Deref(lease.Spec.HolderIdentity, ""), roleVersion, cr.ResourceVersion)
	}
}
