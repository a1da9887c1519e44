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

package server

import (
	"context"
	"encoding/json"
	"time"

	"github.com/go-logr/logr"
	"go.etcd.io/etcd/api/v3/version"
	"go.etcd.io/etcd/server/v3/embed"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/localcluster"
	kuratorversion "kurator.dev/kurator/internal/version"
)

// reportMembership renews this control-plane replica's Lease with its etcd
// member's view (components.ControlPlaneReport) until ctx ends. Failures are
// logged once per change and retried: a replica without quorum simply lets
// its report go stale.
func reportMembership(ctx context.Context, c localcluster.Config, e *embed.Etcd, client kubernetes.Interface) {
	log := logr.FromContextOrDiscard(ctx)
	var lastErr string
	wait.UntilWithContext(ctx, func(ctx context.Context) {
		err := writeReport(ctx, c, e, client)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if msg != lastErr && err != nil {
			log.Info("Cannot write the control-plane report", "err", err)
		}
		lastErr = msg
	}, components.ReportPeriod)
}

func writeReport(ctx context.Context, c localcluster.Config, e *embed.Etcd, client kubernetes.Interface) error {
	ctx, cancel := context.WithTimeout(ctx, components.ReportPeriod)
	defer cancel()
	report := buildReport(c, e, client)
	raw, err := json.Marshal(report)
	if err != nil {
		return err
	}
	_, err = client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: components.Namespace}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	leases := client.CoordinationV1().Leases(components.Namespace)
	name := components.MemberLeasePrefix + c.Name
	now := metav1.NewMicroTime(time.Now())
	want := coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Labels:      map[string]string{components.ComponentLabel: components.ControlPlaneName},
			Annotations: map[string]string{components.ReportAnnotation: string(raw)},
		},
		Spec: coordinationv1.LeaseSpec{
			HolderIdentity:       ptr.To(c.Name),
			LeaseDurationSeconds: ptr.To(int32(components.ReportStaleAfter.Seconds())),
			RenewTime:            &now,
		},
	}
	got, err := leases.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		_, err = leases.Create(ctx, &want, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	got.Labels, got.Annotations, got.Spec = want.Labels, want.Annotations, want.Spec
	_, err = leases.Update(ctx, got, metav1.UpdateOptions{})
	return err
}

func buildReport(c localcluster.Config, e *embed.Etcd, client kubernetes.Interface) components.ControlPlaneReport {
	s := e.Server
	r := components.ControlPlaneReport{
		Name:           c.Name,
		EtcdMemberID:   s.MemberID().String(),
		EtcdLeaderID:   s.Leader().String(),
		RaftTerm:       s.Term(),
		DBSizeBytes:    s.Backend().Size(),
		EtcdVersion:    version.Version,
		KuratorVersion: kuratorversion.Version,
	}
	if v, err := client.Discovery().ServerVersion(); err == nil {
		r.KubernetesVersion = v.GitVersion
	}
	for _, m := range s.Cluster().Members() {
		em := components.EtcdMember{ID: m.ID.String(), Name: m.Name, Learner: m.IsLearner}
		if len(m.PeerURLs) > 0 {
			em.PeerURL = m.PeerURLs[0]
		}
		r.Members = append(r.Members, em)
	}
	return r
}
