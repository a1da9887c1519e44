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

// Package agentcsr approves the certificate requests of pull-mode agents
// (see internal/agentauth): a request for the identity of the agent of
// cluster c, made with a bootstrap token of c or by that agent renewing, is
// approved once c is a pull Cluster with its execution namespace, Lease
// and the agent's RBAC; a request for an agent identity its requester is
// not entitled to is denied; every other request is left alone.
// kube-controller-manager signs what is approved.
package agentcsr

import (
	"context"
	"fmt"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/agentauth"
	"kurator.dev/kurator/internal/controller/retry"
	"kurator.dev/kurator/internal/propagation"
)

// Reconciler decides one CertificateSigningRequest per request.
type Reconciler struct {
	Client client.Client
}

// SetupWithManager registers the controller.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named("agent-csr").
		For(&certificatesv1.CertificateSigningRequest{}).
		Complete(retry.OnConflict(r))
}

// +kubebuilder:rbac:groups=certificates.k8s.io,resources=certificatesigningrequests,verbs=get;list;watch
// +kubebuilder:rbac:groups=certificates.k8s.io,resources=certificatesigningrequests/approval,verbs=update
// +kubebuilder:rbac:groups=certificates.k8s.io,resources=signers,resourceNames=kubernetes.io/kube-apiserver-client,verbs=approve
// +kubebuilder:rbac:groups=cluster.karmada.io,resources=clusters,verbs=get;list;watch;create
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch;create
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=clusterroles;clusterrolebindings;roles;rolebindings,verbs=get;list;watch;create;update;bind;escalate
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;list;watch;create

// Reconcile approves, denies or ignores the request.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	csr := &certificatesv1.CertificateSigningRequest{}
	if err := r.Client.Get(ctx, req.NamespacedName, csr); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if decided(csr) {
		return ctrl.Result{}, nil
	}
	cluster, verdict, reason := agentauth.Entitled(csr)
	log := ctrl.LoggerFrom(ctx).WithValues("cluster", cluster, "requester", csr.Spec.Username)
	switch verdict {
	case agentauth.Ignore:
		return ctrl.Result{}, nil
	case agentauth.Deny:
		log.Info("Denying an agent certificate request", "reason", reason)
		return ctrl.Result{}, r.decide(ctx, csr, certificatesv1.CertificateDenied, agentauth.DenialReason, reason)
	}
	owner, refusal, err := r.ensurePullCluster(ctx, cluster)
	if err != nil {
		return ctrl.Result{}, err
	}
	if refusal != "" {
		log.Info("Denying an agent certificate request", "reason", refusal)
		return ctrl.Result{}, r.decide(ctx, csr, certificatesv1.CertificateDenied, agentauth.DenialReason, refusal)
	}
	if ns, err := propagation.EnsureExecutionNamespace(ctx, r.Client, cluster); apierrors.IsInvalid(err) {
		// A cluster name too long for a namespace name never gets better.
		refusal := fmt.Sprintf("cluster %s cannot have execution namespace %s: %v", cluster, ns, err)
		return ctrl.Result{}, r.decide(ctx, csr, certificatesv1.CertificateDenied, agentauth.DenialReason, refusal)
	} else if err != nil {
		return ctrl.Result{}, fmt.Errorf("execution namespace of cluster %s: %w", cluster, err)
	}
	if err := agentauth.EnsureBootstrapRBAC(ctx, r.Client); err != nil {
		return ctrl.Result{}, err
	}
	if err := agentauth.EnsureClusterAccess(ctx, r.Client, owner); err != nil {
		return ctrl.Result{}, err
	}
	log.Info("Approving an agent certificate request", "reason", reason)
	return ctrl.Result{}, r.decide(ctx, csr, certificatesv1.CertificateApproved, agentauth.ApprovalReason,
		"kurator agent of cluster "+cluster+": "+reason)
}

// ensurePullCluster returns Cluster name, created in pull mode if missing,
// or why its agent may not have a certificate.
func (r *Reconciler) ensurePullCluster(ctx context.Context, name string) (*karmadaclusterv1alpha1.Cluster, string, error) {
	cluster := &karmadaclusterv1alpha1.Cluster{}
	err := r.Client.Get(ctx, client.ObjectKey{Name: name}, cluster)
	if apierrors.IsNotFound(err) {
		cluster = &karmadaclusterv1alpha1.Cluster{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec:       karmadaclusterv1alpha1.ClusterSpec{SyncMode: karmadaclusterv1alpha1.Pull},
		}
		err = r.Client.Create(ctx, cluster)
		if apierrors.IsInvalid(err) {
			return nil, fmt.Sprintf("cannot create cluster %s: %v", name, err), nil
		}
	}
	if err != nil {
		return nil, "", fmt.Errorf("ensure pull cluster %s: %w", name, err)
	}
	if cluster.Spec.SyncMode != karmadaclusterv1alpha1.Pull {
		return nil, fmt.Sprintf("cluster %s is a push cluster", name), nil
	}
	if !cluster.DeletionTimestamp.IsZero() {
		// Access made now would go with the Cluster; a new Cluster can be
		// made once it is gone.
		return nil, "", fmt.Errorf("cluster %s is being deleted", name)
	}
	return cluster, "", nil
}

// decided reports whether the request was already approved or denied.
func decided(csr *certificatesv1.CertificateSigningRequest) bool {
	for _, c := range csr.Status.Conditions {
		if c.Type == certificatesv1.CertificateApproved || c.Type == certificatesv1.CertificateDenied {
			return true
		}
	}
	return false
}

// decide adds the Approved or Denied condition through the approval
// subresource; the read resourceVersion makes a stale copy fail with a
// Conflict instead of deciding twice.
func (r *Reconciler) decide(ctx context.Context, csr *certificatesv1.CertificateSigningRequest,
	decision certificatesv1.RequestConditionType, reason, message string) error {
	csr.Status.Conditions = append(csr.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
		Type: decision, Status: corev1.ConditionTrue, Reason: reason, Message: message, LastUpdateTime: metav1.Now(),
	})
	if err := r.Client.SubResource("approval").Update(ctx, csr); err != nil {
		return fmt.Errorf("%s certificate request %s: %w", decision, csr.Name, err)
	}
	return nil
}
