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

package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheme"
)

var (
	opsNow     = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	opsEarlier = metav1.NewTime(opsNow.Add(-time.Hour))
)

func fixedNow() time.Time { return opsNow }

// notReady is a taint of the cluster-status controller, which the
// operations commands must keep.
func notReady() corev1.Taint {
	return corev1.Taint{Key: karmadaclusterv1alpha1.TaintClusterNotReady, Effect: corev1.TaintEffectNoSchedule, TimeAdded: &opsEarlier}
}

func testCluster(name string, taints ...corev1.Taint) *karmadaclusterv1alpha1.Cluster {
	return &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: karmadaclusterv1alpha1.ClusterSpec{Taints: taints}}
}

func opsClient(objs ...client.Object) client.WithWatch {
	return fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).Build()
}

func taintsOf(t *testing.T, c client.Client, name string) []corev1.Taint {
	t.Helper()
	cl := &karmadaclusterv1alpha1.Cluster{}
	if err := c.Get(context.Background(), client.ObjectKey{Name: name}, cl); err != nil {
		t.Fatal(err)
	}
	return cl.Spec.Taints
}

func taint(key string, effect corev1.TaintEffect, added metav1.Time) corev1.Taint {
	return corev1.Taint{Key: key, Effect: effect, TimeAdded: &added}
}

func diffTaints(got, want []corev1.Taint) string {
	return cmp.Diff(want, got, cmp.Comparer(func(a, b metav1.Time) bool { return a.Equal(&b) }))
}

func TestCordonIsIdempotentAndKeepsOtherTaints(t *testing.T) {
	c := opsClient(testCluster("hz", notReady()), testCluster("sh"))
	var out bytes.Buffer
	if err := runCordon(context.Background(), c, &out, []string{"hz", "sh"}, fixedNow); err != nil {
		t.Fatal(err)
	}
	if want := "cluster/hz cordoned\ncluster/sh cordoned\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
	want := []corev1.Taint{notReady(), taint(TaintClusterCordoned, corev1.TaintEffectNoSchedule, metav1.NewTime(opsNow))}
	if d := diffTaints(taintsOf(t, c, "hz"), want); d != "" {
		t.Fatalf("taints of hz (-want +got):\n%s", d)
	}

	// Again, later: nothing changes, not even timeAdded.
	out.Reset()
	later := func() time.Time { return opsNow.Add(time.Hour) }
	if err := runCordon(context.Background(), c, &out, []string{"hz"}, later); err != nil {
		t.Fatal(err)
	}
	if want := "cluster/hz already cordoned\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
	if d := diffTaints(taintsOf(t, c, "hz"), want); d != "" {
		t.Fatalf("second cordon changed the taints (-want +got):\n%s", d)
	}
}

func TestCordonOfAMissingClusterFailsButCordonsTheOthers(t *testing.T) {
	c := opsClient(testCluster("hz"))
	var out bytes.Buffer
	err := runCordon(context.Background(), c, &out, []string{"ghost", "hz"}, fixedNow)
	if err == nil || !strings.Contains(err.Error(), `cluster "ghost" not found`) || ExitCode(err) != 1 {
		t.Fatalf("error %v (exit %d), want cluster \"ghost\" not found and exit 1", err, ExitCode(err))
	}
	if out.String() != "cluster/hz cordoned\n" {
		t.Fatalf("output %q", out.String())
	}
	if len(taintsOf(t, c, "hz")) != 1 {
		t.Fatalf("hz not cordoned: %v", taintsOf(t, c, "hz"))
	}
	err = runUncordon(context.Background(), c, &out, []string{"ghost"})
	if err == nil || ExitCode(err) != 1 {
		t.Fatalf("uncordon of a missing cluster: %v", err)
	}
}

func TestUncordonRemovesCordonAndDrainOnly(t *testing.T) {
	c := opsClient(testCluster("hz",
		taint(TaintClusterCordoned, corev1.TaintEffectNoSchedule, opsEarlier), notReady(),
		taint(TaintClusterDraining, corev1.TaintEffectNoExecute, opsEarlier),
		corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}))
	var out bytes.Buffer
	if err := runUncordon(context.Background(), c, &out, []string{"hz"}); err != nil {
		t.Fatal(err)
	}
	want := []corev1.Taint{notReady(), {Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}
	if d := diffTaints(taintsOf(t, c, "hz"), want); d != "" {
		t.Fatalf("taints (-want +got):\n%s", d)
	}
	if err := runUncordon(context.Background(), c, &out, []string{"hz"}); err != nil {
		t.Fatal(err)
	}
	if want := "cluster/hz uncordoned\ncluster/hz already uncordoned\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
}

// TestCordonRetriesOnConflict has the cluster-status controller taint the
// cluster between the command's read and its write: the write must fail on
// the resource version and be redone, keeping the controller's taint.
func TestCordonRetriesOnConflict(t *testing.T) {
	base := opsClient(testCluster("hz"))
	patches := 0
	c := interceptor.NewClient(base, interceptor.Funcs{
		Patch: func(ctx context.Context, cl client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
			patches++
			if patches == 1 {
				concurrent := &karmadaclusterv1alpha1.Cluster{}
				if err := cl.Get(ctx, client.ObjectKey{Name: "hz"}, concurrent); err != nil {
					return err
				}
				concurrent.Spec.Taints = append(concurrent.Spec.Taints, notReady())
				if err := cl.Update(ctx, concurrent); err != nil {
					return err
				}
			}
			return cl.Patch(ctx, obj, patch, opts...)
		},
	})
	var out bytes.Buffer
	if err := runCordon(context.Background(), c, &out, []string{"hz"}, fixedNow); err != nil {
		t.Fatal(err)
	}
	if patches != 2 {
		t.Fatalf("%d patches, want 2 (a conflict, then the retry)", patches)
	}
	want := []corev1.Taint{notReady(), taint(TaintClusterCordoned, corev1.TaintEffectNoSchedule, metav1.NewTime(opsNow))}
	if d := diffTaints(taintsOf(t, base, "hz"), want); d != "" {
		t.Fatalf("taints (-want +got):\n%s", d)
	}
}

func rb(ns, name string, clusters ...string) *workv1alpha2.ResourceBinding {
	b := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	for _, c := range clusters {
		b.Spec.Clusters = append(b.Spec.Clusters, workv1alpha2.TargetCluster{Name: c, Replicas: 1})
	}
	return b
}

func drainFixture() []client.Object {
	tolerant := rb("default", "agent-daemonset", "hz")
	tolerant.Spec.Placement = &policyv1alpha1.Placement{ClusterTolerations: []corev1.Toleration{
		{Key: TaintClusterDraining, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}}}
	delayed := rb("default", "cache-statefulset", "hz")
	secs := int64(60)
	delayed.Spec.Placement = &policyv1alpha1.Placement{ClusterTolerations: []corev1.Toleration{
		{Key: TaintClusterDraining, Operator: corev1.TolerationOpExists, TolerationSeconds: &secs}}}
	crb := &workv1alpha2.ClusterResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: "admin-clusterrole"},
		Spec: workv1alpha2.ResourceBindingSpec{Clusters: []workv1alpha2.TargetCluster{{Name: "hz"}, {Name: "sh"}}}}
	return []client.Object{
		testCluster("hz", notReady()), testCluster("sh"),
		rb("default", "nginx-deployment", "hz", "sh"), rb("shop", "web-deployment", "sh", "hz"), rb("default", "api-deployment", "sh"),
		tolerant, delayed, crb,
	}
}

func TestDrainTaintsAndCountsTheBindingsToMove(t *testing.T) {
	c := opsClient(drainFixture()...)
	var out bytes.Buffer
	o := drainOptions{timeout: time.Minute, interval: time.Millisecond, now: fixedNow}
	if err := runDrain(context.Background(), c, &out, []string{"hz"}, o); err != nil {
		t.Fatal(err)
	}
	want := "cluster/hz cordoned\ncluster/hz draining\n" +
		"4 bindings being moved off hz\n" +
		"1 binding tolerates cluster.kurator.dev/draining and stays on hz: default/agent-daemonset\n"
	if out.String() != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	wantTaints := []corev1.Taint{notReady(),
		taint(TaintClusterCordoned, corev1.TaintEffectNoSchedule, metav1.NewTime(opsNow)),
		taint(TaintClusterDraining, corev1.TaintEffectNoExecute, metav1.NewTime(opsNow))}
	if d := diffTaints(taintsOf(t, c, "hz"), wantTaints); d != "" {
		t.Fatalf("taints (-want +got):\n%s", d)
	}
	if len(taintsOf(t, c, "sh")) != 0 {
		t.Fatalf("sh tainted: %v", taintsOf(t, c, "sh"))
	}

	// A cordoned cluster is drained by adding only the draining taint.
	c = opsClient(testCluster("hz", taint(TaintClusterCordoned, corev1.TaintEffectNoSchedule, opsEarlier)))
	out.Reset()
	if err := runDrain(context.Background(), c, &out, []string{"hz"}, o); err != nil {
		t.Fatal(err)
	}
	if want := "cluster/hz already cordoned\ncluster/hz draining\n0 bindings being moved off hz\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
	wantTaints = []corev1.Taint{taint(TaintClusterCordoned, corev1.TaintEffectNoSchedule, opsEarlier),
		taint(TaintClusterDraining, corev1.TaintEffectNoExecute, metav1.NewTime(opsNow))}
	if d := diffTaints(taintsOf(t, c, "hz"), wantTaints); d != "" {
		t.Fatalf("taints (-want +got):\n%s", d)
	}
}

func TestDrainOfAMissingClusterExitsOne(t *testing.T) {
	c := opsClient(testCluster("hz"))
	var out bytes.Buffer
	err := runDrain(context.Background(), c, &out, []string{"hz", "ghost"}, drainOptions{wait: true, timeout: time.Minute, interval: time.Millisecond, now: fixedNow})
	if err == nil || !strings.Contains(err.Error(), `cluster "ghost" not found`) || ExitCode(err) != 1 {
		t.Fatalf("error %v, want cluster \"ghost\" not found and exit 1", err)
	}
	if !strings.Contains(out.String(), "cluster/hz drained\n") {
		t.Fatalf("hz was not drained:\n%s", out.String())
	}
}

// TestDrainWaitFollowsTheEvictions plays the failover controller: each
// time the command lists the bindings, one more step of the move is done.
// A copy kept by a graceful eviction task is still on the cluster.
func TestDrainWaitFollowsTheEvictions(t *testing.T) {
	base := opsClient(testCluster("hz"), testCluster("sh"), rb("default", "nginx-deployment", "hz", "sh"), rb("default", "web-deployment", "hz"),
		rb("default", "api-deployment", "sh"))
	never := rb("default", "db-statefulset", "sh")
	never.Spec.GracefulEvictionTasks = []workv1alpha2.GracefulEvictionTask{{FromCluster: "hz", PurgeMode: policyv1alpha1.PurgeModeNever, Reason: "TaintUntolerated", Producer: "test"}}
	if err := base.Create(context.Background(), never); err != nil {
		t.Fatal(err)
	}
	steps := []func(ctx context.Context, c client.Client) error{
		func(context.Context, client.Client) error { return nil }, // the count before the wait
		func(ctx context.Context, c client.Client) error { // nginx: evicted, old copy kept
			return moveOff(ctx, c, "nginx-deployment", true)
		},
		func(ctx context.Context, c client.Client) error { // web: evicted directly
			return moveOff(ctx, c, "web-deployment", false)
		},
		func(context.Context, client.Client) error { return nil }, // nothing happens for a while
		func(ctx context.Context, c client.Client) error { // nginx: replacement healthy
			b := &workv1alpha2.ResourceBinding{}
			if err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "nginx-deployment"}, b); err != nil {
				return err
			}
			b.Spec.GracefulEvictionTasks = nil
			return c.Update(ctx, b)
		},
	}
	lists := 0
	c := interceptor.NewClient(base, interceptor.Funcs{
		List: func(ctx context.Context, cl client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
			if _, ok := list.(*workv1alpha2.ResourceBindingList); ok {
				if lists >= len(steps) {
					t.Fatalf("listed %d times after the drain completed", lists-len(steps)+1)
				}
				if err := steps[lists](ctx, cl); err != nil {
					return err
				}
				lists++
			}
			return cl.List(ctx, list, opts...)
		},
	})
	var out bytes.Buffer
	o := drainOptions{wait: true, timeout: time.Minute, interval: time.Millisecond, now: fixedNow}
	if err := runDrain(context.Background(), c, &out, []string{"hz"}, o); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := "cluster/hz cordoned\ncluster/hz draining\n2 bindings left on hz\n1 binding left on hz\ncluster/hz drained\n"
	if out.String() != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if lists != len(steps) {
		t.Fatalf("listed %d times, want %d", lists, len(steps))
	}
}

func moveOff(ctx context.Context, c client.Client, name string, graceful bool) error {
	b := &workv1alpha2.ResourceBinding{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: name}, b); err != nil {
		return err
	}
	var kept []workv1alpha2.TargetCluster
	for _, t := range b.Spec.Clusters {
		if t.Name != "hz" {
			kept = append(kept, t)
		}
	}
	b.Spec.Clusters = append(kept, workv1alpha2.TargetCluster{Name: "sh", Replicas: 1})
	if graceful {
		b.Spec.GracefulEvictionTasks = append(b.Spec.GracefulEvictionTasks, workv1alpha2.GracefulEvictionTask{
			FromCluster: "hz", PurgeMode: policyv1alpha1.PurgeModeGracefully, Reason: "TaintUntolerated", Producer: "test"})
	}
	return c.Update(ctx, b)
}

func TestDrainWaitTimesOut(t *testing.T) {
	c := opsClient(drainFixture()...)
	var out bytes.Buffer
	o := drainOptions{wait: true, timeout: 20 * time.Millisecond, interval: time.Millisecond, now: fixedNow}
	err := runDrain(context.Background(), c, &out, []string{"hz"}, o)
	if err == nil || ExitCode(err) != 1 {
		t.Fatalf("error %v, want a timeout with exit 1", err)
	}
	for _, want := range []string{"timed out after 20ms", "4 bindings left on hz", "admin-clusterrole", "default/cache-statefulset", "default/nginx-deployment", "shop/web-deployment"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "agent-daemonset") {
		t.Errorf("a binding that tolerates the drain is waited for: %v", err)
	}
	if want := "4 bindings left on hz\n"; !strings.HasSuffix(out.String(), want) || strings.Count(out.String(), "left on") != 1 {
		t.Fatalf("progress should be printed once per change:\n%s", out.String())
	}
}

func TestOperationsUsage(t *testing.T) {
	cases := map[string][]string{
		"cordon without a cluster":        {"cordon"},
		"uncordon without a cluster":      {"uncordon"},
		"drain without a cluster":         {"drain", "--wait"},
		"drain with a zero timeout":       {"drain", "hz", "--wait", "--timeout", "0s"},
		"drain with a bad timeout":        {"drain", "hz", "--timeout", "soon"},
		"rebalance without workloads":     {"rebalance"},
		"rebalance with --all and a name": {"rebalance", "--all", "deploy/nginx"},
		"rebalance without a kind":        {"rebalance", "nginx"},
		"rebalance without a name":        {"rebalance", "deploy/"},
		"rebalance with an unknown flag":  {"rebalance", "deploy/nginx", "--everything"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			code, out := run(t, args...)
			if code != 2 || !strings.Contains(out, "error:") {
				t.Fatalf("exit %d, want 2 with an error; output:\n%s", code, out)
			}
		})
	}
}

func TestDescribeBindingShowsEvictions(t *testing.T) {
	b := rb("default", "nginx-deployment", "sh")
	b.Spec.Resource = workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "nginx"}
	var out bytes.Buffer
	describeBinding(&out, b, nil, opsNow)
	if strings.Contains(out.String(), "Evictions:") {
		t.Fatalf("Evictions without eviction tasks:\n%s", out.String())
	}
	replicas := int32(6)
	created := metav1.NewTime(opsNow.Add(-90 * time.Second))
	b.Spec.GracefulEvictionTasks = []workv1alpha2.GracefulEvictionTask{{
		FromCluster: "hz", Replicas: &replicas, Reason: "TaintUntolerated", PurgeMode: policyv1alpha1.PurgeModeGracefully,
		Producer: "kurator-failover", CreationTimestamp: &created,
		Message: "cluster hz has taint cluster.kurator.dev/draining:NoExecute, which the placement does not tolerate",
	}, {FromCluster: "fra", Reason: "ApplicationFailure", Producer: "kurator-failover"}}
	out.Reset()
	describeBinding(&out, b, nil, opsNow)
	lines := strings.Split(out.String(), "\n")
	at := -1
	for i, l := range lines {
		if l == "Evictions:" {
			at = i
		}
	}
	if at < 0 || at+3 >= len(lines) {
		t.Fatalf("no Evictions section:\n%s", out.String())
	}
	for i, want := range [][]string{
		{"FROM", "REPLICAS", "REASON", "PURGE", "PRODUCER", "AGE", "MESSAGE"},
		{"hz", "6", "TaintUntolerated", "Gracefully", "kurator-failover", "90s", "cluster hz has taint cluster.kurator.dev/draining:NoExecute"},
		{"fra", "-", "ApplicationFailure", "-", "kurator-failover", "-", "-"},
	} {
		fields := strings.Fields(lines[at+1+i])
		if len(fields) < len(want) || !cmp.Equal(fields[:len(want)-1], want[:len(want)-1]) || !strings.Contains(lines[at+1+i], want[len(want)-1]) {
			t.Errorf("Evictions line %d = %q, want fields %q", i, lines[at+1+i], want)
		}
	}
	if !strings.Contains(out.String(), "Clusters:") || strings.Index(out.String(), "Clusters:") > strings.Index(out.String(), "Evictions:") {
		t.Errorf("Evictions should follow Clusters:\n%s", out.String())
	}
}
