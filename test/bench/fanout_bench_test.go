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
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// BenchmarkConfigMapFanout: 1,000 ConfigMaps created at once, duplicated to
// the three members; member objects per second until all 3,000 exist.
func BenchmarkConfigMapFanout(b *testing.B) {
	f, ctx := startFleet(b)
	c := fastClient(b, f)
	const ns, n = "bench-fanout", 1000
	createNamespace(b, ctx, c, ns)
	clusters := []string{"cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"}
	cpp := &policyv1alpha1.ClusterPropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "fanout"}, Spec: policyv1alpha1.PropagationSpec{
		ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "v1", Kind: "ConfigMap", Namespace: ns}}}}
	if err := c.Create(ctx, cpp); err != nil {
		b.Fatal(err)
	}
	watch := watchMembers(b, ctx, f, ns, clusters, "ConfigMap")
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("cm-%04d", i)
	}
	start := time.Now()
	var wg sync.WaitGroup
	work := make(chan string)
	for range 16 {
		wg.Go(func() {
			for name := range work {
				cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Data: map[string]string{"k": name}}
				if err := c.Create(ctx, cm); err != nil {
					b.Error(err)
				}
			}
		})
	}
	for _, name := range names {
		work <- name
	}
	close(work)
	wg.Wait()
	deadline := time.Now().Add(5 * time.Minute)
	for done := 0; done < n; {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d ConfigMaps reached every member", done, n)
		}
		time.Sleep(100 * time.Millisecond)
		done, _ = watch.complete(names, len(clusters))
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(n*len(clusters))/elapsed.Seconds(), "member-objects/s")
	b.ReportMetric(elapsed.Seconds(), "s-total")
}
