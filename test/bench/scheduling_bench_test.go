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
package bench

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/test/framework"
)

// BenchmarkBindingScheduling: 1,000 pending ResourceBindings, created while
// the controller-manager is stopped (as the detector makes them, with the
// binding finalizer), are scheduled once it starts. bindings/s is the rate
// from the first decision to the last, each seen by a watch; s-total counts
// from the controller-manager's start, cache sync included.
func BenchmarkBindingScheduling(b *testing.B) {
	f, ctx := startFleet(b)
	c := fastClient(b, f)
	const ns, n = "bench-schedule", 1000
	createNamespace(b, ctx, c, ns)
	// As in a real fleet, a policy selects the bindings' kind, so the
	// binding controller finds templates in the detector's informers
	// instead of asking the API server for each (these have none).
	pp := &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "deployments", Namespace: ns}, Spec: policyv1alpha1.PropagationSpec{
		ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment"}}}}
	if err := c.Create(ctx, pp); err != nil {
		b.Fatal(err)
	}
	if err := f.StopControllerManager(ctx, ""); err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	work := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range work {
				rb := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("rb-%04d", i), Namespace: ns,
					Finalizers: []string{workv1alpha2.BindingFinalizer}}, Spec: workv1alpha2.ResourceBindingSpec{
					Resource: workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: ns, Name: fmt.Sprintf("app-%04d", i)},
					Replicas: 3,
					Placement: &policyv1alpha1.Placement{ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{
						ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided, ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted}},
				}}
				if err := c.Create(ctx, rb); err != nil {
					b.Error(err)
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	scheduled := watchScheduled(b, ctx, f, ns)
	start := time.Now()
	if err := f.StartControllerManager(ctx); err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Minute)
	var times []time.Time
	for len(times) < n {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d bindings scheduled", len(times), n)
		}
		time.Sleep(100 * time.Millisecond)
		times = scheduled.times()
	}
	slices.SortFunc(times, time.Time.Compare)
	b.ReportMetric(float64(n-1)/times[n-1].Sub(times[0]).Seconds(), "bindings/s")
	b.ReportMetric(times[n-1].Sub(start).Seconds(), "s-total")
}

// scheduledTimes records when each binding of a namespace is first seen
// with Scheduled=True.
type scheduledTimes struct {
	mu    sync.Mutex
	first map[string]time.Time
}

func (s *scheduledTimes) times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]time.Time, 0, len(s.first))
	for _, t := range s.first {
		out = append(out, t)
	}
	return out
}

func watchScheduled(b *testing.B, ctx context.Context, f *framework.Fleet, ns string) *scheduledTimes {
	cfg, err := clientcmd.BuildConfigFromFlags("", f.Layout().ClusterKubeconfig(localfleet.ControlPlaneName))
	if err != nil {
		b.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		b.Fatal(err)
	}
	s := &scheduledTimes{first: map[string]time.Time{}}
	observe := func(obj any) {
		u, ok := obj.(*unstructured.Unstructured)
		if !ok {
			return
		}
		var rb workv1alpha2.ResourceBinding
		if runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &rb) != nil ||
			!apimeta.IsStatusConditionTrue(rb.Status.Conditions, workv1alpha2.ConditionScheduled) {
			return
		}
		now := time.Now()
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.first[rb.Name]; !ok {
			s.first[rb.Name] = now
		}
	}
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(dyn, 0, ns, nil)
	inf := factory.ForResource(workv1alpha2.SchemeGroupVersion.WithResource("resourcebindings")).Informer()
	if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc: observe, UpdateFunc: func(_, obj any) { observe(obj) },
	}); err != nil {
		b.Fatal(err)
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	return s
}
