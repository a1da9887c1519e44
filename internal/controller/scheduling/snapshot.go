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
package scheduling

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/membercluster"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// snapshots builds the scheduler's view of the fleet and reuses it for a
// short while, so a burst of bindings shares one view; reservations are
// applied per decision on top.
type snapshots struct {
	client  client.Reader
	members *membercluster.Registry
	clock   clock.PassiveClock
	maxAge  time.Duration
	// estimatorTimeout bounds the wait for members' node data (nil:
	// tuning.DefaultEstimatorTimeout).
	estimatorTimeout func() time.Duration
	// sourceOf is where a cluster's node data comes from (nil: members).
	sourceOf func(ctx context.Context, c *karmadaclusterv1alpha1.Cluster) nodeSource

	mu    sync.Mutex
	at    time.Time
	cache []*framework.ClusterInfo
	// late are the members whose node data missed the estimator timeout
	// and have not listed since: they are not waited for again.
	late map[string]bool
}

func (s *snapshots) get(ctx context.Context) ([]*framework.ClusterInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache != nil && s.clock.Since(s.at) < s.maxAge {
		return s.cache, nil
	}
	var list karmadaclusterv1alpha1.ClusterList
	if err := s.client.List(ctx, &list); err != nil {
		return nil, err
	}
	// The cache lists in no particular order; the scheduler explains its
	// decisions in name order and is fastest when given it.
	slices.SortFunc(list.Items, func(a, b karmadaclusterv1alpha1.Cluster) int { return strings.Compare(a.Name, b.Name) })
	nodes := s.allNodes(ctx, list.Items)
	infos := make([]*framework.ClusterInfo, 0, len(list.Items))
	for i := range list.Items {
		infos = append(infos, &framework.ClusterInfo{Cluster: &list.Items[i], Nodes: nodes[i]})
	}
	s.cache, s.at = infos, s.clock.Now()
	return infos, nil
}

// invalidate drops the cached view (a cluster changed).
func (s *snapshots) invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cache = nil
}
