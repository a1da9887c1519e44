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
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"
)

type podOpt func(*corev1.Pod)

func annotated(k, v string) podOpt {
	return func(p *corev1.Pod) {
		if p.Annotations == nil {
			p.Annotations = map[string]string{}
		}
		p.Annotations[k] = v
	}
}

func ownedByJob(p *corev1.Pod) {
	p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: "j", UID: "job-uid", Controller: ptr.To(true)}}
}

func onNode(node string) podOpt { return func(p *corev1.Pod) { p.Spec.NodeName = node } }

func testPod(opts ...podOpt) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "pod-uid-1"},
		Spec: corev1.PodSpec{
			NodeName:       "c1-node-0",
			InitContainers: []corev1.Container{{Name: "init", Image: "busybox"}},
			Containers:     []corev1.Container{{Name: "app", Image: "nginx"}, {Name: "side", Image: "envoy"}},
		},
		Status: corev1.PodStatus{Phase: corev1.PodPending},
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

// podHarness drives syncPod the way the informer would: the lister serves
// what the (fake) API server stored after the previous step.
type podHarness struct {
	t       *testing.T
	s       *Simulator
	client  *fake.Clientset
	indexer cache.Indexer
	key     types.NamespacedName
}

func newPodHarness(t *testing.T, pod *corev1.Pod) (*podHarness, func(time.Duration)) {
	s, client, clk := newTestSimulator(2, pod)
	indexer := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	s.pods = corelisters.NewPodLister(indexer)
	h := &podHarness{t: t, s: s, client: client, indexer: indexer, key: types.NamespacedName{Namespace: pod.Namespace, Name: pod.Name}}
	return h, clk.Step
}

// sync refreshes the lister from the API server and runs syncPod once.
func (h *podHarness) sync() time.Duration {
	h.t.Helper()
	stored, err := h.client.CoreV1().Pods(h.key.Namespace).Get(context.Background(), h.key.Name, metav1.GetOptions{})
	if err == nil {
		if err := h.indexer.Update(stored); err != nil {
			h.t.Fatal(err)
		}
	}
	after, err := h.s.syncPod(context.Background(), h.key)
	if err != nil {
		h.t.Fatalf("syncPod: %v", err)
	}
	return after
}

func (h *podHarness) pod() *corev1.Pod {
	h.t.Helper()
	p, err := h.client.CoreV1().Pods(h.key.Namespace).Get(context.Background(), h.key.Name, metav1.GetOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

func condition(p *corev1.Pod, t corev1.PodConditionType) corev1.ConditionStatus {
	for _, c := range p.Status.Conditions {
		if c.Type == t {
			return c.Status
		}
	}
	return ""
}

func TestSyncPodRunsLongLivedPods(t *testing.T) {
	cases := map[string]struct {
		opts      []podOpt
		wantReady corev1.ConditionStatus
	}{
		"pod becomes Running and Ready":                         {wantReady: corev1.ConditionTrue},
		"ready annotation false keeps it Running but not Ready": {opts: []podOpt{annotated(ReadyAnnotation, "false")}, wantReady: corev1.ConditionFalse},
		"a Running pod without start time gets one": {
			opts:      []podOpt{func(p *corev1.Pod) { p.Status.Phase = corev1.PodRunning }},
			wantReady: corev1.ConditionTrue,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h, _ := newPodHarness(t, testPod(tc.opts...))
			g.Expect(h.sync()).To(BeZero())

			p := h.pod()
			g.Expect(p.Status.Phase).To(Equal(corev1.PodRunning))
			g.Expect(p.Status.StartTime).NotTo(BeNil())
			g.Expect(p.Status.StartTime.Time).To(BeTemporally("==", testStart))
			g.Expect(p.Status.PodIP).To(Equal(podIP("pod-uid-1")))
			g.Expect(p.Status.PodIPs).To(Equal([]corev1.PodIP{{IP: p.Status.PodIP}}))
			g.Expect(p.Status.HostIP).To(Equal("127.0.0.1"))
			g.Expect(condition(p, corev1.PodReady)).To(Equal(tc.wantReady))
			g.Expect(condition(p, corev1.ContainersReady)).To(Equal(tc.wantReady))
			g.Expect(condition(p, corev1.PodInitialized)).To(Equal(corev1.ConditionTrue))
			g.Expect(p.Status.ContainerStatuses).To(HaveLen(2))
			for i, cs := range p.Status.ContainerStatuses {
				g.Expect(cs.Name).To(Equal(p.Spec.Containers[i].Name))
				g.Expect(cs.Image).To(Equal(p.Spec.Containers[i].Image))
				g.Expect(cs.State.Running).NotTo(BeNil())
				g.Expect(cs.Ready).To(Equal(tc.wantReady == corev1.ConditionTrue))
			}
			g.Expect(p.Status.InitContainerStatuses).To(ConsistOf(HaveField("State.Terminated.Reason", "Completed")))

			// Nothing left to do: a second pass writes nothing.
			before := len(h.client.Actions())
			g.Expect(h.sync()).To(BeZero())
			g.Expect(h.client.Actions()[before:]).To(HaveLen(1), "only the harness's own GET")
		})
	}
}

func TestSyncPodFollowsReadyAnnotationChanges(t *testing.T) {
	g := NewWithT(t)
	h, _ := newPodHarness(t, testPod())
	h.sync()
	g.Expect(condition(h.pod(), corev1.PodReady)).To(Equal(corev1.ConditionTrue))

	p := h.pod()
	annotated(ReadyAnnotation, "false")(p)
	_, err := h.client.CoreV1().Pods(p.Namespace).Update(context.Background(), p, metav1.UpdateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	h.sync()
	g.Expect(condition(h.pod(), corev1.PodReady)).To(Equal(corev1.ConditionFalse))
	g.Expect(h.pod().Status.Phase).To(Equal(corev1.PodRunning))
}

func TestSyncPodCompletesJobPods(t *testing.T) {
	cases := map[string]struct {
		opts      []podOpt
		run       time.Duration
		wantPhase corev1.PodPhase
		wantExit  int32
	}{
		"default run time, succeeds": {run: time.Second, wantPhase: corev1.PodSucceeded},
		"run-seconds annotation":     {opts: []podOpt{annotated(RunSecondsAnnotation, "30")}, run: 30 * time.Second, wantPhase: corev1.PodSucceeded},
		"fractional run-seconds":     {opts: []podOpt{annotated(RunSecondsAnnotation, "2.5")}, run: 2500 * time.Millisecond, wantPhase: corev1.PodSucceeded},
		"unparsable run-seconds":     {opts: []podOpt{annotated(RunSecondsAnnotation, "soon")}, run: time.Second, wantPhase: corev1.PodSucceeded},
		"running without a start time is started, not crashed on": {
			opts: []podOpt{func(p *corev1.Pod) { p.Status.Phase = corev1.PodRunning }}, run: time.Second, wantPhase: corev1.PodSucceeded,
		},
		"fail annotation makes it fail": {opts: []podOpt{annotated(FailAnnotation, "true")}, run: time.Second, wantPhase: corev1.PodFailed, wantExit: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			h, step := newPodHarness(t, testPod(append([]podOpt{ownedByJob}, tc.opts...)...))
			g.Expect(h.sync()).To(Equal(tc.run), "first pass starts the pod and asks to come back")
			g.Expect(h.pod().Status.Phase).To(Equal(corev1.PodRunning))

			step(tc.run / 2)
			g.Expect(h.sync()).To(Equal(tc.run-tc.run/2), "still running")
			g.Expect(h.pod().Status.Phase).To(Equal(corev1.PodRunning))

			step(tc.run - tc.run/2)
			g.Expect(h.sync()).To(BeZero())
			p := h.pod()
			g.Expect(p.Status.Phase).To(Equal(tc.wantPhase))
			g.Expect(condition(p, corev1.PodReady)).To(Equal(corev1.ConditionFalse))
			for _, cs := range p.Status.ContainerStatuses {
				g.Expect(cs.State.Terminated).NotTo(BeNil(), "container %s", cs.Name)
				g.Expect(cs.State.Terminated.ExitCode).To(Equal(tc.wantExit))
				g.Expect(cs.State.Terminated.StartedAt.Time).To(BeTemporally("==", testStart))
				g.Expect(cs.State.Terminated.FinishedAt.Time).To(BeTemporally("==", testStart.Add(tc.run)))
			}

			// A finished pod is left alone.
			step(time.Hour)
			before := len(h.client.Actions())
			g.Expect(h.sync()).To(BeZero())
			g.Expect(h.client.Actions()[before:]).To(HaveLen(1))
			g.Expect(h.pod().Status.Phase).To(Equal(tc.wantPhase))
		})
	}
}

func TestSyncPodDeletesTerminatingPods(t *testing.T) {
	g := NewWithT(t)
	pod := testPod(func(p *corev1.Pod) {
		p.DeletionTimestamp = &metav1.Time{Time: testStart}
		p.Finalizers = nil
	})
	h, _ := newPodHarness(t, pod)
	g.Expect(h.indexer.Add(pod)).To(Succeed())
	_, err := h.s.syncPod(context.Background(), h.key)
	g.Expect(err).NotTo(HaveOccurred())
	_, err = h.client.CoreV1().Pods("ns").Get(context.Background(), "p", metav1.GetOptions{})
	g.Expect(err).To(MatchError(ContainSubstring("not found")))

	// The pod is already gone: the next pass is a no-op, not an error.
	_, err = h.s.syncPod(context.Background(), h.key)
	g.Expect(err).NotTo(HaveOccurred())
}

func TestSyncPodIgnoresPodsMissingFromTheCache(t *testing.T) {
	g := NewWithT(t)
	h, _ := newPodHarness(t, testPod())
	after, err := h.s.syncPod(context.Background(), types.NamespacedName{Namespace: "ns", Name: "gone"})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(after).To(BeZero())
	g.Expect(h.client.Actions()).To(BeEmpty())
}

func TestEnqueueOnlyOwnedNodes(t *testing.T) {
	cases := map[string]struct {
		obj  any
		want int
	}{
		"pod on a simulated node":          {obj: testPod(), want: 1},
		"pod on the last node of the pool": {obj: testPod(onNode("c1-node-1")), want: 1},
		"pod on a node beyond the pool":    {obj: testPod(onNode("c1-node-2")), want: 0},
		"pod on a foreign node":            {obj: testPod(onNode("c2-node-0")), want: 0},
		"unscheduled pod":                  {obj: testPod(onNode("")), want: 0},
		"not a pod":                        {obj: &corev1.Node{}, want: 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			s, _, _ := newTestSimulator(2)
			defer s.queue.ShutDown()
			s.enqueue(tc.obj)
			g.Expect(s.queue.Len()).To(Equal(tc.want))
			if tc.want > 0 {
				key, _ := s.queue.Get()
				g.Expect(key).To(Equal(types.NamespacedName{Namespace: "ns", Name: "p"}))
			}
		})
	}
}
