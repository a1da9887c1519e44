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
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/test/framework"
)

// pullMember runs in pull mode in the pull benchmarks' fleet: the seed's
// three members, cluster-hangzhou pushed to, cluster-shanghai pulling.
const pullMember = "cluster-shanghai"

func startPullFleet(b *testing.B) *framework.Fleet {
	ctrllog.SetLogger(logr.Discard())
	f, err := framework.StartWith(b.Context(), framework.Options{Pull: []string{pullMember}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = f.Stop() })
	return f
}

// BenchmarkPullLatency: ConfigMaps created 100 ms apart, each duplicated to
// a push member (the control plane applies it) and the pull member (its
// agent applies it); from the create call to the copy in each member,
// P50 and P99 per mode, on the same fleet and objects.
func BenchmarkPullLatency(b *testing.B) {
	f := startPullFleet(b)
	ctx := b.Context()
	c := fastClient(b, f)
	const ns, n, gap = "bench-pull-latency", 200, 100 * time.Millisecond
	createNamespace(b, ctx, c, ns)
	members := []string{"cluster-hangzhou", pullMember}
	if err := c.Create(ctx, &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "all", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "v1", Kind: "ConfigMap"}},
			Placement: policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: members}}}}); err != nil {
		b.Fatal(err)
	}
	watch := watchMembers(b, ctx, f, ns, members, "ConfigMap")
	created := map[string]time.Time{}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("cm-%04d", i)
		created[names[i]] = time.Now()
		if err := c.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: names[i], Namespace: ns}, Data: map[string]string{"k": names[i]}}); err != nil {
			b.Fatal(err)
		}
		time.Sleep(gap) // the arrival rate under test
	}
	deadline := time.Now().Add(2 * time.Minute)
	for done := 0; done < n; done, _ = watch.complete(names, len(members)) {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d ConfigMaps reached both members", done, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, member := range members {
		var lat []time.Duration
		watch.mu.Lock()
		for _, name := range names {
			lat = append(lat, watch.first[name][member].Sub(created[name]))
		}
		watch.mu.Unlock()
		slices.Sort(lat)
		mode := "push"
		if member == pullMember {
			mode = "pull"
		}
		b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "ms-p50-"+mode)
		b.ReportMetric(float64(lat[len(lat)*99/100].Milliseconds()), "ms-p99-"+mode)
	}
}

// BenchmarkPullFanout: 1,000 ConfigMaps created at once for the pull member
// alone; member objects per second through its one agent, and the agent's
// memory once it holds the 1,000 Works.
func BenchmarkPullFanout(b *testing.B) {
	f := startPullFleet(b)
	ctx := b.Context()
	c := fastClient(b, f)
	const ns, n = "bench-pull-fanout", 1000
	createNamespace(b, ctx, c, ns)
	if err := c.Create(ctx, &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "all", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "v1", Kind: "ConfigMap"}},
			Placement: policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{pullMember}}}}}); err != nil {
		b.Fatal(err)
	}
	watch := watchMembers(b, ctx, f, ns, []string{pullMember}, "ConfigMap")
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
				if err := c.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Data: map[string]string{"k": name}}); err != nil {
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
	for done := 0; done < n; done, _ = watch.complete(names, 1) {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d ConfigMaps reached the pull member", done, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "member-objects/s")
	b.ReportMetric(agentMetric(b, f, "process_resident_memory_bytes")/(1<<20), "agent-MiB-rss")
	b.ReportMetric(agentMetric(b, f, "go_memstats_heap_inuse_bytes")/(1<<20), "agent-MiB-heap")
}

// agentMetric reads one unlabelled metric of the pull member's agent.
func agentMetric(b *testing.B, f *framework.Fleet, name string) float64 {
	url, err := os.ReadFile(f.Layout().AgentMetricsFile(pullMember))
	if err != nil {
		b.Fatal(err)
	}
	res, err := http.Get(string(url))
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				b.Fatal(err)
			}
			return x
		}
	}
	b.Fatalf("the agent serves no %s", name)
	return 0
}
