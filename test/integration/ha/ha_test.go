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

package ha_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/components"
)

const rounds = 5

// Each control-plane replica and the leading controller-manager are
// SIGKILLed five times while a client creates, updates and deletes templates.
// Every acknowledged write survives, every member converges to the
// templates, and each template has exactly one Work per member — none
// duplicated, none orphaned.
func TestKillsWhilePropagating(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := createNamespace(t, g, "ha-kills")
	g.Expect(duplicateToMembers(ctx, fleet.ControlPlane, ns)).To(Succeed())

	w := newWriter(fleet.ControlPlane, ns)
	wctx, stopWriting := context.WithCancel(ctx)
	writing := make(chan struct{})
	go func() { defer close(writing); w.run(wctx, 150*time.Millisecond) }()

	var takeovers []time.Duration
	for round := range rounds {
		for _, replica := range []string{"kurator-0", "kurator-1", "kurator-2"} {
			g.Expect(fleet.Kill(replica)).To(Succeed())
			g.Expect(fleet.StartCluster(ctx, replica)).To(Succeed())
		}
		leader, err := fleet.ControllerManagerLeader(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		killed := time.Now()
		g.Expect(fleet.Kill(leader)).To(Succeed())
		next := waitForNewLeader(g, leader, 60*time.Second)
		takeovers = append(takeovers, time.Since(killed))
		t.Logf("round %d: %s killed, %s leads after %s", round+1, leader, next, takeovers[len(takeovers)-1].Round(100*time.Millisecond))
		g.Expect(fleet.StartControllerManager(ctx)).To(Succeed())
	}
	stopWriting()
	<-writing

	o := w.snapshot()
	t.Logf("%d operations attempted, %d failed and were retried (first: %v); %d templates live, %d deleted; leader takeovers after SIGKILL: %v",
		o.ops, o.failures, w.failed(), len(o.want), len(o.deleted), takeovers)
	g.Expect(len(o.want)).To(BeNumerically(">", 20), "the writer made too little progress to prove anything")
	expectConverged(t, g, ns, o)
}

// A control-plane replica stopped cleanly — the etcd leader, the worst case —
// and the leading controller-manager stopped cleanly cost no write: the
// replica hands Raft leadership over, the balancer sends new connections to
// the others, and the controller-manager releases its Lease so the standby
// leads at once.
func TestCleanStopsLoseNoWrite(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := createNamespace(t, g, "ha-stops")
	g.Expect(duplicateToMembers(ctx, fleet.ControlPlane, ns)).To(Succeed())

	w := newWriter(fleet.ControlPlane, ns)
	wctx, stopWriting := context.WithCancel(ctx)
	writing := make(chan struct{})
	go func() { defer close(writing); w.run(wctx, 100*time.Millisecond) }()

	etcdLeader := waitForEtcdLeader(g)
	g.Expect(fleet.StopCluster(etcdLeader)).To(Succeed())
	leader, err := fleet.ControllerManagerLeader(ctx)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(fleet.StopControllerManager(ctx, leader)).To(Succeed())
	waitForNewLeader(g, leader, 15*time.Second)
	g.Expect(fleet.StartCluster(ctx, etcdLeader)).To(Succeed())
	g.Expect(fleet.StartControllerManager(ctx)).To(Succeed())
	stopWriting()
	<-writing

	o := w.snapshot()
	t.Logf("%d operations, %d failed; %d templates live, %d deleted", o.ops, o.failures, len(o.want), len(o.deleted))
	g.Expect(o.failures).To(BeZero(), "a clean stop of one replica failed writes: %v", w.failed())
	expectConverged(t, g, ns, o)
}

// createNamespace retries: a connection pooled to a replica killed by an
// earlier test fails its first request, as it would behind any balancer.
func createNamespace(t *testing.T, g Gomega, prefix string) string {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"}}
	g.Eventually(func() error { return fleet.ControlPlane.Create(t.Context(), ns) }).WithTimeout(30 * time.Second).Should(Succeed())
	return ns.Name
}

// waitForNewLeader polls the leader Lease until a controller-manager other
// than old holds it.
func waitForNewLeader(g Gomega, old string, within time.Duration) string {
	var next string
	g.Eventually(func() string {
		var lease coordinationv1.Lease
		if err := fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: components.Namespace, Name: components.LeaderElectionID}, &lease); err != nil {
			return ""
		}
		if lease.Spec.HolderIdentity != nil {
			next = *lease.Spec.HolderIdentity
		}
		return next
	}).WithTimeout(within).WithPolling(100*time.Millisecond).ShouldNot(Or(BeEmpty(), Equal(old)), "no controller-manager took over from %s", old)
	return next
}

// waitForEtcdLeader names the replica whose etcd member leads, once every
// replica reports.
func waitForEtcdLeader(g Gomega) string {
	var leader string
	g.Eventually(func() string {
		st, err := fleet.ControlPlaneStatus(context.Background())
		if err != nil {
			return ""
		}
		leader = st.EtcdLeader()
		return leader
	}).WithTimeout(60 * time.Second).WithPolling(time.Second).ShouldNot(BeEmpty())
	return leader
}

// expectConverged checks the end state against what was acknowledged: the
// control plane holds every acknowledged value and none of the deleted
// templates; each member holds exactly the live templates with those values;
// each live template has one Work per member and no Work outlives its
// template. A template whose last operation was cut short when the writer
// stopped is expected as the control plane holds it.
func expectConverged(t *testing.T, g Gomega, ns string, o outcome) {
	ctx := t.Context()
	want, deleted := maps.Clone(o.want), o.deleted
	for _, name := range o.uncertain {
		cm := &corev1.ConfigMap{}
		err := fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, cm)
		if apierrors.IsNotFound(err) {
			continue
		}
		g.Expect(err).NotTo(HaveOccurred())
		want[name] = cm.Data["v"]
	}
	for name, value := range o.want {
		cm := &corev1.ConfigMap{}
		g.Expect(fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, cm)).To(Succeed(), "acknowledged template %s lost", name)
		g.Expect(cm.Data["v"]).To(Equal(value), "template %s lost an acknowledged update", name)
	}
	for _, name := range deleted {
		err := fleet.ControlPlane.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &corev1.ConfigMap{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "deleted template %s is back: %v", name, err)
	}
	expected := make([]string, 0, len(want))
	for name, value := range want {
		expected = append(expected, name+"="+value)
	}
	sort.Strings(expected)
	for _, member := range []string{"east", "west"} {
		cs, err := fleet.Member(member)
		g.Expect(err).NotTo(HaveOccurred())
		g.Eventually(func() []string {
			list, err := cs.CoreV1().ConfigMaps(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				return nil
			}
			var got []string
			for _, cm := range list.Items {
				if strings.HasPrefix(cm.Name, "cm-") {
					got = append(got, cm.Name+"="+cm.Data["v"])
				}
			}
			sort.Strings(got)
			return got
		}).WithTimeout(3*time.Minute).WithPolling(time.Second).Should(Equal(expected), "member %s did not converge to the templates", member)
	}
	g.Eventually(func() error { return worksMatch(ctx, ns, want) }).WithTimeout(2 * time.Minute).WithPolling(time.Second).Should(Succeed())
}

// worksMatch says how the Works of ns's bindings differ from one per
// member for each live template.
func worksMatch(ctx context.Context, ns string, want map[string]string) error {
	var works workv1alpha1.WorkList
	if err := fleet.ControlPlane.List(ctx, &works, client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: ns}); err != nil {
		return err
	}
	perBinding := map[string][]string{}
	for _, w := range works.Items {
		b := w.Labels[workv1alpha1.BindingNameLabel]
		perBinding[b] = append(perBinding[b], w.Namespace)
	}
	var problems []string
	for name := range want {
		b := name + "-configmap"
		got := perBinding[b]
		slices.Sort(got)
		if !slices.Equal(got, []string{workv1alpha1.ExecutionNamespace("east"), workv1alpha1.ExecutionNamespace("west")}) {
			problems = append(problems, fmt.Sprintf("%s has Works in %v", b, got))
		}
		delete(perBinding, b)
	}
	for b, where := range perBinding {
		if strings.HasPrefix(b, "cm-") {
			problems = append(problems, fmt.Sprintf("orphaned Works of %s in %v", b, where))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("%d problems, first: %s", len(problems), strings.Join(problems[:min(5, len(problems))], "; "))
	}
	return nil
}
