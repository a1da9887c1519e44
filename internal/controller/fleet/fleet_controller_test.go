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

package fleet

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/scheme"
)

var testNow = time.Date(2026, 7, 8, 9, 10, 11, 0, time.UTC)

// fixture is a control plane holding objs, with a Reconciler on it.
type fixture struct {
	t      *testing.T
	client client.Client
	r      *Reconciler
	clock  *clocktesting.FakePassiveClock
	events *events.FakeRecorder
}

func newFixture(t *testing.T, objs ...client.Object) *fixture {
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).
		WithStatusSubresource(&fleetv1alpha1.Fleet{}, &clusterv1alpha1.AttachedCluster{}, &karmadaclusterv1alpha1.Cluster{}).Build()
	clk := clocktesting.NewFakePassiveClock(testNow)
	rec := events.NewFakeRecorder(100)
	return &fixture{t: t, client: c, r: &Reconciler{Client: c, Recorder: rec, Clock: clk}, clock: clk, events: rec}
}

func (f *fixture) reconcile(name string) *fleetv1alpha1.Fleet {
	f.t.Helper()
	key := client.ObjectKey{Namespace: "fleets", Name: name}
	if res, err := f.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: key}); err != nil || !res.IsZero() {
		f.t.Fatalf("reconcile %s = %+v, %v; want done", key, res, err)
	}
	fl := &fleetv1alpha1.Fleet{}
	if err := f.client.Get(context.Background(), key, fl); err != nil {
		f.t.Fatal(err)
	}
	return fl
}

// recorded returns the events recorded since the last call.
func (f *fixture) recorded() []string {
	var out []string
	for {
		select {
		case e := <-f.events.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

func testFleet(members ...fleetv1alpha1.FleetCluster) *fleetv1alpha1.Fleet {
	return &fleetv1alpha1.Fleet{ObjectMeta: metav1.ObjectMeta{Name: "prod", Namespace: "fleets", Generation: 3},
		Spec: fleetv1alpha1.FleetSpec{Clusters: members}}
}

func member(name string, kind fleetv1alpha1.FleetClusterKind) fleetv1alpha1.FleetCluster {
	return fleetv1alpha1.FleetCluster{Name: name, Kind: kind}
}

// cluster is a Cluster whose Ready condition is status, or that has none
// when status is empty.
func cluster(name string, status metav1.ConditionStatus, reason, message string) *karmadaclusterv1alpha1.Cluster {
	c := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if status != "" {
		c.Status.Conditions = []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: status, Reason: reason, Message: message,
			LastTransitionTime: metav1.NewTime(testNow.Add(-time.Hour))}}
	}
	return c
}

// attached is an AttachedCluster in the fleets' namespace standing for the
// Cluster clusterName ("" before it has one).
func attached(name, clusterName string, conditions ...metav1.Condition) *clusterv1alpha1.AttachedCluster {
	return &clusterv1alpha1.AttachedCluster{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "fleets"},
		Status: clusterv1alpha1.AttachedClusterStatus{ClusterName: clusterName, Conditions: conditions}}
}

func TestReconcileSummarisesTheMembers(t *testing.T) {
	const ready = metav1.ConditionTrue
	for _, tc := range []struct {
		name        string
		fleet       *fleetv1alpha1.Fleet
		objs        []client.Object
		wantPhase   fleetv1alpha1.FleetPhase
		wantReady   metav1.Condition
		wantCounts  [3]int32 // total, ready, not ready
		wantMembers []fleetv1alpha1.FleetClusterStatus
		wantEvents  []string
	}{{
		name:       "no members",
		fleet:      testFleet(),
		wantPhase:  fleetv1alpha1.FleetPhasePending,
		wantReady:  metav1.Condition{Status: metav1.ConditionFalse, Reason: fleetv1alpha1.ReasonNoClusters, Message: "the fleet lists no clusters"},
		wantCounts: [3]int32{0, 0, 0},
	}, {
		name:  "every member ready",
		fleet: testFleet(member("hz", fleetv1alpha1.FleetClusterKindCluster), member("sh-attached", "")),
		objs: []client.Object{cluster("hz", ready, "ClusterReady", "cluster is healthy"), attached("sh-attached", "sh"),
			cluster("sh", ready, "ClusterReady", "cluster is healthy")},
		wantPhase:  fleetv1alpha1.FleetPhaseReady,
		wantReady:  metav1.Condition{Status: metav1.ConditionTrue, Reason: fleetv1alpha1.ReasonAllClustersReady, Message: "all 2 clusters are ready"},
		wantCounts: [3]int32{2, 2, 0},
		wantMembers: []fleetv1alpha1.FleetClusterStatus{
			{Name: "hz", Kind: fleetv1alpha1.FleetClusterKindCluster, Ready: ready, Reason: "ClusterReady", Message: "cluster is healthy"},
			{Name: "sh-attached", Kind: fleetv1alpha1.FleetClusterKindAttachedCluster, Ready: ready, Reason: "ClusterReady", Message: "cluster is healthy"},
		},
		wantEvents: []string{"Normal AllClustersReady all 2 clusters are ready"},
	}, {
		name: "missing, pending, unprobed and unreachable members",
		fleet: testFleet(member("hz", fleetv1alpha1.FleetClusterKindCluster), member("ghost", fleetv1alpha1.FleetClusterKindCluster),
			member("ghost-attached", ""), member("new-attached", fleetv1alpha1.FleetClusterKindAttachedCluster), member("bad-attached", ""),
			member("fra", fleetv1alpha1.FleetClusterKindCluster), member("sh", fleetv1alpha1.FleetClusterKindCluster)),
		objs: []client.Object{
			cluster("hz", ready, "ClusterReady", "cluster is healthy"),
			attached("new-attached", ""),
			attached("bad-attached", "", metav1.Condition{Type: clusterv1alpha1.ConditionReady, Status: metav1.ConditionFalse,
				Reason: clusterv1alpha1.ReasonSecretNotFound, Message: "Secret bad not found in namespace fleets"}),
			cluster("fra", "", "", ""),
			cluster("sh", metav1.ConditionFalse, karmadaclusterv1alpha1.ClusterNotReachable, "dial tcp: connection refused"),
		},
		wantPhase: fleetv1alpha1.FleetPhaseNotReady,
		wantReady: metav1.Condition{Status: metav1.ConditionFalse, Reason: fleetv1alpha1.ReasonClustersNotReady,
			Message: "6 of 7 clusters are not ready: ghost (ClusterNotFound), ghost-attached (ClusterNotFound), new-attached (Pending), " +
				"bad-attached (SecretNotFound), fra (Probing), sh (ClusterNotReachable)"},
		wantCounts: [3]int32{7, 1, 6},
		wantMembers: []fleetv1alpha1.FleetClusterStatus{
			{Name: "hz", Kind: fleetv1alpha1.FleetClusterKindCluster, Ready: ready, Reason: "ClusterReady", Message: "cluster is healthy"},
			{Name: "ghost", Kind: fleetv1alpha1.FleetClusterKindCluster, Ready: metav1.ConditionFalse, Reason: fleetv1alpha1.ReasonClusterNotFound, Message: "no Cluster ghost"},
			{Name: "ghost-attached", Kind: fleetv1alpha1.FleetClusterKindAttachedCluster, Ready: metav1.ConditionFalse, Reason: fleetv1alpha1.ReasonClusterNotFound,
				Message: "no AttachedCluster ghost-attached in namespace fleets"},
			{Name: "new-attached", Kind: fleetv1alpha1.FleetClusterKindAttachedCluster, Ready: metav1.ConditionFalse, Reason: "Pending",
				Message: "the AttachedCluster has no Cluster yet"},
			{Name: "bad-attached", Kind: fleetv1alpha1.FleetClusterKindAttachedCluster, Ready: metav1.ConditionFalse, Reason: clusterv1alpha1.ReasonSecretNotFound,
				Message: "Secret bad not found in namespace fleets"},
			{Name: "fra", Kind: fleetv1alpha1.FleetClusterKindCluster, Ready: metav1.ConditionUnknown, Reason: "Probing", Message: "waiting for the first health probe"},
			{Name: "sh", Kind: fleetv1alpha1.FleetClusterKindCluster, Ready: metav1.ConditionFalse, Reason: karmadaclusterv1alpha1.ClusterNotReachable,
				Message: "dial tcp: connection refused"},
		},
		// Never ready before: no transition, no event.
	}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, append(tc.objs, tc.fleet)...)
			got := f.reconcile("prod")
			if got.Status.Phase != tc.wantPhase || got.Status.ObservedGeneration != 3 {
				t.Errorf("phase %s, observedGeneration %d; want %s, 3", got.Status.Phase, got.Status.ObservedGeneration, tc.wantPhase)
			}
			if counts := [3]int32{got.Status.TotalClusters, got.Status.ReadyClusters, got.Status.NotReadyClusters}; counts != tc.wantCounts {
				t.Errorf("total, ready, not ready = %v, want %v", counts, tc.wantCounts)
			}
			want := tc.wantReady
			want.Type, want.ObservedGeneration, want.LastTransitionTime = fleetv1alpha1.ConditionReady, 3, metav1.NewTime(testNow)
			if d := cmp.Diff([]metav1.Condition{want}, got.Status.Conditions); d != "" {
				t.Errorf("conditions (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantMembers, got.Status.Clusters); d != "" {
				t.Errorf("member statuses (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantEvents, f.recorded()); d != "" {
				t.Errorf("events (-want +got):\n%s", d)
			}
		})
	}
}

// TestReconcileRecordsOnlyTransitions: an unchanged fleet is not written
// again, and the Ready events come only when readiness flips.
func TestReconcileRecordsOnlyTransitions(t *testing.T) {
	f := newFixture(t, testFleet(member("hz", fleetv1alpha1.FleetClusterKindCluster)), cluster("hz", metav1.ConditionTrue, "ClusterReady", "cluster is healthy"))
	first := f.reconcile("prod")
	if got := f.recorded(); len(got) != 1 {
		t.Fatalf("events after the first reconcile: %q, want one", got)
	}
	f.clock.SetTime(testNow.Add(time.Minute))
	if again := f.reconcile("prod"); again.ResourceVersion != first.ResourceVersion {
		t.Fatalf("an unchanged fleet was written again (resourceVersion %s → %s)", first.ResourceVersion, again.ResourceVersion)
	}
	if got := f.recorded(); len(got) != 0 {
		t.Fatalf("events without a change: %q", got)
	}

	// The member becomes unreachable: one warning, the condition's
	// transition dated by the clock.
	hz := &karmadaclusterv1alpha1.Cluster{}
	if err := f.client.Get(context.Background(), client.ObjectKey{Name: "hz"}, hz); err != nil {
		t.Fatal(err)
	}
	apimeta.SetStatusCondition(&hz.Status.Conditions, metav1.Condition{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionFalse,
		Reason: karmadaclusterv1alpha1.ClusterNotReachable, Message: "timeout"})
	if err := f.client.Status().Update(context.Background(), hz); err != nil {
		t.Fatal(err)
	}
	got := f.reconcile("prod")
	want := []string{"Warning ClustersNotReady 1 of 1 clusters are not ready: hz (ClusterNotReachable)"}
	if d := cmp.Diff(want, f.recorded()); d != "" {
		t.Fatalf("events (-want +got):\n%s", d)
	}
	if c := apimeta.FindStatusCondition(got.Status.Conditions, fleetv1alpha1.ConditionReady); c == nil || !c.LastTransitionTime.Time.Equal(f.clock.Now()) {
		t.Fatalf("Ready condition %+v, want a transition at %s", c, f.clock.Now())
	}
	f.reconcile("prod")
	if got := f.recorded(); len(got) != 0 {
		t.Fatalf("events while still not ready: %q", got)
	}
}

func TestReconcileOfAMissingFleetIsDone(t *testing.T) {
	f := newFixture(t)
	res, err := f.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: "fleets", Name: "gone"}})
	if err != nil || !res.IsZero() {
		t.Fatalf("reconcile of a missing fleet = %+v, %v; want done", res, err)
	}
}

func TestFleetsListing(t *testing.T) {
	prod := testFleet(member("hz", fleetv1alpha1.FleetClusterKindCluster), member("sh-attached", ""))
	other := &fleetv1alpha1.Fleet{ObjectMeta: metav1.ObjectMeta{Name: "dev", Namespace: "team"},
		Spec: fleetv1alpha1.FleetSpec{Clusters: []fleetv1alpha1.FleetCluster{member("sh-attached", ""), member("hz", fleetv1alpha1.FleetClusterKindCluster)}}}
	f := newFixture(t, prod, other)
	names := func(obj client.Object) []string {
		var out []string
		for _, r := range f.r.fleetsListing(context.Background(), obj) {
			out = append(out, r.String())
		}
		return out
	}
	// A Cluster maps to every fleet naming it.
	if d := cmp.Diff([]string{"fleets/prod", "team/dev"}, names(cluster("hz", "", "", ""))); d != "" {
		t.Errorf("Cluster hz (-want +got):\n%s", d)
	}
	// An AttachedCluster, and the Cluster made for it, map to the fleets of
	// its namespace only.
	if d := cmp.Diff([]string{"fleets/prod"}, names(attached("sh-attached", "sh"))); d != "" {
		t.Errorf("AttachedCluster (-want +got):\n%s", d)
	}
	made := cluster("sh", "", "", "")
	made.Labels = map[string]string{clusterv1alpha1.LabelAttachedClusterName: "sh-attached", clusterv1alpha1.LabelAttachedClusterNamespace: "fleets"}
	if d := cmp.Diff([]string{"fleets/prod"}, names(made)); d != "" {
		t.Errorf("Cluster of an AttachedCluster (-want +got):\n%s", d)
	}
}
