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

package drain

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/scheme"
)

var (
	opsNow     = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	opsEarlier = metav1.NewTime(opsNow.Add(-time.Hour))
)

func fixedClock() *clocktesting.FakePassiveClock { return clocktesting.NewFakePassiveClock(opsNow) }

// notReady is a taint of the cluster-status controller, which cordon,
// uncordon and drain must keep.
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
	ctx := context.Background()
	c := opsClient(testCluster("hz", notReady()), testCluster("sh"))
	clk := fixedClock()
	for _, name := range []string{"hz", "sh"} {
		if added, err := Cordon(ctx, c, name, clk); err != nil || !added {
			t.Fatalf("Cordon(%s) = %v, %v; want the taint added", name, added, err)
		}
	}
	want := []corev1.Taint{notReady(), taint(TaintCordoned, corev1.TaintEffectNoSchedule, metav1.NewTime(opsNow))}
	if d := diffTaints(taintsOf(t, c, "hz"), want); d != "" {
		t.Fatalf("taints of hz (-want +got):\n%s", d)
	}

	// Again, later: nothing changes, not even timeAdded.
	clk.SetTime(opsNow.Add(time.Hour))
	if added, err := Cordon(ctx, c, "hz", clk); err != nil || added {
		t.Fatalf("second Cordon = %v, %v; want already cordoned", added, err)
	}
	if d := diffTaints(taintsOf(t, c, "hz"), want); d != "" {
		t.Fatalf("second cordon changed the taints (-want +got):\n%s", d)
	}
}

func TestCordonOfAMissingClusterIsNotFound(t *testing.T) {
	c := opsClient(testCluster("hz"))
	if _, err := Cordon(context.Background(), c, "ghost", fixedClock()); !apierrors.IsNotFound(err) {
		t.Fatalf("Cordon of a missing cluster: %v, want NotFound", err)
	}
	if _, err := Uncordon(context.Background(), c, "ghost"); !apierrors.IsNotFound(err) {
		t.Fatalf("Uncordon of a missing cluster: %v, want NotFound", err)
	}
	if _, _, err := Start(context.Background(), c, "ghost", fixedClock()); !apierrors.IsNotFound(err) {
		t.Fatalf("Start of a missing cluster: %v, want NotFound", err)
	}
}

func TestUncordonRemovesCordonAndDrainOnly(t *testing.T) {
	c := opsClient(testCluster("hz",
		taint(TaintCordoned, corev1.TaintEffectNoSchedule, opsEarlier), notReady(),
		taint(TaintDraining, corev1.TaintEffectNoExecute, opsEarlier),
		corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}))
	if removed, err := Uncordon(context.Background(), c, "hz"); err != nil || !removed {
		t.Fatalf("Uncordon = %v, %v; want the taints removed", removed, err)
	}
	want := []corev1.Taint{notReady(), {Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}
	if d := diffTaints(taintsOf(t, c, "hz"), want); d != "" {
		t.Fatalf("taints (-want +got):\n%s", d)
	}
	if removed, err := Uncordon(context.Background(), c, "hz"); err != nil || removed {
		t.Fatalf("second Uncordon = %v, %v; want already uncordoned", removed, err)
	}
}

// TestCordonRetriesOnConflict has the cluster-status controller taint the
// cluster between the read and the write: the write must fail on the
// resource version and be redone, keeping the controller's taint.
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
	if _, err := Cordon(context.Background(), c, "hz", fixedClock()); err != nil {
		t.Fatal(err)
	}
	if patches != 2 {
		t.Fatalf("%d patches, want 2 (a conflict, then the retry)", patches)
	}
	want := []corev1.Taint{notReady(), taint(TaintCordoned, corev1.TaintEffectNoSchedule, metav1.NewTime(opsNow))}
	if d := diffTaints(taintsOf(t, base, "hz"), want); d != "" {
		t.Fatalf("taints (-want +got):\n%s", d)
	}
}

func TestStartCordonsAndTaintsDraining(t *testing.T) {
	c := opsClient(testCluster("hz", notReady()), testCluster("sh"))
	cordoned, draining, err := Start(context.Background(), c, "hz", fixedClock())
	if err != nil || !cordoned || !draining {
		t.Fatalf("Start = %v, %v, %v; want both taints added", cordoned, draining, err)
	}
	want := []corev1.Taint{notReady(),
		taint(TaintCordoned, corev1.TaintEffectNoSchedule, metav1.NewTime(opsNow)),
		taint(TaintDraining, corev1.TaintEffectNoExecute, metav1.NewTime(opsNow))}
	if d := diffTaints(taintsOf(t, c, "hz"), want); d != "" {
		t.Fatalf("taints (-want +got):\n%s", d)
	}
	if len(taintsOf(t, c, "sh")) != 0 {
		t.Fatalf("sh tainted: %v", taintsOf(t, c, "sh"))
	}

	// A cordoned cluster is drained by adding only the draining taint.
	c = opsClient(testCluster("hz", taint(TaintCordoned, corev1.TaintEffectNoSchedule, opsEarlier)))
	cordoned, draining, err = Start(context.Background(), c, "hz", fixedClock())
	if err != nil || cordoned || !draining {
		t.Fatalf("Start on a cordoned cluster = %v, %v, %v; want only draining added", cordoned, draining, err)
	}
	want = []corev1.Taint{taint(TaintCordoned, corev1.TaintEffectNoSchedule, opsEarlier),
		taint(TaintDraining, corev1.TaintEffectNoExecute, metav1.NewTime(opsNow))}
	if d := diffTaints(taintsOf(t, c, "hz"), want); d != "" {
		t.Fatalf("taints (-want +got):\n%s", d)
	}
}
