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
package kubeletsim

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	"kurator.dev/kurator/internal/metricsapi"
)

// Topology is copied onto the simulated nodes' well-known labels.
type Topology struct {
	Region string
	Zone   string
}

// Options configure a Simulator.
type Options struct {
	Cluster  string
	Pool     NodePool
	Topology Topology
	// Version is reported as the nodes' kubelet version.
	Version string
	// Workers is the number of pods handled in parallel.
	Workers int
	Clock   clock.Clock
	// DefaultRPS is the simulated load of a Service without its own
	// sim.kurator.dev/rps annotation (see Meter).
	DefaultRPS float64
	// Dynamic reads Istio's VirtualServices and DestinationRules, which route
	// the simulated load; without it every Service is served locally.
	Dynamic dynamic.Interface
}

// Simulator plays the kubelet for every simulated node of one cluster.
type Simulator struct {
	client   kubernetes.Interface
	cluster  string
	pool     NodePool
	topology Topology
	version  string
	workers  int
	clock    clock.Clock
	nodes    map[string]bool
	pods     corelisters.PodLister
	queue    workqueue.TypedRateLimitingInterface[types.NamespacedName]
	meter    *Meter
	dynamic  dynamic.Interface
}

// New returns a simulator for the given cluster.
func New(client kubernetes.Interface, o Options) *Simulator {
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	nodes := nodeSet(o.Cluster, o.Pool.Count)
	names := make([]string, 0, len(nodes))
	for n := range nodes {
		names = append(names, n)
	}
	sort.Strings(names)
	return &Simulator{
		client: client, cluster: o.Cluster, pool: o.Pool, topology: o.Topology,
		version: o.Version, workers: o.Workers, clock: o.Clock,
		nodes: nodes, meter: newMeter(o.Cluster, names, o.DefaultRPS, o.Clock), dynamic: o.Dynamic,
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[types.NamespacedName](),
			workqueue.TypedRateLimitingQueueConfig[types.NamespacedName]{Name: "kubeletsim"}),
	}
}

// Meter is the simulated load of this member's workloads: a Prometheus
// collector of their request and container metrics.
func (s *Simulator) Meter() *Meter { return s.meter }

// Usage reports the pods' and nodes' simulated resource use.
func (s *Simulator) Usage() metricsapi.Source { return s.meter.Usage() }

// Run registers the nodes and then handles pods, and gives LoadBalancer
// Services simulated addresses (see loadBalancers), until ctx ends.
func (s *Simulator) Run(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("kubeletsim")
	if err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		if err := s.syncNodes(ctx); err != nil {
			log.Info("Registering nodes failed, retrying", "err", err.Error())
			return false, nil
		}
		return true, nil
	}); err != nil {
		return fmt.Errorf("register simulated nodes: %w", err)
	}
	factory := informers.NewSharedInformerFactoryWithOptions(s.client, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.FieldSelector = fields.OneTermNotEqualSelector("spec.nodeName", "").String()
	}))
	podInformer := factory.Core().V1().Pods()
	s.pods = podInformer.Lister()
	if _, err := podInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    s.enqueue,
		UpdateFunc: func(_, obj any) { s.enqueue(obj) },
	}); err != nil {
		return err
	}
	serviceFactory := informers.NewSharedInformerFactory(s.client, 0)
	services := serviceFactory.Core().V1().Services()
	services.Informer() // registered before Start, so Start runs it
	factory.Start(ctx.Done())
	serviceFactory.Start(ctx.Done())
	defer serviceFactory.Shutdown()
	defer factory.Shutdown()
	defer s.queue.ShutDown()
	go func() {
		if err := newLoadBalancers(s.client, s.cluster).run(ctx); err != nil && ctx.Err() == nil {
			log.Error(err, "Simulated load balancers stopped")
		}
	}()
	if !cache.WaitForCacheSync(ctx.Done(), podInformer.Informer().HasSynced, services.Informer().HasSynced) {
		return ctx.Err()
	}
	for range s.workers {
		go wait.UntilWithContext(ctx, s.worker, time.Second)
	}
	routes := &istioRoutes{}
	if s.dynamic != nil {
		go routes.run(ctx, s.client.Discovery(), s.dynamic)
	}
	s.meter.attach(log.WithName("load"), s.pods, services.Lister(), routes)
	go wait.UntilWithContext(ctx, func(context.Context) { s.meter.Tick() }, time.Second)
	<-ctx.Done()
	return nil
}

func (s *Simulator) enqueue(obj any) {
	pod, ok := obj.(*corev1.Pod)
	if !ok || !s.nodes[pod.Spec.NodeName] {
		return
	}
	s.queue.Add(types.NamespacedName{Namespace: pod.Namespace, Name: pod.Name})
}

func (s *Simulator) worker(ctx context.Context) {
	for {
		key, quit := s.queue.Get()
		if quit {
			return
		}
		after, err := s.syncPod(ctx, key)
		switch {
		case err != nil:
			utilruntime.HandleErrorWithContext(ctx, err, "Syncing simulated pod failed", "pod", key)
			s.queue.AddRateLimited(key)
		case after > 0:
			s.queue.Forget(key)
			s.queue.AddAfter(key, after)
		default:
			s.queue.Forget(key)
		}
		s.queue.Done(key)
	}
}

// syncPod moves one pod along the lifecycle a kubelet would give it. It
// returns a delay when the pod must be looked at again later (a Job pod that
// is still "running").
func (s *Simulator) syncPod(ctx context.Context, key types.NamespacedName) (time.Duration, error) {
	pod, err := s.pods.Pods(key.Namespace).Get(key.Name)
	if apierrors.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if pod.DeletionTimestamp != nil {
		// Containers stop at once, so the kubelet's final delete follows.
		err := s.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{
			GracePeriodSeconds: ptr.To[int64](0),
			Preconditions:      &metav1.Preconditions{UID: &pod.UID},
		})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return 0, nil
		}
		return 0, err
	}
	if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return 0, nil
	}
	now := s.clock.Now()
	// A Running pod without a start time (its status was written by someone
	// else) is treated as not started yet: it gets one below.
	started := pod.Status.Phase == corev1.PodRunning && pod.Status.StartTime != nil
	if started && isJobPod(pod) {
		remaining := runDuration(pod) - now.Sub(pod.Status.StartTime.Time)
		if remaining > 0 {
			return remaining, nil
		}
		return 0, s.update(ctx, finished(pod, now))
	}
	want := running(pod, now)
	if started && podReady(pod) == podReady(want) {
		return 0, nil
	}
	if err := s.update(ctx, want); err != nil {
		return 0, err
	}
	if isJobPod(pod) {
		return runDuration(pod), nil
	}
	return 0, nil
}

func (s *Simulator) update(ctx context.Context, pod *corev1.Pod) error {
	_, err := s.client.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, pod, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func isJobPod(pod *corev1.Pod) bool {
	ref := metav1.GetControllerOf(pod)
	return ref != nil && ref.Kind == "Job"
}

func runDuration(pod *corev1.Pod) time.Duration {
	if v, ok := pod.Annotations[RunSecondsAnnotation]; ok {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
			return time.Duration(secs * float64(time.Second))
		}
	}
	return time.Second
}

func podReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// running returns the pod as a kubelet reports it once its containers run.
func running(pod *corev1.Pod, now time.Time) *corev1.Pod {
	p := pod.DeepCopy()
	ready := p.Annotations[ReadyAnnotation] != "false"
	start := metav1.NewTime(now)
	if p.Status.StartTime != nil {
		start = *p.Status.StartTime
	}
	p.Status.Phase = corev1.PodRunning
	p.Status.StartTime = &start
	p.Status.HostIP = "127.0.0.1"
	p.Status.HostIPs = []corev1.HostIP{{IP: "127.0.0.1"}}
	ip := podIP(string(p.UID))
	p.Status.PodIP = ip
	p.Status.PodIPs = []corev1.PodIP{{IP: ip}}
	readyStatus := corev1.ConditionTrue
	if !ready {
		readyStatus = corev1.ConditionFalse
	}
	p.Status.Conditions = []corev1.PodCondition{
		{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionTrue, LastTransitionTime: start},
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: start},
		{Type: corev1.ContainersReady, Status: readyStatus, LastTransitionTime: metav1.NewTime(now)},
		{Type: corev1.PodReady, Status: readyStatus, LastTransitionTime: metav1.NewTime(now)},
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: start},
	}
	p.Status.InitContainerStatuses = make([]corev1.ContainerStatus, 0, len(p.Spec.InitContainers))
	for _, c := range p.Spec.InitContainers {
		p.Status.InitContainerStatuses = append(p.Status.InitContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, ImageID: c.Image, ContainerID: containerID(p, c.Name), Ready: true,
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Completed", StartedAt: start, FinishedAt: start}},
		})
	}
	p.Status.ContainerStatuses = make([]corev1.ContainerStatus, 0, len(p.Spec.Containers))
	for _, c := range p.Spec.Containers {
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, ImageID: c.Image, ContainerID: containerID(p, c.Name),
			Ready: ready, Started: ptr.To(true),
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: start}},
		})
	}
	return p
}

// finished returns a Job pod as it looks once its containers exited.
func finished(pod *corev1.Pod, now time.Time) *corev1.Pod {
	p := pod.DeepCopy()
	exitCode, reason, phase := int32(0), "Completed", corev1.PodSucceeded
	if p.Annotations[FailAnnotation] == "true" {
		exitCode, reason, phase = 1, "Error", corev1.PodFailed
	}
	p.Status.Phase = phase
	end := metav1.NewTime(now)
	for i := range p.Status.ContainerStatuses {
		cs := &p.Status.ContainerStatuses[i]
		started := end
		if cs.State.Running != nil {
			started = cs.State.Running.StartedAt
		}
		cs.Ready, cs.Started = false, ptr.To(false)
		cs.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: exitCode, Reason: reason, StartedAt: started, FinishedAt: end}}
	}
	for i := range p.Status.Conditions {
		if t := p.Status.Conditions[i].Type; t == corev1.PodReady || t == corev1.ContainersReady {
			p.Status.Conditions[i].Status = corev1.ConditionFalse
			p.Status.Conditions[i].Reason = "PodCompleted"
			p.Status.Conditions[i].LastTransitionTime = end
		}
	}
	return p
}

func containerID(p *corev1.Pod, name string) string {
	return "kurator-sim://" + string(p.UID) + "/" + name
}
