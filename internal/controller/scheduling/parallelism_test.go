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
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/tuning"
	"kurator.dev/kurator/internal/scheme"
)

// TestReconcileWaitsForADecisionSlot: a binding is decided only once a
// slot of the shared limiter is free, and the slot is given back after.
func TestReconcileWaitsForADecisionSlot(t *testing.T) {
	now := time.Now()
	rb := seed06(nil)
	rb.Spec.Clusters = nil
	hub := fake.NewClientBuilder().WithScheme(scheme.Scheme).
		WithObjects(readyCluster("cluster-hangzhou", now.Add(-time.Hour)).Cluster, readyCluster("cluster-shanghai", now.Add(-time.Hour)).Cluster, rb).
		WithStatusSubresource(&workv1alpha2.ResourceBinding{}).Build()
	s, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	c := clock.RealClock{}
	slots := tuning.NewLimiter(1)
	r := &Reconciler{Client: hub, Recorder: events.NewFakeRecorder(16), Clock: c, Scheduler: s,
		NewBinding: func() workv1alpha2.Binding { return &workv1alpha2.ResourceBinding{} },
		NewList:    func() client.ObjectList { return &workv1alpha2.ResourceBindingList{} },
		snap:       &snapshots{client: hub, clock: c, maxAge: time.Second},
		reserved:   &reservations{clock: c, ttl: 20 * time.Second, byWork: map[string]reservation{}},
		decided:    &decisions{}, slots: slots}
	req := ctrl.Request{NamespacedName: client.ObjectKeyFromObject(rb)}
	decidedClusters := func() int {
		t.Helper()
		got := &workv1alpha2.ResourceBinding{}
		if err := hub.Get(context.Background(), req.NamespacedName, got); err != nil {
			t.Fatal(err)
		}
		return len(got.Spec.Clusters)
	}

	// Every slot is taken: the reconcile waits until its context ends,
	// without deciding.
	release, err := slots.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := r.Reconcile(ctx, req); err == nil || !strings.Contains(err.Error(), "decision slots") {
		t.Fatalf("Reconcile with no free slot = %v, want it to wait for a slot until its context ended", err)
	}
	if n := decidedClusters(); n != 0 {
		t.Fatalf("the binding was decided (%d clusters) without a slot", n)
	}

	release()
	if _, err := r.Reconcile(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if n := decidedClusters(); n != 2 {
		t.Fatalf("the binding got %d clusters with a free slot, want 2", n)
	}
	if n := slots.InFlight(); n != 0 {
		t.Fatalf("%d slots held after the reconcile returned", n)
	}
}
