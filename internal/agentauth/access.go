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

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// ClusterRules are what the agent of cluster may do cluster-wide: read and
// write its own Cluster and that Cluster's status, no other; and read the
// ResourceInterpreterCustomizations, so that it judges and reports its
// copies by the same rules as the control plane.
func ClusterRules(cluster string) []rbacv1.PolicyRule {
	group := []string{karmadaclusterv1alpha1.GroupName}
	return []rbacv1.PolicyRule{
		{APIGroups: group, Resources: []string{"clusters"}, ResourceNames: []string{cluster}, Verbs: []string{"get", "list", "watch", "update", "patch"}},
		{APIGroups: group, Resources: []string{"clusters/status"}, ResourceNames: []string{cluster}, Verbs: []string{"get", "update", "patch"}},
		{APIGroups: []string{configv1alpha1.GroupName}, Resources: []string{"resourceinterpretercustomizations"}, Verbs: []string{"get", "list", "watch"}},
	}
}

// ExecutionRules are what an agent may do in its cluster's execution
// namespace: follow and report on its Works, and record events.
func ExecutionRules() []rbacv1.PolicyRule {
	group := []string{workv1alpha1.GroupName}
	return []rbacv1.PolicyRule{
		{APIGroups: group, Resources: []string{"works"}, Verbs: []string{"get", "list", "watch", "update", "patch"}},
		{APIGroups: group, Resources: []string{"works/status"}, Verbs: []string{"get", "update", "patch"}},
		{APIGroups: []string{corev1.GroupName, eventsv1.GroupName}, Resources: []string{"events"}, Verbs: []string{"create", "patch"}},
	}
}

// LeaseRules are what the agent of cluster may do in LeaseNamespace: renew
// its cluster's Lease, which it never has to create.
func LeaseRules(cluster string) []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{{
		APIGroups: []string{coordinationv1.GroupName}, Resources: []string{"leases"},
		ResourceNames: []string{cluster}, Verbs: []string{"get", "watch", "update", "patch"},
	}}
}

// EnsureClusterAccess creates or updates, for the agent of cluster, its
// ClusterRole, Role in the execution namespace (which must exist) and Role
// in LeaseNamespace, with their bindings, and creates LeaseNamespace and
// the cluster's Lease when missing. Each object is labelled ClusterLabel and
// owned by cluster, so deleting the Cluster takes them away.
func EnsureClusterAccess(ctx context.Context, c client.Client, cluster *karmadaclusterv1alpha1.Cluster) error {
	name := cluster.Name
	mutate := func(obj client.Object) error {
		labels := obj.GetLabels()
		if labels == nil {
			labels = map[string]string{}
		}
		labels[ClusterLabel] = name
		obj.SetLabels(labels)
		return controllerutil.SetOwnerReference(cluster, obj, c.Scheme())
	}
	agent := rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: AgentUser(name)}
	if err := ensureClusterRole(ctx, c, ClusterRoleName(name), mutate, ClusterRules(name), agent); err != nil {
		return err
	}
	if err := ensureRole(ctx, c, workv1alpha1.ExecutionNamespace(name), ExecutionRole, mutate, ExecutionRules(), agent); err != nil {
		return err
	}
	if err := createIfMissing(ctx, c, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: LeaseNamespace}}); err != nil {
		return err
	}
	if err := ensureRole(ctx, c, LeaseNamespace, ClusterRoleName(name), mutate, LeaseRules(name), agent); err != nil {
		return err
	}
	lease := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Namespace: LeaseNamespace, Name: name},
		Spec: coordinationv1.LeaseSpec{
			HolderIdentity:       ptr.To(""),
			LeaseDurationSeconds: ptr.To(LeaseDurationSeconds),
		},
	}
	if err := mutate(lease); err != nil {
		return fmt.Errorf("lease of cluster %s: %w", name, err)
	}
	return createIfMissing(ctx, c, lease)
}

// createIfMissing creates obj unless an object of that name exists, which
// it leaves as it is (a Lease the agent renews).
func createIfMissing(ctx context.Context, c client.Client, obj client.Object) error {
	err := c.Get(ctx, client.ObjectKeyFromObject(obj), obj.DeepCopyObject().(client.Object))
	if apierrors.IsNotFound(err) {
		err = c.Create(ctx, obj)
	}
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("ensure %T %s: %w", obj, client.ObjectKeyFromObject(obj), err)
	}
	return nil
}
