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
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/patch"
)

// BenchmarkControlPlaneWriteCeiling measures how many binding writes per
// second the control plane's API server accepts on this machine with
// nothing else acting on them (the controller-manager is stopped): 96
// writers, each changing one of 200 bindings in turn. It is the ceiling
// every end-to-end figure above lives under: scheduling a binding takes
// two such writes (the decision and its status).
func BenchmarkControlPlaneWriteCeiling(b *testing.B) {
	f, ctx := startFleet(b)
	c := fastClient(b, f)
	const ns, bindings, writers, window = "bench-writes", 200, 96, 5 * time.Second
	createNamespace(b, ctx, c, ns)
	if err := f.StopControllerManager(ctx, ""); err != nil {
		b.Fatal(err)
	}
	rbs := make([]*workv1alpha2.ResourceBinding, bindings)
	for i := range rbs {
		rbs[i] = &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("rb-%04d", i), Namespace: ns}, Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: ns, Name: fmt.Sprintf("app-%04d", i)},
			Replicas: 3,
		}}
		if err := c.Create(ctx, rbs[i]); err != nil {
			b.Fatal(err)
		}
	}
	run := func(write func(rb *workv1alpha2.ResourceBinding, n int) error) float64 {
		var mu sync.Mutex
		total := 0
		stop := time.Now().Add(window)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				n := 0
				for i := w; time.Now().Before(stop); i += writers {
					if err := write(rbs[i%bindings], i); err != nil {
						b.Error(err)
						return
					}
					n++
				}
				mu.Lock()
				total += n
				mu.Unlock()
			})
		}
		wg.Wait()
		return float64(total) / window.Seconds()
	}
	spec := run(func(rb *workv1alpha2.ResourceBinding, n int) error {
		return patch.Merge(ctx, c, rb.DeepCopy(), map[string]any{"spec": map[string]any{"clusters": []map[string]any{{"name": "cluster-hangzhou", "replicas": n%3 + 1}}}})
	})
	status := run(func(rb *workv1alpha2.ResourceBinding, n int) error {
		cond := metav1.Condition{Type: workv1alpha2.ConditionScheduled, Status: metav1.ConditionTrue, Reason: "Success", Message: strconv.Itoa(n),
			LastTransitionTime: metav1.Now()}
		return patch.ApplyStatus(ctx, c, rb.DeepCopy(), workv1alpha2.GVK(rb), map[string]any{"conditions": []metav1.Condition{cond}}, "bench")
	})
	b.ReportMetric(spec, "spec-patches/s")
	b.ReportMetric(status, "status-applies/s")
}
