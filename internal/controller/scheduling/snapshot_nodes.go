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

	"k8s.io/apimachinery/pkg/labels"
	corelisters "k8s.io/client-go/listers/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/estimator"
	"kurator.dev/kurator/internal/scheduler/tuning"
)

// nodeSource is a member's node and pod informers (a membercluster.Member).
type nodeSource interface {
	Synced() bool
	WaitForSync(ctx context.Context) bool
	Listers() (corelisters.NodeLister, corelisters.PodLister, bool)
}

// allNodes returns each cluster's nodes with what their pods request, nil
// where the estimate must come from the cluster's resource summary: no
// informers (pull mode, no credentials, an unhealthy member), or informers
// that have not listed within the estimator timeout. Members still listing
// are waited for together, so the timeout bounds the whole view; one that
// misses it is not waited for again until it has listed. s.mu is held.
func (s *snapshots) allNodes(ctx context.Context, clusters []karmadaclusterv1alpha1.Cluster) [][]estimator.Node {
	out := make([][]estimator.Node, len(clusters))
	late := map[string]bool{}
	var listing []int
	sources := make([]nodeSource, len(clusters))
	for i := range clusters {
		c := &clusters[i]
		src := s.source(ctx, c)
		switch {
		case src == nil:
		case src.Synced():
			out[i] = nodesOf(src)
		case s.late[c.Name]:
			late[c.Name] = true
		default:
			sources[i] = src
			listing = append(listing, i)
		}
	}
	if len(listing) > 0 {
		s.waitForNodes(ctx, clusters, sources, listing, out, late)
	}
	s.late = late
	return out
}

// waitForNodes waits up to the estimator timeout for the listed members'
// informers, filling out for those that list in time and late for the
// others.
func (s *snapshots) waitForNodes(ctx context.Context, clusters []karmadaclusterv1alpha1.Cluster, sources []nodeSource, listing []int, out [][]estimator.Node, late map[string]bool) {
	timeout := tuning.DefaultEstimatorTimeout
	if s.estimatorTimeout != nil {
		timeout = s.estimatorTimeout()
	}
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type listed struct {
		i      int
		synced bool
	}
	// Buffered: a member answering after the deadline does not block.
	results := make(chan listed, len(listing))
	for _, i := range listing {
		go func() { results <- listed{i: i, synced: sources[i].WaitForSync(waitCtx)} }()
	}
	synced := make(map[int]bool, len(listing))
	record := func(r listed) {
		if r.synced {
			synced[r.i] = true
		}
	}
	for waiting := len(listing); waiting > 0 && waitCtx.Err() == nil; {
		select {
		case r := <-results:
			record(r)
			waiting--
		case <-waitCtx.Done():
		}
	}
	// Answers that came with the deadline count.
	for drained := false; !drained; {
		select {
		case r := <-results:
			record(r)
		default:
			drained = true
		}
	}
	log := ctrl.LoggerFrom(ctx)
	for _, i := range listing {
		if synced[i] {
			out[i] = nodesOf(sources[i])
			continue
		}
		late[clusters[i].Name] = true
		log.Info("Estimating from the resource summary: the member's nodes and pods were not listed within the estimator timeout",
			"cluster", clusters[i].Name, "timeout", timeout.String())
	}
}

// source is the cluster's informers, or nil when it has none running.
func (s *snapshots) source(ctx context.Context, c *karmadaclusterv1alpha1.Cluster) nodeSource {
	if s.sourceOf != nil {
		return s.sourceOf(ctx, c)
	}
	if s.members == nil {
		return nil
	}
	m, err := s.members.Get(ctx, c)
	if err != nil {
		return nil
	}
	if _, _, ok := m.Listers(); !ok {
		return nil
	}
	return m
}

// nodesOf lists a synced member's nodes with their pods' requests; nil
// (the resource summary is used) when it lists none or listing fails.
func nodesOf(src nodeSource) []estimator.Node {
	nodeLister, podLister, ok := src.Listers()
	if !ok {
		return nil
	}
	nodes, err := nodeLister.List(labels.Everything())
	if err != nil || len(nodes) == 0 {
		return nil
	}
	pods, err := podLister.List(labels.Everything())
	if err != nil {
		return nil
	}
	return estimator.NodesWithPods(nodes, pods)
}
