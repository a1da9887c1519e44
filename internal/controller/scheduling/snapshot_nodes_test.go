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
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/scheme"
)

// fakeInformers is a member whose informers list when listed is closed,
// or, with listOnWait, as soon as they are waited for.
type fakeInformers struct {
	listed     chan struct{}
	listOnWait bool
	nodes      corelisters.NodeLister
	pods       corelisters.PodLister
}

func newFakeInformers(t *testing.T, node string) *fakeInformers {
	t.Helper()
	nodes := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	if err := nodes.Add(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: node}}); err != nil {
		t.Fatal(err)
	}
	pods := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	return &fakeInformers{listed: make(chan struct{}), nodes: corelisters.NewNodeLister(nodes), pods: corelisters.NewPodLister(pods)}
}

func (f *fakeInformers) Synced() bool {
	select {
	case <-f.listed:
		return true
	default:
		return false
	}
}

func (f *fakeInformers) WaitForSync(ctx context.Context) bool {
	if f.listOnWait {
		close(f.listed)
	}
	select {
	case <-f.listed:
		return true
	case <-ctx.Done():
		return false
	}
}

func (f *fakeInformers) Listers() (corelisters.NodeLister, corelisters.PodLister, bool) {
	return f.nodes, f.pods, true
}

// TestSnapshotBoundsTheWaitForNodeData: members whose informers have
// listed give their nodes; one still listing is waited for at most the
// estimator timeout, then estimated from its resource summary (no nodes)
// and not waited for again until it has listed.
func TestSnapshotBoundsTheWaitForNodeData(t *testing.T) {
	clusters := []karmadaclusterv1alpha1.Cluster{
		{ObjectMeta: metav1.ObjectMeta{Name: "listed"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "slow"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "soon"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "pull"}},
	}
	hub := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(&clusters[0], &clusters[1], &clusters[2], &clusters[3]).Build()
	members := map[string]*fakeInformers{"listed": newFakeInformers(t, "n1"), "slow": newFakeInformers(t, "n2"), "soon": newFakeInformers(t, "n3")}
	close(members["listed"].listed)
	members["soon"].listOnWait = true
	timeout := 300 * time.Millisecond
	s := &snapshots{client: hub, clock: clock.RealClock{}, maxAge: 0,
		estimatorTimeout: func() time.Duration { return timeout },
		sourceOf: func(_ context.Context, c *karmadaclusterv1alpha1.Cluster) nodeSource {
			if m, ok := members[c.Name]; ok {
				return m
			}
			return nil // a pull-mode member: no informers here
		},
	}
	nodesByCluster := func() map[string]int {
		t.Helper()
		s.invalidate()
		infos, err := s.get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, c := range infos {
			out[c.Name()] = len(c.Nodes)
		}
		return out
	}

	// "soon" lists while the snapshot waits; "slow" never does.
	start := time.Now()
	got := nodesByCluster()
	if waited := time.Since(start); waited < timeout {
		t.Fatalf("the view was built in %v, before the %v timeout ran out for the slow member", waited, timeout)
	}
	if got["listed"] != 1 || got["soon"] != 1 || got["slow"] != 0 || got["pull"] != 0 {
		t.Fatalf("nodes per cluster = %v; want listed and soon with their node, slow and pull estimated from their summary", got)
	}
	if !s.late["slow"] || len(s.late) != 1 {
		t.Fatalf("late = %v, want only slow", s.late)
	}

	// The slow member is not waited for again: with a long timeout, the
	// view would take that long.
	timeout = 10 * time.Second
	start = time.Now()
	if got := nodesByCluster(); got["slow"] != 0 || got["listed"] != 1 {
		t.Fatalf("nodes per cluster = %v on the second view", got)
	}
	if waited := time.Since(start); waited >= timeout {
		t.Fatalf("the second view waited %v for the member that already missed the timeout", waited)
	}

	// Once it has listed, its nodes are used and it is no longer late.
	close(members["slow"].listed)
	if got := nodesByCluster(); got["slow"] != 1 {
		t.Fatalf("nodes per cluster = %v after slow listed; want its node", got)
	}
	if len(s.late) != 0 {
		t.Fatalf("late = %v after every member listed", s.late)
	}
}
