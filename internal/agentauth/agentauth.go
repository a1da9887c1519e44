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

// Package agentauth is how a pull-mode agent (kurator-agent, running inside a
// member cluster) gets and keeps its identity on the control plane, with
// least privilege: an admin hands it a bootstrap token for one cluster; with
// it the agent may only submit and read CertificateSigningRequests; the
// agentcsr controller approves a request for the cluster's agent identity
// (after setting up that cluster's RBAC) and kube-controller-manager signs
// it. The agent renews its certificate by the same path, as itself.
package agentauth

import (
	"strings"

	certificatesv1 "k8s.io/api/certificates/v1"
	bootstrapapi "k8s.io/cluster-bootstrap/token/api"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

// Identities and names shared by the CLI, the controller and the agent.
const (
	// AgentUserPrefix starts the user name of a cluster's agent; the cluster
	// name follows.
	AgentUserPrefix = "system:kurator:agent:"
	// AgentsGroup is the group (certificate organisation) of every agent.
	AgentsGroup = "system:kurator:agents"
	// BootstrappersGroup is carried by every Kurator bootstrap token.
	BootstrappersGroup = bootstrapapi.BootstrapDefaultGroup + ":kurator"
	// ClusterBootstrappersGroupPrefix starts the group that ties a bootstrap
	// token to one cluster; the cluster name follows.
	ClusterBootstrappersGroupPrefix = BootstrappersGroup + ":cluster:"

	// SignerName is the signer agents ask for: kube-controller-manager signs
	// its requests with the control plane's client CA.
	SignerName = certificatesv1.KubeAPIServerClientSignerName
	// ApprovalReason is the reason of the Approved condition the agentcsr
	// controller sets.
	ApprovalReason = "KuratorAgentAutoApproved"
	// DenialReason is the reason of the Denied condition the agentcsr
	// controller sets on a request for an agent identity its requester is not
	// entitled to.
	DenialReason = "KuratorAgentNotEntitled"

	// LeaseNamespace holds each pull cluster's heartbeat Lease, named after
	// the cluster (as Karmada's agents do).
	LeaseNamespace = karmadaclusterv1alpha1.ClusterLeaseNamespace
	// LeaseDurationSeconds is the duration of a pull cluster's Lease.
	LeaseDurationSeconds int32 = karmadaclusterv1alpha1.DefaultClusterLeaseDurationSeconds
	// ClusterLabel marks, with the cluster name, the bootstrap tokens and the
	// RBAC objects made for one cluster's agent.
	ClusterLabel = "kurator.dev/agent-cluster"

	// BootstrapperRole lets bootstrap tokens submit and read CSRs.
	BootstrapperRole = "kurator:agent-bootstrapper"
	// RenewalRole lets agents submit and read CSRs to renew their certificate.
	RenewalRole = "kurator:agent-renewal"
	// ExecutionRole is the Role (and RoleBinding) of an agent in its
	// cluster's execution namespace.
	ExecutionRole = "kurator:agent"
)

// AgentUser is the user name of the agent of cluster.
func AgentUser(cluster string) string { return AgentUserPrefix + cluster }

// ClusterOfAgentUser returns the cluster whose agent user is, if it is one.
func ClusterOfAgentUser(user string) (string, bool) {
	cluster, ok := strings.CutPrefix(user, AgentUserPrefix)
	if !ok || cluster == "" {
		return "", false
	}
	return cluster, true
}

// ClusterBootstrappersGroup is the group of the bootstrap tokens of cluster.
func ClusterBootstrappersGroup(cluster string) string {
	return ClusterBootstrappersGroupPrefix + cluster
}

// ClusterRoleName names the ClusterRole, ClusterRoleBinding, and the Role
// and RoleBinding in LeaseNamespace, of the agent of cluster.
func ClusterRoleName(cluster string) string { return "kurator:agent:" + cluster }

// Usages are the key usages an agent asks for.
func Usages() []certificatesv1.KeyUsage {
	return []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth}
}
