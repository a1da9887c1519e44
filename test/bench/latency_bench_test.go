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

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/test/framework"
)

// BenchmarkPropagationLatency: time from creating a Deployment in the
// control plane to its copy existing in every target member (seed 06's
// policy: hangzhou and shanghai), over 100 Deployments of 2 replicas each,
// created 200 ms apart (5/s) and 50 ms apart (20/s). The members run the
// pods, so the arrival rate sets how busy the machine is.
func BenchmarkPropagationLatency(b *testing.B) {
	for _, gap := range []time.Duration{200 * time.Millisecond, 50 * time.Millisecond} {
		b.Run(fmt.Sprintf("rate=%d/s", time.Second/gap), func(b *testing.B) { propagationLatency(b, gap) })
	}
}

func propagationLatency(b *testing.B, gap time.Duration) {
	f, ctx := startFleet(b)
	c := fastClient(b, f)
	const ns, n = "bench-latency", 100
	createNamespace(b, ctx, c, ns)
	targets := []string{"cluster-hangzhou", "cluster-shanghai"}
	pp := &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "all", Namespace: ns}, Spec: policyv1alpha1.PropagationSpec{
		ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment"}},
		Placement: policyv1alpha1.Placement{
			ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: targets},
			ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
				ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
				WeightPreference: &policyv1alpha1.ClusterPreferences{StaticWeightList: []policyv1alpha1.StaticClusterWeight{
					{TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: targets[:1]}, Weight: 60},
					{TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: targets[1:]}, Weight: 40}}}},
		}}}
	if err := c.Create(ctx, pp); err != nil {
		b.Fatal(err)
	}
	watch := watchMembers(b, ctx, f, ns, targets, "Deployment")
	stages := watchStages(b, ctx, f, ns)
	created := map[string]time.Time{}
	create := func(name string) {
		two := int32(2)
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: appsv1.DeploymentSpec{
			Replicas: &two, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.25"}}}}}}
		created[name] = time.Now()
		if err := c.Create(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	wait := func(names []string) map[string]time.Time {
		deadline := time.Now().Add(2 * time.Minute)
		for {
			done, last := watch.complete(names, len(targets))
			if done == len(names) {
				return last
			}
			if time.Now().After(deadline) {
				b.Fatalf("only %d of %d deployments reached both members", done, len(names))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// The first Deployment starts the watches of its kind (the detector's,
	// the members'): its latency is reported apart, as ms-cold, and the
	// 100 measured ones start after it arrived.
	create("warm-up")
	b.ReportMetric(float64(wait([]string{"warm-up"})["warm-up"].Sub(created["warm-up"]).Milliseconds()), "ms-cold")
	names := make([]string, n)
	for i := range n {
		names[i] = fmt.Sprintf("app-%03d", i)
		create(names[i])
		time.Sleep(gap)
	}
	last := wait(names)
	lat := make([]time.Duration, 0, n)
	for _, name := range names {
		lat = append(lat, last[name].Sub(created[name]))
	}
	b.ReportMetric(float64(percentile(lat, 0.5).Milliseconds()), "ms-p50")
	b.ReportMetric(float64(percentile(lat, 0.99).Milliseconds()), "ms-p99")
	b.ReportMetric(float64(slices.Max(lat).Milliseconds()), "ms-max")
	// Where the time goes: the median time from creation to each stage,
	// as seen by watches on the control plane.
	for _, stage := range []string{stageBound, stageScheduled, stageWorks} {
		var d []time.Duration
		for _, name := range names {
			if at, ok := stages.at(name, stage); ok {
				d = append(d, at.Sub(created[name]))
			}
		}
		if len(d) > 0 {
			b.ReportMetric(float64(percentile(d, 0.5).Milliseconds()), "ms-p50-"+stage)
		}
	}
}

// The stages of a template on its way to the members.
const (
	stageBound     = "bound"     // its ResourceBinding exists
	stageScheduled = "scheduled" // the binding has a decision
	stageWorks     = "works"     // a Work exists for every cluster decided
)

// stageTimes records when each template of a namespace first reached each
// stage, by watching bindings and Works in the control plane.
type stageTimes struct {
	mu    sync.Mutex
	first map[string]map[string]time.Time // template -> stage -> time
	works map[string]int                  // template -> Works seen
	want  map[string]int                  // template -> clusters decided
}

func (s *stageTimes) mark(template, stage string, now time.Time) {
	if s.first[template] == nil {
		s.first[template] = map[string]time.Time{}
	}
	if _, ok := s.first[template][stage]; !ok {
		s.first[template][stage] = now
	}
}

func (s *stageTimes) at(template, stage string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.first[template][stage]
	return t, ok
}

func watchStages(b *testing.B, ctx context.Context, f *framework.Fleet, ns string) *stageTimes {
	cfg, err := clientcmd.BuildConfigFromFlags("", f.Layout().ClusterKubeconfig(localfleet.ControlPlaneName))
	if err != nil {
		b.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		b.Fatal(err)
	}
	s := &stageTimes{first: map[string]map[string]time.Time{}, works: map[string]int{}, want: map[string]int{}}
	onBinding := func(obj any) {
		u, ok := obj.(*unstructured.Unstructured)
		if !ok {
			return
		}
		template, _, _ := unstructured.NestedString(u.Object, "spec", "resource", "name")
		clusters, _, _ := unstructured.NestedSlice(u.Object, "spec", "clusters")
		now := time.Now()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.mark(template, stageBound, now)
		if len(clusters) > 0 {
			s.mark(template, stageScheduled, now)
			s.want[template] = len(clusters)
		}
	}
	onWork := func(obj any) {
		u, ok := obj.(*unstructured.Unstructured)
		if !ok || u.GetLabels()[workv1alpha1.BindingNamespaceLabel] != ns {
			return
		}
		manifests, _, _ := unstructured.NestedSlice(u.Object, "spec", "workload", "manifests")
		if len(manifests) == 0 {
			return
		}
		m, _ := manifests[0].(map[string]any)
		template, _, _ := unstructured.NestedString(m, "metadata", "name")
		now := time.Now()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.works[template]++
		if s.works[template] >= s.want[template] && s.want[template] > 0 {
			s.mark(template, stageWorks, now)
		}
	}
	bindings := dynamicinformer.NewFilteredDynamicSharedInformerFactory(dyn, 0, ns, nil)
	works := dynamicinformer.NewDynamicSharedInformerFactory(dyn, 0)
	for _, h := range []struct {
		inf toolscache.SharedIndexInformer
		fn  func(any)
		upd bool
	}{
		{bindings.ForResource(workv1alpha2.SchemeGroupVersion.WithResource("resourcebindings")).Informer(), onBinding, true},
		{works.ForResource(workv1alpha1.SchemeGroupVersion.WithResource("works")).Informer(), onWork, false},
	} {
		handler := toolscache.ResourceEventHandlerFuncs{AddFunc: h.fn}
		if h.upd {
			handler.UpdateFunc = func(_, obj any) { h.fn(obj) }
		}
		if _, err := h.inf.AddEventHandler(handler); err != nil {
			b.Fatal(err)
		}
	}
	bindings.Start(ctx.Done())
	works.Start(ctx.Done())
	bindings.WaitForCacheSync(ctx.Done())
	works.WaitForCacheSync(ctx.Done())
	return s
}
