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
	"encoding/json"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"kurator.dev/kurator/internal/scheme"
)

func reportLease(t *testing.T, name, leaderID string, renewed time.Time) *coordinationv1.Lease {
	members := []EtcdMember{{ID: "1", Name: "kurator-0"}, {ID: "2", Name: "kurator-1"}, {ID: "3", Name: "kurator-2"}}
	id := map[string]string{"kurator-0": "1", "kurator-1": "2", "kurator-2": "3"}[name]
	raw, err := json.Marshal(ControlPlaneReport{Name: name, EtcdMemberID: id, EtcdLeaderID: leaderID, Members: members})
	if err != nil {
		t.Fatal(err)
	}
	return &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Namespace: Namespace, Name: MemberLeasePrefix + name,
			Labels: map[string]string{ComponentLabel: ControlPlaneName}, Annotations: map[string]string{ReportAnnotation: string(raw)}},
		Spec: coordinationv1.LeaseSpec{RenewTime: &metav1.MicroTime{Time: renewed}},
	}
}

// The freshest reports name the etcd leader; a replica that stopped
// reporting is stale and its (old) view does not count; an expired leader
// Lease names no controller-manager.
func TestReadStatus(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	leader := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Namespace: Namespace, Name: LeaderElectionID},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To("cm-1"), LeaseDurationSeconds: ptr.To(int32(15)),
			RenewTime: &metav1.MicroTime{Time: now.Add(-3 * time.Second)}, AcquireTime: &metav1.MicroTime{Time: now.Add(-time.Minute)}},
	}
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(
		reportLease(t, "kurator-0", "1", now.Add(-time.Minute)), // the old leader, gone
		reportLease(t, "kurator-1", "3", now.Add(-2*time.Second)),
		reportLease(t, "kurator-2", "3", now.Add(-4*time.Second)),
		leader,
	).Build()
	st, err := ReadStatus(context.Background(), c, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Replicas) != 3 || !st.Replicas[0].Stale || st.Replicas[1].Stale {
		t.Fatalf("replicas: %+v", st.Replicas)
	}
	if got := st.EtcdLeader(); got != "kurator-2" {
		t.Fatalf("etcd leader = %q, want kurator-2", got)
	}
	if st.Leader != "cm-1" || !st.LeaderSince.Equal(now.Add(-time.Minute)) {
		t.Fatalf("controller-manager leader = %q since %s", st.Leader, st.LeaderSince)
	}
	if names := st.Members(); len(names) != 3 || names[0].Name != "kurator-0" {
		t.Fatalf("members: %+v", names)
	}

	st, err = ReadStatus(context.Background(), c, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if st.Leader != "" || st.EtcdLeader() != "" {
		t.Fatalf("a minute later nothing is fresh: leader %q, etcd leader %q", st.Leader, st.EtcdLeader())
	}
}
