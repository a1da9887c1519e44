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

package attachedcluster

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

func TestFirstReconcileOnlyAddsTheFinalizer(t *testing.T) {
	f := newFixture(t, attachedCluster(func(ac *clusterv1alpha1.AttachedCluster) { ac.Finalizers = nil }),
		kubeconfigSecret(map[string][]byte{"kubeconfig": kubeconfig("https://sh.example.com:6443")}))
	ac := f.reconcile()
	if d := cmp.Diff([]string{Finalizer}, ac.Finalizers); d != "" {
		t.Fatalf("finalizers (-want +got):\n%s", d)
	}
	if f.cluster("sh") != nil || len(ac.Status.Conditions) != 0 {
		t.Fatalf("the first pass did more than add the finalizer: %+v", ac.Status)
	}
}

// TestClusterFollowsTheAttachedCluster: the Cluster is made from the
// kubeconfig, the AttachedCluster's and its fleet's labels; its health is
// mirrored back, with events only when readiness flips.
func TestClusterFollowsTheAttachedCluster(t *testing.T) {
	ctx := context.Background()
	ac := attachedCluster(func(ac *clusterv1alpha1.AttachedCluster) {
		ac.Spec.Labels = map[string]string{"region": "asia-east", "env": "prod"}
	})
	fleet := &fleetv1alpha1.Fleet{ObjectMeta: metav1.ObjectMeta{Name: "prod", Namespace: "fleets"}, Spec: fleetv1alpha1.FleetSpec{
		Clusters: []fleetv1alpha1.FleetCluster{{Name: "sh", Labels: map[string]string{"env": "staging", "zone": "sh-a"}}}}}
	f := newFixture(t, ac, fleet, kubeconfigSecret(map[string][]byte{"kubeconfig": kubeconfig("https://sh.example.com:6443")}))

	got := f.reconcile()
	c := f.cluster("sh")
	if c == nil {
		t.Fatal("no Cluster made")
	}
	wantLabels := map[string]string{"region": "asia-east", "env": "staging", "zone": "sh-a", fleetv1alpha1.LabelFleetName: "prod",
		clusterv1alpha1.LabelAttachedClusterName: "sh", clusterv1alpha1.LabelAttachedClusterNamespace: "fleets"}
	if d := cmp.Diff(wantLabels, c.Labels); d != "" {
		t.Errorf("Cluster labels, the fleet's winning (-want +got):\n%s", d)
	}
	wantSpec := karmadaclusterv1alpha1.ClusterSpec{SyncMode: karmadaclusterv1alpha1.Push, APIEndpoint: "https://sh.example.com:6443",
		SecretRef: &karmadaclusterv1alpha1.LocalSecretReference{Namespace: "fleets", Name: "sh-kubeconfig"},
		Region:    "asia-east", Zones: []string{"sh-a"}}
	if d := cmp.Diff(wantSpec, c.Spec); d != "" {
		t.Errorf("Cluster spec (-want +got):\n%s", d)
	}
	wantConditions := []metav1.Condition{
		condition(clusterv1alpha1.ConditionKubeconfigValid, metav1.ConditionTrue, clusterv1alpha1.ReasonKubeconfigValid, "kubeconfig found and parsed"),
		condition(clusterv1alpha1.ConditionReady, metav1.ConditionUnknown, "Probing", "waiting for the first health probe"),
	}
	if d := cmp.Diff(wantConditions, got.Status.Conditions, cmpopts.SortSlices(func(a, b metav1.Condition) bool { return a.Type < b.Type })); d != "" {
		t.Errorf("conditions (-want +got):\n%s", d)
	}
	if got.Status.ClusterName != "sh" || got.Status.APIEndpoint != "https://sh.example.com:6443" || got.Status.Ready || got.Status.ObservedGeneration != 2 {
		t.Errorf("status %+v", got.Status)
	}
	if d := cmp.Diff([]string{"Normal ClusterCreated Created Cluster sh"}, f.recorded()); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}

	// The Cluster turns ready: mirrored, one event, dated by the clock.
	f.clock.SetTime(testNow.Add(time.Minute))
	setClusterReady(t, f, metav1.ConditionTrue, "ClusterReady", "cluster is healthy")
	got = f.reconcile()
	ready := apimeta.FindStatusCondition(got.Status.Conditions, clusterv1alpha1.ConditionReady)
	if !got.Status.Ready || got.Status.KubernetesVersion != "v1.31.2" || ready.Reason != clusterv1alpha1.ReasonClusterReady ||
		!ready.LastTransitionTime.Time.Equal(f.clock.Now()) {
		t.Errorf("status once the Cluster is ready: %+v", got.Status)
	}
	if d := cmp.Diff([]string{"Normal ClusterReady Cluster is ready"}, f.recorded()); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
	// Nothing changed: nothing written, nothing recorded.
	if again := f.reconcile(); again.ResourceVersion != got.ResourceVersion || len(f.recorded()) != 0 {
		t.Errorf("an unchanged AttachedCluster was written again or recorded")
	}

	// Unreachable: one warning.
	setClusterReady(t, f, metav1.ConditionFalse, karmadaclusterv1alpha1.ClusterNotReachable, "dial tcp: i/o timeout")
	got = f.reconcile()
	if r := apimeta.FindStatusCondition(got.Status.Conditions, clusterv1alpha1.ConditionReady); got.Status.Ready || r.Reason != clusterv1alpha1.ReasonClusterUnreachable {
		t.Errorf("status once unreachable: %+v", got.Status)
	}
	want := []string{"Warning ClusterUnreachable Cluster is not ready: dial tcp: i/o timeout"}
	if d := cmp.Diff(want, f.recorded()); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}

	// A label dropped from the AttachedCluster leaves the Cluster; labels
	// others put there stay.
	c = f.cluster("sh")
	c.Labels["team"] = "payments"
	if err := f.client.Update(ctx, c); err != nil {
		t.Fatal(err)
	}
	got.Spec.Labels = map[string]string{"env": "prod"}
	if err := f.client.Update(ctx, got); err != nil {
		t.Fatal(err)
	}
	f.reconcile()
	c = f.cluster("sh")
	if _, kept := c.Labels["region"]; kept || c.Labels["team"] != "payments" || c.Labels["env"] != "staging" {
		t.Errorf("Cluster labels after dropping region: %v", c.Labels)
	}
}

func setClusterReady(t *testing.T, f *fixture, status metav1.ConditionStatus, reason, message string) {
	t.Helper()
	c := f.cluster("sh")
	apimeta.SetStatusCondition(&c.Status.Conditions, metav1.Condition{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: status, Reason: reason, Message: message})
	c.Status.KubernetesVersion = "v1.31.2"
	if err := f.client.Status().Update(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

func TestDeletionRemovesTheOwnedClusterThenTheFinalizer(t *testing.T) {
	for _, tc := range []struct {
		name        string
		cluster     *karmadaclusterv1alpha1.Cluster
		wantCluster bool
	}{
		{name: "owned Cluster", wantCluster: false, cluster: &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "sh",
			Labels: map[string]string{clusterv1alpha1.LabelAttachedClusterName: "sh", clusterv1alpha1.LabelAttachedClusterNamespace: "fleets"}}}},
		{name: "another owner's Cluster", wantCluster: true, cluster: &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "sh",
			Labels: map[string]string{clusterv1alpha1.LabelAttachedClusterName: "sh", clusterv1alpha1.LabelAttachedClusterNamespace: "other"}}}},
		{name: "no Cluster", wantCluster: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs := []client.Object{attachedCluster()}
			if tc.cluster != nil {
				objs = append(objs, tc.cluster)
			}
			f := newFixture(t, objs...)
			if err := f.client.Delete(context.Background(), attachedCluster()); err != nil {
				t.Fatal(err)
			}
			if ac := f.reconcile(); ac != nil {
				t.Fatalf("AttachedCluster still there with finalizers %v", ac.Finalizers)
			}
			if got := f.cluster("sh") != nil; got != tc.wantCluster {
				t.Fatalf("Cluster exists: %v, want %v", got, tc.wantCluster)
			}
		})
	}
}

func TestWatchesMapToAttachedClusters(t *testing.T) {
	other := attachedCluster(func(ac *clusterv1alpha1.AttachedCluster) {
		ac.Name, ac.Spec.Kubeconfig = "hz", clusterv1alpha1.KubeconfigRef{Name: "hz-kubeconfig"}
	})
	f := newFixture(t, attachedCluster(), other)
	sh := []types.NamespacedName{{Namespace: "fleets", Name: "sh"}}
	if d := cmp.Diff(sh, names(f.r.secretToAttached(context.Background(), kubeconfigSecret(nil)))); d != "" {
		t.Errorf("Secret (-want +got):\n%s", d)
	}
	made := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "sh",
		Labels: map[string]string{clusterv1alpha1.LabelAttachedClusterName: "sh", clusterv1alpha1.LabelAttachedClusterNamespace: "fleets"}}}
	if d := cmp.Diff(sh, names(clusterToAttached(context.Background(), made))); d != "" {
		t.Errorf("Cluster (-want +got):\n%s", d)
	}
	if got := clusterToAttached(context.Background(), &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "joined"}}); len(got) != 0 {
		t.Errorf("a Cluster of no AttachedCluster maps to %v", got)
	}
	fleet := &fleetv1alpha1.Fleet{ObjectMeta: metav1.ObjectMeta{Name: "prod", Namespace: "fleets"}, Spec: fleetv1alpha1.FleetSpec{
		Clusters: []fleetv1alpha1.FleetCluster{{Name: "sh"}, {Name: "joined", Kind: fleetv1alpha1.FleetClusterKindCluster}}}}
	if d := cmp.Diff(sh, names(fleetToAttached(context.Background(), fleet))); d != "" {
		t.Errorf("Fleet (-want +got):\n%s", d)
	}
	if got := fleetToAttached(context.Background(), &corev1.Secret{}); len(got) != 0 {
		t.Errorf("a non-Fleet maps to %v", got)
	}
}

// names are the objects requests are for.
func names(reqs []reconcile.Request) []types.NamespacedName {
	out := make([]types.NamespacedName, len(reqs))
	for i, r := range reqs {
		out[i] = r.NamespacedName
	}
	return out
}
