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
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
)

// Each control-plane replica reports itself in a Lease of Namespace named
// MemberLeasePrefix + its name, renewed every ReportPeriod: its etcd
// member's view of the cluster and its versions. A replica that cannot write
// (it, or its etcd's quorum, is gone) lets its Lease go stale, so 'kurator
// status' reads the same for a local fleet and an installed control plane.
const (
	MemberLeasePrefix = "control-plane-"
	ReportAnnotation  = "kurator.dev/control-plane-report"
	ReportPeriod      = 10 * time.Second
	// ReportStaleAfter is when a report no longer describes a live replica.
	ReportStaleAfter = 3 * ReportPeriod
	// ComponentLabel marks the Leases of Kurator's components.
	ComponentLabel = "kurator.dev/component"
)

// ControlPlaneReport is a replica's view of itself and its etcd cluster.
type ControlPlaneReport struct {
	Name              string       `json:"name"`
	EtcdMemberID      string       `json:"etcdMemberID"`
	EtcdLeaderID      string       `json:"etcdLeaderID"`
	RaftTerm          uint64       `json:"raftTerm"`
	DBSizeBytes       int64        `json:"dbSizeBytes"`
	EtcdVersion       string       `json:"etcdVersion"`
	KubernetesVersion string       `json:"kubernetesVersion"`
	KuratorVersion    string       `json:"kuratorVersion"`
	Members           []EtcdMember `json:"members"`
}

// EtcdMember is one member of the control plane's etcd cluster.
type EtcdMember struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	PeerURL string `json:"peerURL"`
	Learner bool   `json:"learner,omitempty"`
}

// ReportFromLease reads a replica's report and when it was last renewed.
func ReportFromLease(l *coordinationv1.Lease) (ControlPlaneReport, time.Time, error) {
	var r ControlPlaneReport
	raw, ok := l.Annotations[ReportAnnotation]
	if !ok {
		return r, time.Time{}, fmt.Errorf("lease %s has no %s annotation", l.Name, ReportAnnotation)
	}
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return r, time.Time{}, fmt.Errorf("lease %s: %w", l.Name, err)
	}
	var renewed time.Time
	if l.Spec.RenewTime != nil {
		renewed = l.Spec.RenewTime.Time
	}
	return r, renewed, nil
}

// ControlPlaneStatus is what the control plane says about its components.
type ControlPlaneStatus struct {
	// Replicas are the control-plane replicas' reports, by name.
	Replicas []ReplicaStatus
	// Leader is the controller-manager holding the leader Lease; empty
	// when none does.
	Leader string
	// LeaderSince is when the current leader acquired the Lease.
	LeaderSince time.Time
}

// ReplicaStatus is one replica's last report and its age.
type ReplicaStatus struct {
	Report  ControlPlaneReport
	Renewed time.Time
	Stale   bool
}

// EtcdLeader names the replica whose etcd member leads, by the freshest
// reports; empty when no fresh report knows.
func (s ControlPlaneStatus) EtcdLeader() string {
	for _, r := range s.Replicas {
		if r.Stale {
			continue
		}
		for _, m := range r.Report.Members {
			if m.ID == r.Report.EtcdLeaderID {
				return m.Name
			}
		}
	}
	return ""
}

// Members is the etcd membership by the freshest report.
func (s ControlPlaneStatus) Members() []EtcdMember {
	var best *ReplicaStatus
	for i := range s.Replicas {
		r := &s.Replicas[i]
		if best == nil || r.Renewed.After(best.Renewed) {
			best = r
		}
	}
	if best == nil {
		return nil
	}
	members := slices.Clone(best.Report.Members)
	slices.SortFunc(members, func(a, b EtcdMember) int { return strings.Compare(a.Name, b.Name) })
	return members
}
