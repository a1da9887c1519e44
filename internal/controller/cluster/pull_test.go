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

package cluster

import (
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/scheme"
)

func TestLeaseHealth(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	lease := func(renewedAgo time.Duration, seconds *int32) *coordinationv1.Lease {
		return &coordinationv1.Lease{Spec: coordinationv1.LeaseSpec{RenewTime: &metav1.MicroTime{Time: now.Add(-renewedAgo)}, LeaseDurationSeconds: seconds}}
	}
	cases := []struct {
		name     string
		lease    *coordinationv1.Lease
		want     Health
		wantLeft time.Duration
		wantMsg  string
	}{
		{"no Lease yet", nil, Unreachable, 0, "has not connected yet"},
		{"never renewed", &coordinationv1.Lease{}, Unreachable, 0, "has not connected yet"},
		{"renewed within its duration", lease(10*time.Second, ptr.To[int32](40)), Healthy, 30 * time.Second, "renews its Lease"},
		{"no duration: Karmada's 40 s", lease(39*time.Second, nil), Healthy, time.Second, "renews its Lease"},
		{"expired", lease(41*time.Second, ptr.To[int32](40)), Unreachable, 0, "not renewed its Lease since 2026-12-07T11:59:19Z (lease duration 40s)"},
		{"a shorter configured duration", lease(11*time.Second, ptr.To[int32](10)), Unreachable, 0, "lease duration 10s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, msg, left := leaseHealth(tc.lease, now)
			if h != tc.want || left != tc.wantLeft || !strings.Contains(msg, tc.wantMsg) {
				t.Fatalf("leaseHealth = %s, %q, %s; want %s, ...%q..., %s", h, msg, left, tc.want, tc.wantMsg, tc.wantLeft)
			}
		})
	}
}

// A pull member is Ready only while its agent renews the Lease and once it
// has reported the cluster's status; otherwise it is not ready and tainted.
func TestApplyLease(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	reported := []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionCompleteAPIEnablements, Status: metav1.ConditionTrue, Reason: karmadaclusterv1alpha1.CompleteAPIEnablements}}
	lease := func(renewedAgo time.Duration) *coordinationv1.Lease {
		return &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: karmadaclusterv1alpha1.ClusterLeaseNamespace, Name: "edge"},
			Spec: coordinationv1.LeaseSpec{RenewTime: &metav1.MicroTime{Time: now.Add(-renewedAgo)}, LeaseDurationSeconds: ptr.To[int32](40)}}
	}
	for _, tc := range []struct {
		name       string
		lease      *coordinationv1.Lease
		conditions []metav1.Condition
		wantReady  bool
		wantReason string
		wantTaint  string
	}{
		{"renewed and reported", lease(5 * time.Second), reported, true, karmadaclusterv1alpha1.ClusterReady, ""},
		{"renewed, status not reported yet", lease(5 * time.Second), nil, false, karmadaclusterv1alpha1.ClusterNotReady, karmadaclusterv1alpha1.TaintClusterNotReady},
		{"expired", lease(50 * time.Second), reported, false, karmadaclusterv1alpha1.ClusterNotReachable, karmadaclusterv1alpha1.TaintClusterUnreachable},
		{"no Lease", nil, reported, false, karmadaclusterv1alpha1.ClusterNotReachable, karmadaclusterv1alpha1.TaintClusterUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := fake.NewClientBuilder().WithScheme(scheme.Scheme)
			if tc.lease != nil {
				b = b.WithObjects(tc.lease)
			}
			r := &Reconciler{Client: b.Build(), Clock: clocktesting.NewFakeClock(now), Options: DefaultOptions()}
			c := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "edge"},
				Spec: karmadaclusterv1alpha1.ClusterSpec{SyncMode: karmadaclusterv1alpha1.Pull}, Status: karmadaclusterv1alpha1.ClusterStatus{Conditions: tc.conditions}}
			r.applyLease(t.Context(), c)
			ready := apimeta.FindStatusCondition(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)
			if (ready.Status == metav1.ConditionTrue) != tc.wantReady || ready.Reason != tc.wantReason || readyTaint(c) != tc.wantTaint {
				t.Fatalf("Ready %s/%s (%s), taint %q; want ready %t, reason %s, taint %q", ready.Status, ready.Reason, ready.Message, readyTaint(c),
					tc.wantReady, tc.wantReason, tc.wantTaint)
			}
		})
	}
}
