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

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/test/framework"
)

// fastestFailover are the fastest documented failover settings: probe every
// second, publish a failure at once, evict at once.
var fastestFailover = []string{"--cluster-status-update-frequency=1s", "--cluster-probe-timeout=1s",
	"--cluster-failure-threshold=0s", "--cluster-eviction-grace=0s"}

// BenchmarkClusterFailover: seed 06's nginx (10 replicas, 6 in hangzhou and
// 4 in shanghai); time from stopping cluster-hangzhou to 10 replicas Ready in
// the other clusters; five outages per setting, on one fleet per setting.
func BenchmarkClusterFailover(b *testing.B) {
	for _, setting := range []struct {
		name string
		args []string
	}{{"default", nil}, {"fastest", fastestFailover}} {
		b.Run("settings="+setting.name, func(b *testing.B) {
			ctrllog.SetLogger(logr.Discard())
			f, err := framework.StartWith(b.Context(), framework.Options{ControllerManagerArgs: setting.args})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = f.Stop() })
			var times []time.Duration
			for run := range 5 {
				times = append(times, failoverOnce(b, f, fmt.Sprintf("failover-%d", run)))
			}
			b.ReportMetric(float64(percentile(times, 0.5).Milliseconds()), "ms-p50")
			b.ReportMetric(float64(slices.Max(times).Milliseconds()), "ms-max")
		})
	}
}

func failoverOnce(b *testing.B, f *framework.Fleet, ns string) time.Duration {
	ctx := b.Context()
	c := fastClient(b, f)
	createNamespace(b, ctx, c, ns)
	targets := []string{"cluster-hangzhou", "cluster-shanghai"}
	pp := &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "nginx", Namespace: ns}, Spec: policyv1alpha1.PropagationSpec{
		ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "nginx"}},
		Placement: policyv1alpha1.Placement{
			ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: targets},
			ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
				ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
				WeightPreference: &policyv1alpha1.ClusterPreferences{StaticWeightList: []policyv1alpha1.StaticClusterWeight{
					{TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: targets[:1]}, Weight: 60},
					{TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: targets[1:]}, Weight: 40}}}},
		}}}
	ten := int32(10)
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "nginx", Namespace: ns}, Spec: appsv1.DeploymentSpec{
		Replicas: &ten, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "nginx"}},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "nginx"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "nginx", Image: "nginx:1.25"}}}}}}
	for _, obj := range []client.Object{pp, d} {
		if err := c.Create(ctx, obj); err != nil {
			b.Fatal(err)
		}
	}
	ready := func(cluster string) int32 {
		m, err := f.Member(cluster)
		if err != nil {
			return -1
		}
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		got, err := m.AppsV1().Deployments(ns).Get(cctx, "nginx", metav1.GetOptions{})
		if err != nil {
			return -1
		}
		return got.Status.ReadyReplicas
	}
	waitFor(b, 2*time.Minute, "6/4 before the outage", func() bool { return ready("cluster-hangzhou") == 6 && ready("cluster-shanghai") == 4 })

	start := time.Now()
	if err := f.StopCluster("cluster-hangzhou"); err != nil {
		b.Fatal(err)
	}
	waitFor(b, 2*time.Minute, "10 ready in cluster-shanghai", func() bool { return ready("cluster-shanghai") == 10 })
	took := time.Since(start)

	if err := f.StartCluster(ctx, "cluster-hangzhou"); err != nil {
		b.Fatal(err)
	}
	waitFor(b, 2*time.Minute, "cluster-hangzhou ready and clean", func() bool {
		cl := &karmadaclusterv1alpha1.Cluster{}
		if err := c.Get(ctx, client.ObjectKey{Name: "cluster-hangzhou"}, cl); err != nil || len(cl.Spec.Taints) > 0 {
			return false
		}
		return ready("cluster-hangzhou") == -1
	})
	return took
}

// waitFor polls cond every 100 ms until it holds or the deadline passes.
func waitFor(b *testing.B, timeout time.Duration, what string, cond func() bool) {
	b.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// BenchmarkEvictionThroughput: 1,000 bindings Divided over the three
// members, then cluster-hangzhou stops; bindings per second from its
// NoExecute taint (the eviction) until none places replicas there. Default
// settings.
func BenchmarkEvictionThroughput(b *testing.B) {
	f, ctx := startFleet(b)
	c := fastClient(b, f)
	const ns, n = "bench-evict", 1000
	createNamespace(b, ctx, c, ns)
	var wg sync.WaitGroup
	work := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range work {
				rb := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("rb-%04d", i), Namespace: ns}, Spec: workv1alpha2.ResourceBindingSpec{
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
	onHangzhou := func() (scheduled, there int) {
		var list workv1alpha2.ResourceBindingList
		if err := c.List(ctx, &list, client.InNamespace(ns)); err != nil {
			b.Fatal(err)
		}
		for _, rb := range list.Items {
			if apimeta.IsStatusConditionTrue(rb.Status.Conditions, workv1alpha2.ConditionScheduled) {
				scheduled++
			}
			for _, t := range rb.Spec.Clusters {
				if t.Name == "cluster-hangzhou" && t.Replicas > 0 {
					there++
				}
			}
		}
		return scheduled, there
	}
	var before int
	waitFor(b, 5*time.Minute, "1,000 bindings scheduled", func() bool {
		s, there := onHangzhou()
		before = there
		return s == n
	})
	if before < n/2 {
		b.Fatalf("only %d bindings place replicas on cluster-hangzhou", before)
	}
	if err := f.StopCluster("cluster-hangzhou"); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = f.StartCluster(context.Background(), "cluster-hangzhou") })
	var evictedAt time.Time
	waitFor(b, 2*time.Minute, "the NoExecute taint", func() bool {
		cl := &karmadaclusterv1alpha1.Cluster{}
		if err := c.Get(ctx, client.ObjectKey{Name: "cluster-hangzhou"}, cl); err != nil {
			return false
		}
		for _, t := range cl.Spec.Taints {
			if t.Effect == corev1.TaintEffectNoExecute {
				evictedAt = time.Now()
				return true
			}
		}
		return false
	})
	waitFor(b, 5*time.Minute, "every binding off cluster-hangzhou", func() bool {
		_, there := onHangzhou()
		return there == 0
	})
	elapsed := time.Since(evictedAt)
	b.ReportMetric(float64(before)/elapsed.Seconds(), "bindings/s")
	b.ReportMetric(elapsed.Seconds(), "s-total")
	b.ReportMetric(float64(before), "bindings-evicted")
}
