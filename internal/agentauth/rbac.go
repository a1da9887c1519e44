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
	"fmt"

	certificatesv1 "k8s.io/api/certificates/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
)

// csrRules let a subject submit CSRs and follow them until signed; nothing
// else.
var csrRules = []rbacv1.PolicyRule{{
	APIGroups: []string{certificatesv1.GroupName},
	Resources: []string{"certificatesigningrequests"},
	Verbs:     []string{"create", "get", "list", "watch"},
}}

// EnsureBootstrapRBAC creates or updates the group-wide roles of agents:
// BootstrapperRole for BootstrappersGroup, RenewalRole for AgentsGroup.
func EnsureBootstrapRBAC(ctx context.Context, c client.Client) error {
	for _, g := range []struct{ role, group string }{
		{BootstrapperRole, BootstrappersGroup},
		{RenewalRole, AgentsGroup},
	} {
		subject := rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: g.group}
		if err := ensureClusterRole(ctx, c, g.role, nil, csrRules, subject); err != nil {
			return err
		}
	}
	return nil
}

// ensureClusterRole creates or updates ClusterRole name with rules and its
// ClusterRoleBinding of the same name to subject, both with mutate applied.
func ensureClusterRole(ctx context.Context, c client.Client, name string, mutate func(client.Object) error,
	rules []rbacv1.PolicyRule, subject rbacv1.Subject) error {
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if err := createOrUpdate(ctx, c, role, mutate, func() { role.Rules = rules }); err != nil {
		return err
	}
	binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}}
	return createOrUpdate(ctx, c, binding, mutate, func() {
		binding.RoleRef = rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}
		binding.Subjects = []rbacv1.Subject{subject}
	})
}

// ensureRole creates or updates Role namespace/name with rules and its
// RoleBinding of the same name to subject, both with mutate applied.
func ensureRole(ctx context.Context, c client.Client, namespace, name string, mutate func(client.Object) error,
	rules []rbacv1.PolicyRule, subject rbacv1.Subject) error {
	meta := metav1.ObjectMeta{Namespace: namespace, Name: name}
	role := &rbacv1.Role{ObjectMeta: meta}
	if err := createOrUpdate(ctx, c, role, mutate, func() { role.Rules = rules }); err != nil {
		return err
	}
	binding := &rbacv1.RoleBinding{ObjectMeta: meta}
	return createOrUpdate(ctx, c, binding, mutate, func() {
		binding.RoleRef = rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name}
		binding.Subjects = []rbacv1.Subject{subject}
	})
}

// createOrUpdate writes obj only when setting its content (and applying
// mutate, if any) changed it, so an unchanged object costs one read.
func createOrUpdate(ctx context.Context, c client.Client, obj client.Object, mutate func(client.Object) error, set func()) error {
	_, err := controllerutil.CreateOrUpdate(ctx, c, obj, func() error {
		set()
		if mutate == nil {
			return nil
		}
		return mutate(obj)
	})
	if err != nil {
		kind := fmt.Sprintf("%T", obj)
		if gvk, gerr := c.GroupVersionKindFor(obj); gerr == nil {
			kind = gvk.Kind
		}
		return fmt.Errorf("ensure %s %s: %w", kind, client.ObjectKeyFromObject(obj), err)
	}
	return nil
}
