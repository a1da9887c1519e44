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

package agent

import (
	"context"
	"net/http"
	"time"

	"github.com/go-logr/logr"
	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

// heartbeat renews the cluster's Lease on the control plane while the
// member's own API server is ready; the control plane marks the cluster
// not ready once the Lease expires. It has its own client, so a busy
// executor cannot starve renewals.
type heartbeat struct {
	cluster  string
	identity string
	plane    kubernetes.Interface
	member   kubernetes.Interface
	duration time.Duration
	interval time.Duration
	clock    clock.Clock
	log      logr.Logger
}

// Start renews until ctx ends.
func (h *heartbeat) Start(ctx context.Context) error {
	for {
		h.beat(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-h.clock.After(h.interval):
		}
	}
}

// NeedLeaderElection: the agent runs one replica per member.
func (h *heartbeat) NeedLeaderElection() bool { return false }

func (h *heartbeat) beat(ctx context.Context) {
	if err := h.memberReady(ctx); err != nil {
		h.log.Info("Member API server not ready, heartbeat skipped", "error", err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(ctx, h.interval)
	defer cancel()
	leases := h.plane.CoordinationV1().Leases(karmadaclusterv1alpha1.ClusterLeaseNamespace)
	lease, err := leases.Get(ctx, h.cluster, metav1.GetOptions{})
	if err != nil {
		h.log.Error(err, "Cannot read the heartbeat Lease")
		return
	}
	renewLease(lease, h.identity, h.duration, h.clock.Now())
	if _, err := leases.Update(ctx, lease, metav1.UpdateOptions{}); err != nil {
		h.log.Error(err, "Cannot renew the heartbeat Lease")
	}
}

// renewLease records a renewal by identity at now.
func renewLease(lease *coordinationv1.Lease, identity string, duration time.Duration, now time.Time) {
	lease.Spec.HolderIdentity = ptr.To(identity)
	lease.Spec.LeaseDurationSeconds = ptr.To(int32(duration / time.Second))
	lease.Spec.RenewTime = &metav1.MicroTime{Time: now}
	if lease.Spec.AcquireTime == nil {
		lease.Spec.AcquireTime = &metav1.MicroTime{Time: now}
	}
}

// memberReady asks the member's /readyz.
func (h *heartbeat) memberReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var code int
	res := h.member.Discovery().RESTClient().Get().AbsPath("/readyz").Do(ctx).StatusCode(&code)
	if code == http.StatusOK {
		return nil
	}
	return res.Error()
}
