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

package components

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// ReadStatus reads the components' Leases from the control plane: each
// replica's report and the controller-manager leader. now decides staleness.
func ReadStatus(ctx context.Context, c client.Reader, now time.Time) (ControlPlaneStatus, error) {
	var st ControlPlaneStatus
	var leases coordinationv1.LeaseList
	if err := c.List(ctx, &leases, client.InNamespace(Namespace), client.MatchingLabels{ComponentLabel: ControlPlaneName}); err != nil {
		return st, fmt.Errorf("list the control plane's reports: %w", err)
	}
	for i := range leases.Items {
		l := &leases.Items[i]
		if !strings.HasPrefix(l.Name, MemberLeasePrefix) {
			continue
		}
		r, renewed, err := ReportFromLease(l)
		if err != nil {
			continue // not ours to judge; a malformed report is no replica
		}
		st.Replicas = append(st.Replicas, ReplicaStatus{Report: r, Renewed: renewed, Stale: now.Sub(renewed) > ReportStaleAfter})
	}
	sort.Slice(st.Replicas, func(i, j int) bool { return st.Replicas[i].Report.Name < st.Replicas[j].Report.Name })
	var leader coordinationv1.Lease
	err := c.Get(ctx, client.ObjectKey{Namespace: Namespace, Name: LeaderElectionID}, &leader)
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return st, fmt.Errorf("read the leader Lease: %w", err)
	default:
		if leader.Spec.HolderIdentity != nil && leader.Spec.RenewTime != nil && leader.Spec.LeaseDurationSeconds != nil &&
			now.Sub(leader.Spec.RenewTime.Time) <= time.Duration(*leader.Spec.LeaseDurationSeconds)*time.Second {
			st.Leader = *leader.Spec.HolderIdentity
			if leader.Spec.AcquireTime != nil {
				st.LeaderSince = leader.Spec.AcquireTime.Time
			}
		}
	}
	return st, nil
}
