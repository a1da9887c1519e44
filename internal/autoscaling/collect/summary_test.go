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

package collect

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/autoscaling"
)

// pod is a pod with one container "app" requesting cpu and memory;
// usage < 0 means no metric.
func pod(ready bool, cpuUsage, cpuRequest int64) Pod {
	p := Pod{Ready: ready, Requests: map[string]corev1.ResourceList{"app": {
		corev1.ResourceCPU: *resource.NewMilliQuantity(cpuRequest, resource.DecimalSI), corev1.ResourceMemory: resource.MustParse("64Mi")}}}
	if cpuUsage >= 0 {
		p.Usage = map[string]corev1.ResourceList{"app": {
			corev1.ResourceCPU: *resource.NewMilliQuantity(cpuUsage, resource.DecimalSI), corev1.ResourceMemory: resource.MustParse("32Mi")}}
	}
	return p
}

func podsOf(n int, ready bool, usage, request int64) []Pod {
	out := make([]Pod, n)
	for i := range out {
		out[i] = pod(ready, usage, request)
	}
	return out
}

func joined(groups ...[]Pod) []Pod {
	var out []Pod
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

type replicaAnswer struct {
	replicas int32
	current  int64
	err      error
}

// answers computes what the HPA's arithmetic says of samples for a
// utilization and an average value target.
func answers(current int32, samples []autoscaling.PodSample) [2]replicaAnswer {
	u, util, uerr := autoscaling.UtilizationReplicas(current, samples, 50, autoscaling.DefaultTolerance)
	a, avg, aerr := autoscaling.AverageValueReplicas(current, samples, 60, autoscaling.DefaultTolerance)
	return [2]replicaAnswer{{u, int64(util), uerr}, {a, avg, aerr}}
}

// A summary stands for the pods it sums: the replica counts, the current
// values and the errors are the per-pod samples', whole pod and container
// alike, in the HPA's golden cases.
func TestSummaryGivesThePodsReplicaCounts(t *testing.T) {
	for _, tc := range []struct {
		name         string
		current      int32
		pods         []Pod
		wantReplicas int32 // for the 50% utilization target
	}{
		{"twice the target doubles", 3, podsOf(3, true, 100, 100), 6},
		{"within the tolerance", 3, podsOf(3, true, 52, 100), 3},
		{"uneven load, uneven requests", 3, joined(podsOf(1, true, 170, 100), podsOf(1, true, 20, 200), podsOf(1, true, 33, 150)), 3},
		{"half the target halves", 4, podsOf(4, true, 25, 100), 2},
		{"missing pod at the target on the way down", 4, joined(podsOf(3, true, 20, 100), podsOf(1, true, -1, 100)), 3},
		{"missing pod idle on the way up", 3, joined(podsOf(2, true, 100, 100), podsOf(1, true, -1, 100)), 4},
		{"starting pods absorb a scale-up", 4, joined(podsOf(2, true, 100, 100), podsOf(2, false, 0, 100)), 4},
		{"starting pods ignored on the way down", 4, joined(podsOf(2, true, 10, 100), podsOf(2, false, 90, 100)), 1},
		{"reversed by the assumptions", 4, joined(podsOf(1, true, 60, 100), podsOf(3, true, -1, 100)), 4},
		{"odd requests of missing pods round down alike", 7, joined(podsOf(4, true, 11, 333), podsOf(3, false, -1, 333)), 4},
		{"no metric at all", 3, podsOf(3, true, -1, 100), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			summary := Summarize(tc.pods, time.Now(), 15*time.Second)
			for _, container := range []string{"", "app"} {
				for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
					fromSummary, ok := SummarySamples(summary, res, container)
					if !ok {
						t.Fatalf("%s of %q: the summary cannot say", res, container)
					}
					want, got := answers(tc.current, Samples(tc.pods, res, container)), answers(tc.current, fromSummary)
					if !sameAnswers(want, got) {
						t.Errorf("%s of %q: per pod %+v, from the summary %+v", res, container, want, got)
					}
				}
			}
			cpu := answers(tc.current, Samples(tc.pods, corev1.ResourceCPU, ""))
			if cpu[0].replicas != tc.wantReplicas {
				t.Errorf("cpu utilization asks for %d replicas (%v); the golden case says %d", cpu[0].replicas, cpu[0].err, tc.wantReplicas)
			}
		})
	}
}

func sameAnswers(a, b [2]replicaAnswer) bool {
	for i := range a {
		if a[i].replicas != b[i].replicas || a[i].current != b[i].current || !errors.Is(a[i].err, b[i].err) || !errors.Is(b[i].err, a[i].err) {
			return false
		}
	}
	return true
}

// Random fleets of pods of one template (their requests equal), any mix of
// load, readiness and missing metrics: the summary always asks for what
// the pods ask for.
func TestSummaryMatchesRandomPods(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 15))
	for i := range 2000 {
		request := 50 + rng.Int64N(950)
		var pods []Pod
		for range 1 + rng.IntN(40) {
			usage := rng.Int64N(3 * request)
			if rng.IntN(6) == 0 {
				usage = -1
			}
			pods = append(pods, pod(rng.IntN(5) != 0, usage, request))
		}
		current := int32(len(pods))
		fromSummary, _ := SummarySamples(Summarize(pods, time.Now(), time.Minute), corev1.ResourceCPU, "app")
		if want, got := answers(current, Samples(pods, corev1.ResourceCPU, "app")), answers(current, fromSummary); !sameAnswers(want, got) {
			t.Fatalf("case %d (%d pods of %dm): per pod %+v, from the summary %+v", i, len(pods), request, want, got)
		}
	}
}

func TestSummaryBoundsContainers(t *testing.T) {
	p := Pod{Ready: true, Requests: map[string]corev1.ResourceList{}, Usage: map[string]corev1.ResourceList{}}
	for i := range 20 {
		name := fmt.Sprintf("c%02d", i)
		p.Requests[name] = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m")}
		p.Usage[name] = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("5m")}
	}
	s := Summarize([]Pod{p}, time.Now(), time.Minute)
	if !s.ContainersOmitted || len(s.Resources) != 2*(1+workv1alpha1.MaxReportedContainers) {
		t.Fatalf("20 containers: %d sums, omitted %v; want %d and true", len(s.Resources), s.ContainersOmitted, 2*(1+workv1alpha1.MaxReportedContainers))
	}
	if _, ok := SummarySamples(s, corev1.ResourceCPU, "c19"); ok {
		t.Error("a container beyond those reported is answered")
	}
	if samples, ok := SummarySamples(s, corev1.ResourceCPU, "c15"); !ok || len(samples) != 1 || samples[0].Value != 5 || samples[0].Request != 10 {
		t.Errorf("a reported container: %+v, %v", samples, ok)
	}
	if _, ok := SummarySamples(s, corev1.ResourceEphemeralStorage, ""); ok {
		t.Error("a resource metrics.k8s.io does not measure is answered")
	}
	// Without omissions, a container no pod has is what the pods say of it:
	// every pod without the metric.
	small := Summarize(podsOf(3, true, 10, 100), time.Now(), time.Minute)
	samples, ok := SummarySamples(small, corev1.ResourceCPU, "sidecar")
	want := Samples(podsOf(3, true, 10, 100), corev1.ResourceCPU, "sidecar")
	if !ok || len(samples) != len(want) || samples[0] != (autoscaling.PodSample{}) || want[0] != (autoscaling.PodSample{Ready: true}) {
		t.Errorf("an unknown container: %+v (%v); per pod %+v", samples, ok, want)
	}
}

func TestClusterCounts(t *testing.T) {
	pods := joined(podsOf(3, true, 10, 100), podsOf(2, false, -1, 100))
	read := Cluster{Pods: pods}
	reported := Cluster{Summary: Summarize(pods, time.Now(), time.Minute)}
	for name, c := range map[string]Cluster{"read": read, "reported": reported} {
		if n, ready := c.Counts(); n != 5 || ready != 3 {
			t.Errorf("%s: %d pods, %d ready; want 5 and 3", name, n, ready)
		}
	}
}

// BenchmarkSummarize100Pods measures the agent's summary of 100 pods of
// two containers and its size on the wire, which does not grow with pods.
func BenchmarkSummarize100Pods(b *testing.B) {
	var pods []Pod
	for i := range 100 {
		p := pod(i%10 != 0, int64(i%7)*10-1, 100)
		p.Requests["sidecar"] = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("16Mi")}
		if p.Usage != nil {
			p.Usage["sidecar"] = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2m"), corev1.ResourceMemory: resource.MustParse("8Mi")}
		}
		pods = append(pods, p)
	}
	now := time.Now()
	var s *workv1alpha1.PodMetricsSummary
	for b.Loop() {
		s = Summarize(pods, now, 15*time.Second)
	}
	raw, err := json.Marshal(s)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(raw)), "report-bytes")
}
