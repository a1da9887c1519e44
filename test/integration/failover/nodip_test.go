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

package failover

import (
	"context"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/kubectl/pkg/polymorphichelpers"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// readySample is one look, at about the same moment, at a Deployment's
// Ready replicas on the control plane and on the members.
type readySample struct {
	at           time.Duration
	controlPlane int32
	members      int32
	rolledOut    bool
	rollout      string
}

// sampleReady looks every 150 ms until stop is called, which returns the
// samples: the control plane's aggregated readyReplicas and what kubectl
// rollout status makes of its status, and the sum of the Ready replicas of
// the copies on the members (a member that does not answer counts none).
func sampleReady(t *testing.T, ns, name string, members []string) (stop func() []readySample) {
	ctx, cancel := context.WithCancel(context.Background())
	var (
		mu      sync.Mutex
		samples []readySample
		done    = make(chan struct{})
		start   = time.Now()
	)
	viewer, err := polymorphichelpers.StatusViewerFor(appsv1.SchemeGroupVersion.WithKind("Deployment").GroupKind())
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(done)
		tick := time.NewTicker(150 * time.Millisecond)
		defer tick.Stop()
		for {
			s := readySample{at: time.Since(start)}
			tpl := &appsv1.Deployment{}
			if err := fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, tpl); err == nil {
				s.controlPlane = tpl.Status.ReadyReplicas
				raw, _ := runtime.DefaultUnstructuredConverter.ToUnstructured(tpl)
				u := &unstructured.Unstructured{Object: raw}
				msg, ok, err := viewer.Status(u, 0)
				s.rolledOut, s.rollout = ok && err == nil, msg
			}
			for _, m := range members {
				c, err := fleet.Member(m)
				if err != nil {
					continue
				}
				mctx, mcancel := context.WithTimeout(ctx, time.Second)
				d, err := c.AppsV1().Deployments(ns).Get(mctx, name, metav1.GetOptions{})
				mcancel()
				if err == nil {
					s.members += d.Status.ReadyReplicas
				}
			}
			if ctx.Err() != nil {
				return
			}
			mu.Lock()
			samples = append(samples, s)
			mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return func() []readySample {
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return samples
	}
}

// Draining a member, then rebalancing back onto it, moves replicas without
// the control plane's status dipping: the leaving copies keep serving until the new ones are Ready, and
// the aggregated status counts them meanwhile, so readyReplicas stays at the
// full count and kubectl rollout status stays satisfied throughout.
func TestDrainKeepsTheFleetStatusReady(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "nodip-"}}
	g.Expect(fleet.ControlPlane.Create(ctx, ns)).To(Succeed())
	all := []string{"cluster-hangzhou", "cluster-shanghai", "cluster-frankfurt"}
	d, _ := duplicated(ns.Name)
	d.Name = "steady"
	d.Spec.Selector.MatchLabels = map[string]string{"app": "steady"}
	d.Spec.Template.Labels = map[string]string{"app": "steady"}
	six := int32(6)
	d.Spec.Replicas = &six
	g.Expect(fleet.ControlPlane.Create(ctx, d)).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(ctx, &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "steady", Namespace: ns.Name},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "steady"}},
			Placement: policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: all},
				ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided,
					ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted}},
		}})).To(Succeed())
	g.Eventually(func(g Gomega) {
		got, _ := decision(g, ns.Name, "steady-deployment")
		g.Expect(got).To(HaveKeyWithValue("cluster-shanghai", int32(2)))
		tpl := &appsv1.Deployment{}
		g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKeyFromObject(d), tpl)).To(Succeed())
		g.Expect(tpl.Status.ReadyReplicas).To(Equal(six))
		g.Expect(tpl.Status.ObservedGeneration).To(Equal(tpl.Generation))
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	stop := sampleReady(t, ns.Name, "steady", all)
	uncordoned := false
	defer func() {
		if !uncordoned {
			kurator(t, "uncordon", "cluster-shanghai")
		}
	}()
	// Not --wait: workloads of earlier tests that only shanghai may run
	// stay there.
	code, out := kurator(t, "drain", "cluster-shanghai")
	g.Expect(code).To(Equal(0), out)
	g.Eventually(func(g Gomega) {
		got, _ := decision(g, ns.Name, "steady-deployment")
		g.Expect(got).NotTo(HaveKey("cluster-shanghai"))
		_, err := member(g, "cluster-shanghai", ns.Name, "steady")
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "copy still in shanghai: %v", err)
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	expectNoDip(t, g, "drain", stop(), six)

	// Uncordoned and rebalanced: replicas move back to shanghai, the
	// clusters giving them up keeping theirs until it runs them.
	code, out = kurator(t, "uncordon", "cluster-shanghai")
	g.Expect(code).To(Equal(0), out)
	uncordoned = true
	stop = sampleReady(t, ns.Name, "steady", all)
	// Rescheduling is recorded to the second; let the last decision's
	// second pass so the request is newer than it.
	g.Eventually(func(g Gomega) {
		code, out := kurator(t, "rebalance", "-n", ns.Name, "deployment/steady")
		g.Expect(code).To(Equal(0), out)
		got, rb := decision(g, ns.Name, "steady-deployment")
		g.Expect(got).To(HaveKeyWithValue("cluster-shanghai", int32(2)))
		g.Expect(rb.Annotations).NotTo(HaveKey(workv1alpha2.FailbackFromAnnotation))
		g.Expect(readyIn(g, "cluster-shanghai", ns.Name, "steady")).To(Equal(int32(2)))
	}).WithTimeout(60 * time.Second).WithPolling(time.Second).Should(Succeed())
	samples := stop()
	_, rb := decision(g, ns.Name, "steady-deployment")
	t.Logf("rebalance requested at %v, last scheduled at %v", rb.Spec.RescheduleTriggeredAt, rb.Status.LastScheduledTime)
	var events corev1.EventList
	g.Expect(fleet.ControlPlane.List(ctx, &events, client.InNamespace(ns.Name))).To(Succeed())
	for _, e := range events.Items {
		t.Logf("event %s %s: %s", e.EventTime.Format("15:04:05.000000"), e.Reason, e.Message)
	}
	expectNoDip(t, g, "rebalance", samples, six)
	g.Expect(events.Items).To(ContainElement(HaveField("Reason", "RebalanceDone")))
}

// expectNoDip checks the samples of a move: the members never ran fewer
// than want Ready replicas (the move itself was graceful), and the control
// plane read at least want and rolled out in every sample.
func expectNoDip(t *testing.T, g Gomega, move string, samples []readySample, want int32) {
	t.Helper()
	g.Expect(len(samples)).To(BeNumerically(">", 5), "the %s was sampled", move)
	for _, s := range samples {
		g.Expect(s.members).To(BeNumerically(">=", want), "%s: at %s the members ran %d Ready replicas: the move itself dipped", move, s.at, s.members)
		// More than want is no dip: after a hand-over the status may still
		// count, for a moment, the replicas the members are scaling down.
		g.Expect(s.controlPlane).To(BeNumerically(">=", want), "%s: at %s the control plane read %d Ready replicas while the members had %d", move, s.at, s.controlPlane, s.members)
		g.Expect(s.rolledOut).To(BeTrue(), "%s: at %s kubectl rollout status read: %s", move, s.at, s.rollout)
	}
	t.Logf("%s: %d samples over %s, the control plane read at least %d Ready and rolled out in each", move, len(samples), samples[len(samples)-1].at.Round(100*time.Millisecond), want)
}
