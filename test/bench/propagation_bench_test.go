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
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/internal/patch"
	"kurator.dev/kurator/internal/pprof"
	"kurator.dev/kurator/internal/scheme"
	"kurator.dev/kurator/test/framework"
)

// fastClient is a control-plane client without client-side rate limits, so
// the benchmark measures Kurator, not its own client.
func fastClient(b *testing.B, f *framework.Fleet) client.Client {
	cfg, err := clientcmd.BuildConfigFromFlags("", f.Layout().ClusterKubeconfig(localfleet.ControlPlaneName))
	if err != nil {
		b.Fatal(err)
	}
	cfg.QPS, cfg.Burst = 5000, 10000
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// seen records when objects of a namespace first appear in members.
type seen struct {
	mu    sync.Mutex
	first map[string]map[string]time.Time // name -> cluster -> time
}

func watchMembers(b *testing.B, ctx context.Context, f *framework.Fleet, ns string, clusters []string, kind string) *seen {
	s := &seen{first: map[string]map[string]time.Time{}}
	for _, cluster := range clusters {
		cs, err := f.Member(cluster)
		if err != nil {
			b.Fatal(err)
		}
		factory := informers.NewSharedInformerFactoryWithOptions(cs.(*kubernetes.Clientset), 0, informers.WithNamespace(ns))
		var inf toolscache.SharedIndexInformer
		if kind == "ConfigMap" {
			inf = factory.Core().V1().ConfigMaps().Informer()
		} else {
			inf = factory.Apps().V1().Deployments().Informer()
		}
		if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{AddFunc: func(obj any) {
			o, ok := obj.(metav1.Object)
			if !ok {
				return
			}
			now := time.Now()
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.first[o.GetName()] == nil {
				s.first[o.GetName()] = map[string]time.Time{}
			}
			if _, ok := s.first[o.GetName()][cluster]; !ok {
				s.first[o.GetName()][cluster] = now
			}
		}}); err != nil {
			b.Fatal(err)
		}
		factory.Start(ctx.Done())
		factory.WaitForCacheSync(ctx.Done())
	}
	return s
}

// complete counts names present in every cluster, and returns the time the
// last of them arrived per name.
func (s *seen) complete(names []string, clusters int) (int, map[string]time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	done, last := 0, map[string]time.Time{}
	for _, n := range names {
		if len(s.first[n]) == clusters {
			done++
			for _, t := range s.first[n] {
				if t.After(last[n]) {
					last[n] = t
				}
			}
		}
	}
	return done, last
}

func startFleet(b *testing.B) (*framework.Fleet, context.Context) {
	ctrllog.SetLogger(logr.Discard())
	ctx := b.Context()
	f, err := framework.Start(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		dumpControlPlaneMetrics(b, f)
		_ = f.Stop()
	})
	return f, ctx
}

// dumpControlPlaneMetrics saves the control-plane API server's /metrics
// (request counts by resource and verb) next to the profiles when the
// developer profiles a run with KURATOR_PPROF_DIR.
func dumpControlPlaneMetrics(b *testing.B, f *framework.Fleet) {
	dir := os.Getenv(pprof.DirEnv)
	if dir == "" {
		return
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", f.Layout().ClusterKubeconfig(localfleet.ControlPlaneName))
	if err != nil {
		b.Log(err)
		return
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		b.Log(err)
		return
	}
	raw, err := cs.RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	if err != nil {
		b.Log(err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, "apiserver.metrics"), raw, 0o600); err != nil {
		b.Log(err)
	}
}

func createNamespace(b *testing.B, ctx context.Context, c client.Client, ns string) {
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		b.Fatal(err)
	}
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return s[i]
}

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
	if err := f.StopControllerManager(); err != nil {
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
	if err := f.StopControllerManager(); err != nil {
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
