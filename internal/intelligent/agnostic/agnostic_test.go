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

package agnostic

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/scheduler"
)

var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func member(name string) karmadaclusterv1alpha1.Cluster {
	return karmadaclusterv1alpha1.Cluster{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Status: karmadaclusterv1alpha1.ClusterStatus{
			APIEnablements: []karmadaclusterv1alpha1.APIEnablement{{GroupVersion: "apps/v1", Resources: []karmadaclusterv1alpha1.APIResource{{Name: "deployments", Kind: "Deployment"}}}},
			ResourceSummary: &karmadaclusterv1alpha1.ResourceSummary{Allocatable: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("100"), corev1.ResourceMemory: resource.MustParse("400Gi"), corev1.ResourcePods: resource.MustParse("110"),
			}},
		},
	}
}

// web is placed all on "clean", as a carbon objective would place it,
// while its policy alone splits it evenly over clean and dirty.
func web() *workv1alpha2.ResourceBinding {
	weights := &policyv1alpha1.ClusterPreferences{StaticWeightList: []policyv1alpha1.StaticClusterWeight{
		{TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: []string{"clean"}}, Weight: 1},
		{TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: []string{"dirty"}}, Weight: 1},
	}}
	return &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web-deployment"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "web"},
			Replicas: 10,
			ReplicaRequirements: &workv1alpha2.ReplicaRequirements{ResourceRequest: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("1Gi")}},
			Placement: &policyv1alpha1.Placement{
				ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"clean", "dirty"}},
				ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{
					ReplicaSchedulingType:     policyv1alpha1.ReplicaSchedulingTypeDivided,
					ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted, WeightPreference: weights,
				},
			},
			Clusters: []workv1alpha2.TargetCluster{{Name: "clean", Replicas: 10}},
		},
	}
}

func TestPlacementIsThePolicysOwnDecision(t *testing.T) {
	s, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	// "dirty" listed first and a third cluster being deleted: the fleet
	// view sorts by name and leaves the deleted one out.
	gone := member("gone")
	gone.DeletionTimestamp = &metav1.Time{Time: testNow}
	clusters := Clusters([]karmadaclusterv1alpha1.Cluster{member("dirty"), member("clean"), gone})
	if len(clusters) != 2 || clusters[0].Name() != "clean" {
		t.Fatalf("clusters %v", clusters)
	}
	b := web()
	got, err := Placement(context.Background(), s, clusters, b, testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := []workv1alpha2.TargetCluster{{Name: "clean", Replicas: 5}, {Name: "dirty", Replicas: 5}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("agnostic placement (-want +got):\n%s", d)
	}
	if b.Spec.Clusters[0].Replicas != 10 || len(b.Spec.Clusters) != 1 {
		t.Fatalf("the binding was changed: %v", b.Spec.Clusters)
	}
	placed := WithClusters(b, got)
	if d := cmp.Diff(want, placed.BindingSpec().Clusters); d != "" || placed.GetName() != b.Name {
		t.Fatalf("WithClusters: %s %v", placed.GetName(), placed.BindingSpec().Clusters)
	}
	if len(b.Spec.Clusters) != 1 {
		t.Fatal("WithClusters changed the original binding")
	}

	evicting := web()
	evicting.Spec.GracefulEvictionTasks = []workv1alpha2.GracefulEvictionTask{{FromCluster: "dirty"}}
	got, err = Placement(context.Background(), s, clusters, evicting, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]workv1alpha2.TargetCluster{{Name: "clean", Replicas: 10}}, got); d != "" {
		t.Fatalf("a cluster the binding is evicted from is no candidate (-want +got):\n%s", d)
	}
}

func TestPlacementOfSuspendedAndUnplacedBindings(t *testing.T) {
	s, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	clusters := Clusters([]karmadaclusterv1alpha1.Cluster{member("clean"), member("dirty")})
	suspended := web()
	yes := true
	suspended.Spec.Suspension = &workv1alpha2.Suspension{Scheduling: &yes}
	got, err := Placement(context.Background(), s, clusters, suspended, testNow)
	if err != nil || len(got) != 1 || got[0].Replicas != 10 {
		t.Fatalf("a suspended binding keeps its placement: %v, %v", got, err)
	}
	unplaced := web()
	unplaced.Spec.Placement = nil
	if _, err := Placement(context.Background(), s, clusters, unplaced, testNow); err == nil {
		t.Fatal("a binding without placement has no agnostic placement")
	}
	if w := Workload(web(), testNow); w.Objective != nil || !w.Now.Equal(testNow) || len(w.Previous) != 1 {
		t.Fatalf("the counterfactual is the policy's workload, read at now, with the decision in force as its previous one: %+v", w)
	}
}

func TestRecordedIsTheSchedulingControllersCounterfactual(t *testing.T) {
	b := web()
	if _, ok := Recorded(b); ok {
		t.Fatal("a binding without an optimisation annotation has no recorded counterfactual")
	}
	b.Annotations = map[string]string{intelligent.OptimizationAnnotation: intelligent.Encode(intelligent.OptimizationState{Agnostic: map[string]int32{"dirty": 6, "clean": 4}})}
	got, ok := Recorded(b)
	if d := cmp.Diff([]workv1alpha2.TargetCluster{{Name: "clean", Replicas: 4}, {Name: "dirty", Replicas: 6}}, got); !ok || d != "" {
		t.Fatalf("recorded (-want +got):\n%s", d)
	}
}
