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
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/drain"
	"kurator.dev/kurator/internal/scheme"
)

// The taints, the bindings a drain moves and the wait are tested in
// internal/drain; these tests cover what the commands print and exit with.

var (
	opsNow     = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	opsEarlier = metav1.NewTime(opsNow.Add(-time.Hour))
)

func fixedNow() time.Time { return opsNow }

func fixedClock() clock.PassiveClock { return clocktesting.NewFakePassiveClock(opsNow) }

// notReady is a taint of the cluster-status controller.
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

func TestCordonAndUncordonSayWhatChanged(t *testing.T) {
	c := opsClient(testCluster("hz", notReady()), testCluster("sh"))
	var out bytes.Buffer
	if err := runCordon(context.Background(), c, &out, []string{"hz", "sh"}, fixedClock()); err != nil {
		t.Fatal(err)
	}
	if want := "cluster/hz cordoned\ncluster/sh cordoned\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
	out.Reset()
	if err := runCordon(context.Background(), c, &out, []string{"hz"}, fixedClock()); err != nil {
		t.Fatal(err)
	}
	if want := "cluster/hz already cordoned\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
	out.Reset()
	for range 2 {
		if err := runUncordon(context.Background(), c, &out, []string{"hz"}); err != nil {
			t.Fatal(err)
		}
	}
	if want := "cluster/hz uncordoned\ncluster/hz already uncordoned\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
}

func TestCordonOfAMissingClusterFailsButCordonsTheOthers(t *testing.T) {
	c := opsClient(testCluster("hz"))
	var out bytes.Buffer
	err := runCordon(context.Background(), c, &out, []string{"ghost", "hz"}, fixedClock())
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

func rb(ns, name string, clusters ...string) *workv1alpha2.ResourceBinding {
	b := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	for _, c := range clusters {
		b.Spec.Clusters = append(b.Spec.Clusters, workv1alpha2.TargetCluster{Name: c, Replicas: 1})
	}
	return b
}

func TestDrainSaysWhatChangedAndWhatMoves(t *testing.T) {
	c := opsClient(testCluster("hz", notReady()), testCluster("sh"), rb("default", "nginx-deployment", "hz", "sh"))
	var out bytes.Buffer
	o := drainOptions{timeout: time.Minute, interval: time.Millisecond, clock: fixedClock()}
	if err := runDrain(context.Background(), c, &out, []string{"hz"}, o); err != nil {
		t.Fatal(err)
	}
	if want := "cluster/hz cordoned\ncluster/hz draining\n1 binding being moved off hz\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}

	// A cordoned cluster is drained by adding only the draining taint.
	c = opsClient(testCluster("hz", corev1.Taint{Key: drain.TaintCordoned, Effect: corev1.TaintEffectNoSchedule, TimeAdded: &opsEarlier}))
	out.Reset()
	if err := runDrain(context.Background(), c, &out, []string{"hz"}, o); err != nil {
		t.Fatal(err)
	}
	if want := "cluster/hz already cordoned\ncluster/hz draining\n0 bindings being moved off hz\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
}

func TestPrintDrainBindings(t *testing.T) {
	state := map[string]drain.ClusterBindings{
		"hz": {Moving: []string{"admin-clusterrole", "default/cache-statefulset", "default/nginx-deployment", "shop/web-deployment"},
			Staying: []string{"default/agent-daemonset"}},
		"sh": {Moving: []string{"default/api-deployment"}, Staying: []string{"default/a", "default/b"}},
	}
	var out bytes.Buffer
	printDrainBindings(&out, []string{"hz", "sh"}, state, false)
	want := "4 bindings being moved off hz\n" +
		"1 binding tolerates cluster.kurator.dev/draining and stays on hz: default/agent-daemonset\n" +
		"1 binding being moved off sh\n" +
		"2 bindings tolerate cluster.kurator.dev/draining and stay on sh: default/a, default/b\n"
	if out.String() != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	// With --wait, the progress tells what moves.
	out.Reset()
	printDrainBindings(&out, []string{"hz"}, state, true)
	if want := "1 binding tolerates cluster.kurator.dev/draining and stays on hz: default/agent-daemonset\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
}

func TestDrainProgress(t *testing.T) {
	var out bytes.Buffer
	progress := drainProgress(&out)
	progress("hz", 2)
	progress("hz", 1)
	progress("hz", 0)
	if want := "2 bindings left on hz\n1 binding left on hz\ncluster/hz drained\n"; out.String() != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestDrainOfAMissingClusterExitsOne(t *testing.T) {
	c := opsClient(testCluster("hz"))
	var out bytes.Buffer
	err := runDrain(context.Background(), c, &out, []string{"hz", "ghost"}, drainOptions{wait: true, timeout: time.Minute, interval: time.Millisecond, clock: fixedClock()})
	if err == nil || !strings.Contains(err.Error(), `cluster "ghost" not found`) || ExitCode(err) != 1 {
		t.Fatalf("error %v, want cluster \"ghost\" not found and exit 1", err)
	}
	if !strings.Contains(out.String(), "cluster/hz drained\n") {
		t.Fatalf("hz was not drained:\n%s", out.String())
	}
}

func TestDrainWaitTimesOut(t *testing.T) {
	c := opsClient(testCluster("hz"), testCluster("sh"), rb("default", "nginx-deployment", "hz", "sh"), rb("shop", "web-deployment", "sh", "hz"))
	var out bytes.Buffer
	o := drainOptions{wait: true, timeout: 20 * time.Millisecond, interval: time.Millisecond, clock: fixedClock()}
	err := runDrain(context.Background(), c, &out, []string{"hz"}, o)
	if err == nil || ExitCode(err) != 1 {
		t.Fatalf("error %v, want a timeout with exit 1", err)
	}
	for _, want := range []string{"timed out after 20ms", "2 bindings left on hz: default/nginx-deployment, shop/web-deployment",
		"see 'kurator describe rb NAME' for the evictions"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if want := "2 bindings left on hz\n"; !strings.HasSuffix(out.String(), want) || strings.Count(out.String(), "left on") != 1 {
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
