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
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	clustercontroller "kurator.dev/kurator/internal/controller/cluster"
	"kurator.dev/kurator/internal/membercluster"
)

// statusReporter writes what the agent sees of its cluster into the
// Cluster's status: version, API enablements, nodes and resources. Ready
// and the taints are the control plane's, from the heartbeat.
type statusReporter struct {
	cluster   string
	plane     client.Client
	member    *membercluster.Member
	collector *clustercontroller.Collector
	interval  time.Duration
	clock     clock.Clock
	log       logr.Logger
}

// Start reports until ctx ends.
func (s *statusReporter) Start(ctx context.Context) error {
	for {
		if err := s.report(ctx); err != nil {
			s.log.Error(err, "Cannot report the cluster's status")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.clock.After(s.interval):
		}
	}
}

// NeedLeaderElection: the agent runs one replica per member.
func (s *statusReporter) NeedLeaderElection() bool { return false }

// report collects and writes the status when it changed. The write is a
// merge patch locked on the version read, so a concurrent Ready update by
// the control plane is never overwritten; a conflict waits for the next
// round.
func (s *statusReporter) report(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.interval)
	defer cancel()
	cluster := &karmadaclusterv1alpha1.Cluster{}
	if err := s.plane.Get(ctx, client.ObjectKey{Name: s.cluster}, cluster); err != nil {
		return err
	}
	before := cluster.DeepCopy()
	if err := s.collector.Collect(ctx, cluster, s.member); err != nil {
		return err
	}
	if equality.Semantic.DeepEqual(before.Status, cluster.Status) {
		return nil
	}
	return s.plane.Status().Patch(ctx, cluster, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}))
}
