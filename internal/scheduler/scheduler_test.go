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
package scheduler

import (
	"context"
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
)

func schedule(t *testing.T, clusters []*framework.ClusterInfo, w *framework.Workload) (*Result, error) {
	t.Helper()
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return s.Schedule(context.Background(), &framework.Snapshot{Clusters: clusters}, w)
}

func TestSeedPlacements(t *testing.T) {
	preferAsia := &policyv1alpha1.Placement{
		ClusterAffinity: &policyv1alpha1.ClusterAffinity{Preferred: []policyv1alpha1.PreferredClusterTerm{{
			Weight: 60, Preference: policyv1alpha1.ClusterSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "region", Operator: corev1.NodeSelectorOpIn, Values: []string{"asia-east"}}}},
		}}},
		SpreadConstraints: []policyv1alpha1.SpreadConstraint{{MaxGroups: 2, MinGroups: 1}},
		// Dynamic weights: with no weightPreference at all, Karmada (and so
		// Kurator) ignores spread constraints and divides over all three.
		ReplicaScheduling: dynamicWeight(),
	}
	cases := map[string]struct {
		w    *framework.Workload
		want string
	}{
		"06 nginx 60:40": {deployment(10, "100m", &policyv1alpha1.Placement{ClusterAffinity: names("cluster-hangzhou", "cluster-shanghai"),
			ReplicaScheduling: staticWeight("cluster-hangzhou", 60, "cluster-shanghai", 40)}), "cluster-hangzhou:6, cluster-shanghai:4"},
		"06 nginx scaled to 15": {deployment(15, "100m", &policyv1alpha1.Placement{ClusterAffinity: names("cluster-hangzhou", "cluster-shanghai"),
			ReplicaScheduling: staticWeight("cluster-hangzhou", 60, "cluster-shanghai", 40)}), "cluster-hangzhou:9, cluster-shanghai:6"},
		"02 inference 70:30": {deployment(10, "100m", &policyv1alpha1.Placement{ClusterAffinity: names("cluster-hangzhou", "cluster-shanghai"),
			ReplicaScheduling: staticWeight("cluster-hangzhou", 70, "cluster-shanghai", 30)}), "cluster-hangzhou:7, cluster-shanghai:3"},
		"07 reviews-v2 only in shanghai": {deployment(3, "100m", &policyv1alpha1.Placement{ClusterAffinity: names("cluster-shanghai"),
			SpreadConstraints: []policyv1alpha1.SpreadConstraint{{MaxGroups: 1, MinGroups: 1}}}), "cluster-shanghai:3"},
		"nil placement duplicates everywhere":                 {deployment(2, "100m", nil), "cluster-frankfurt:2, cluster-hangzhou:2, cluster-shanghai:2"},
		"01 fleet placement picks the two asia-east clusters": {deployment(10, "100m", preferAsia), "cluster-hangzhou:5, cluster-shanghai:5"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := schedule(t, seedFleet(), tc.w)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(res.Clusters); got != tc.want {
				t.Fatalf("got %s, want %s\nexplanation: %+v", got, tc.want, res.Explanation)
			}
		})
	}
}

func TestSeed11CostOptimization(t *testing.T) {
	clusters := []*framework.ClusterInfo{makeCluster("spot-cluster").nodes(3, "4").obj(), makeCluster("ondemand-cluster").nodes(3, "4").obj()}
	w := deployment(10, "100m", &policyv1alpha1.Placement{ClusterAffinity: names("spot-cluster", "ondemand-cluster"),
		ReplicaScheduling: staticWeight("spot-cluster", 80, "ondemand-cluster", 20)})
	res, err := schedule(t, clusters, w)
	if err != nil {
		t.Fatal(err)
	}
	if got := render(res.Clusters); got != "ondemand-cluster:2, spot-cluster:8" {
		t.Fatalf("got %s", got)
	}
	if !strings.Contains(res.Explanation.Division, "spot-cluster=80") {
		t.Fatalf("division not explained: %q", res.Explanation.Division)
	}
}

func TestFiltersExplainRejections(t *testing.T) {
	clusters := seedFleet()
	clusters[0].Cluster.Spec.Taints = []corev1.Taint{{Key: karmadaclusterv1alpha1.TaintClusterUnreachable, Effect: corev1.TaintEffectNoSchedule}}
	clusters[2].Cluster.Status.APIEnablements = nil
	res, err := schedule(t, clusters, deployment(4, "100m", nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := render(res.Clusters); got != "cluster-shanghai:4" {
		t.Fatalf("got %s", got)
	}
	reasons := map[string]string{}
	for _, c := range res.Explanation.Candidates {
		reasons[c.Name] = strings.Join(c.Reasons, ";")
	}
	if !strings.Contains(reasons["cluster-hangzhou"], "TaintToleration: cluster has untolerated taint cluster.karmada.io/unreachable") {
		t.Errorf("hangzhou reason: %q", reasons["cluster-hangzhou"])
	}
	if !strings.Contains(reasons["cluster-frankfurt"], "APIEnablement") {
		t.Errorf("frankfurt reason: %q", reasons["cluster-frankfurt"])
	}
	// Tolerating the taint lets hangzhou back in.
	w := deployment(4, "100m", &policyv1alpha1.Placement{ClusterTolerations: []corev1.Toleration{{Key: karmadaclusterv1alpha1.TaintClusterUnreachable, Operator: corev1.TolerationOpExists}}})
	res, err = schedule(t, clusters, w)
	if err != nil || render(res.Clusters) != "cluster-hangzhou:4, cluster-shanghai:4" {
		t.Fatalf("with toleration: %v %v", res, err)
	}
}

func TestNoClusterFits(t *testing.T) {
	_, err := schedule(t, seedFleet(), deployment(1, "100m", &policyv1alpha1.Placement{ClusterAffinity: names("nowhere")}))
	var fe *FitError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "0/3 clusters are available: 3 ClusterAffinity") {
		t.Fatalf("got %v", err)
	}
}

func TestFieldSelectorAndExclude(t *testing.T) {
	p := &policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{
		FieldSelector:   &policyv1alpha1.FieldSelector{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "region", Operator: corev1.NodeSelectorOpIn, Values: []string{"asia-east"}}}},
		ExcludeClusters: []string{"cluster-shanghai"},
	}}
	res, err := schedule(t, seedFleet(), deployment(1, "100m", p))
	if err != nil || render(res.Clusters) != "cluster-hangzhou:1" {
		t.Fatalf("got %v %v", res, err)
	}
}

func TestDynamicWeightUsesPerNodeCapacity(t *testing.T) {
	clusters := []*framework.ClusterInfo{
		makeCluster("small").nodes(1, "2").obj(), // 2 replicas of 1 CPU
		makeCluster("large").nodes(2, "3").obj(), // 6 replicas of 1 CPU (3 per node)
	}
	res, err := schedule(t, clusters, deployment(8, "1", &policyv1alpha1.Placement{ReplicaScheduling: dynamicWeight()}))
	if err != nil || render(res.Clusters) != "large:6, small:2" {
		t.Fatalf("got %v %v", res, err)
	}
	// 1.5-CPU replicas: one fits small (2 CPU), two fit each 3-CPU node of
	// large; 2x1.5 would fit a cluster-wide sum of small too, but not a node.
	res, err = schedule(t, clusters, deployment(3, "1500m", &policyv1alpha1.Placement{ReplicaScheduling: dynamicWeight()}))
	if err != nil || render(res.Clusters) != "large:2, small:1" {
		t.Fatalf("got %v %v", res, err)
	}
	_, err = schedule(t, clusters, deployment(6, "1500m", &policyv1alpha1.Placement{ReplicaScheduling: dynamicWeight()}))
	var ue *UnschedulableError
	if !errors.As(err, &ue) {
		t.Fatalf("want UnschedulableError, got %v", err)
	}
}

func TestReservationsAreHonoured(t *testing.T) {
	clusters := []*framework.ClusterInfo{makeCluster("a").nodes(1, "4").obj(), makeCluster("b").nodes(1, "4").obj()}
	// Another workload's 3 one-CPU replicas are in flight to a.
	clusters[0].Reserved = append(clusters[0].Reserved, reservation("1", 3))
	res, err := schedule(t, clusters, deployment(5, "1", &policyv1alpha1.Placement{ReplicaScheduling: dynamicWeight()}))
	if err != nil || render(res.Clusters) != "a:1, b:4" {
		t.Fatalf("got %v %v", res, err)
	}
}

func TestAggregatedUsesFewestClusters(t *testing.T) {
	clusters := []*framework.ClusterInfo{makeCluster("a").nodes(1, "6").obj(), makeCluster("b").nodes(1, "8").obj(), makeCluster("c").nodes(1, "10").obj()}
	res, err := schedule(t, clusters, deployment(12, "1", &policyv1alpha1.Placement{ReplicaScheduling: aggregated()}))
	if err != nil || render(res.Clusters) != "b:5, c:7" {
		t.Fatalf("got %v %v", res, err)
	}
}

func TestSteadyScaleUpKeepsPreviousReplicas(t *testing.T) {
	clusters := []*framework.ClusterInfo{makeCluster("a").nodes(1, "10").obj(), makeCluster("b").nodes(1, "10").obj(), makeCluster("c").nodes(1, "10").obj()}
	w := deployment(24, "1", &policyv1alpha1.Placement{ReplicaScheduling: dynamicWeight()})
	w.Previous = []framework.TargetCluster{{Name: "a", Replicas: 2}, {Name: "b", Replicas: 4}, {Name: "c", Replicas: 6}}
	res, err := schedule(t, clusters, w)
	if err != nil || render(res.Clusters) != "a:6, b:8, c:10" {
		t.Fatalf("got %v %v", res, err)
	}
}

func TestClusterAffinitiesFailBack(t *testing.T) {
	p := &policyv1alpha1.Placement{ClusterAffinities: []policyv1alpha1.ClusterAffinityTerm{
		{AffinityName: "primary", ClusterAffinity: *names("cluster-hangzhou")},
		{AffinityName: "backup", ClusterAffinity: *names("cluster-frankfurt")},
	}}
	clusters := seedFleet()
	clusters[0].Cluster.Spec.Taints = []corev1.Taint{{Key: karmadaclusterv1alpha1.TaintClusterNotReady, Effect: corev1.TaintEffectNoSchedule}}
	res, err := schedule(t, clusters, deployment(2, "100m", p))
	if err != nil || res.AffinityName != "backup" || render(res.Clusters) != "cluster-frankfurt:2" {
		t.Fatalf("while primary is tainted: %v %v", res, err)
	}
	if len(res.Explanation.Terms) != 1 || !strings.Contains(res.Explanation.Terms[0], "term primary") {
		t.Fatalf("terms not explained: %v", res.Explanation.Terms)
	}
	clusters = seedFleet()
	w := deployment(2, "100m", p)
	w.Previous = []framework.TargetCluster{{Name: "cluster-frankfurt", Replicas: 2}}
	res, err = schedule(t, clusters, w)
	if err != nil || res.AffinityName != "primary" || render(res.Clusters) != "cluster-hangzhou:2" {
		t.Fatalf("after primary recovered: %v %v", res, err)
	}
}

func TestSpreadByRegionAndZoneAndLabel(t *testing.T) {
	clusters := []*framework.ClusterInfo{
		makeCluster("a1").region("r1").zone("z1").labels("tier", "gold").nodes(2, "4").obj(),
		makeCluster("a2").region("r1").zone("z2").labels("tier", "gold").nodes(2, "4").obj(),
		makeCluster("b1").region("r2").zone("z3").labels("tier", "silver").nodes(2, "4").obj(),
		makeCluster("c1").region("r3").zone("z4").labels("tier", "silver").nodes(1, "4").obj(),
	}
	byRegion := &policyv1alpha1.Placement{ReplicaScheduling: dynamicWeight(), SpreadConstraints: []policyv1alpha1.SpreadConstraint{
		{SpreadByField: policyv1alpha1.SpreadByFieldRegion, MinGroups: 2, MaxGroups: 2},
		{SpreadByField: policyv1alpha1.SpreadByFieldCluster, MinGroups: 2, MaxGroups: 2},
	}}
	res, err := schedule(t, clusters, deployment(8, "1", byRegion))
	if err != nil {
		t.Fatal(err)
	}
	regions := map[string]bool{}
	for _, c := range res.Clusters {
		regions[clusters[indexOf(clusters, c.Name)].Cluster.Spec.Region] = true
	}
	if len(res.Clusters) != 2 || len(regions) != 2 {
		t.Fatalf("want 2 clusters in 2 regions, got %s", render(res.Clusters))
	}
	byLabel := &policyv1alpha1.Placement{ReplicaScheduling: dynamicWeight(), SpreadConstraints: []policyv1alpha1.SpreadConstraint{
		{SpreadByLabel: "tier", MinGroups: 1, MaxGroups: 1},
	}}
	res, err = schedule(t, clusters, deployment(4, "1", byLabel))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Clusters {
		if clusters[indexOf(clusters, c.Name)].Cluster.Labels["tier"] != clusters[indexOf(clusters, res.Clusters[0].Name)].Cluster.Labels["tier"] {
			t.Fatalf("spread over one tier value, got %s", render(res.Clusters))
		}
	}
	tooMany := &policyv1alpha1.Placement{ReplicaScheduling: dynamicWeight(), SpreadConstraints: []policyv1alpha1.SpreadConstraint{
		{SpreadByField: policyv1alpha1.SpreadByFieldZone, MinGroups: 5},
	}}
	_, err = schedule(t, clusters, deployment(4, "1", tooMany))
	if err == nil || !strings.Contains(err.Error(), "at least 5 groups") {
		t.Fatalf("got %v", err)
	}
}

func TestMaxSkew(t *testing.T) {
	clusters := []*framework.ClusterInfo{
		makeCluster("a").region("r1").nodes(4, "4").obj(),
		makeCluster("b").region("r2").nodes(1, "4").obj(),
	}
	p := &policyv1alpha1.Placement{ReplicaScheduling: dynamicWeight(), SpreadConstraints: []policyv1alpha1.SpreadConstraint{{SpreadByField: policyv1alpha1.SpreadByFieldRegion, MaxSkew: 2}}}
	res, err := schedule(t, clusters, deployment(10, "1", p))
	if err != nil {
		t.Fatal(err)
	}
	// Capacity 16:4 would give 8:2; maxSkew 2 evens it to 6:4.
	if got := render(res.Clusters); got != "a:6, b:4" {
		t.Fatalf("got %s", got)
	}
}

func TestDeletingClusterIsSkipped(t *testing.T) {
	clusters := seedFleet()
	now := metav1.Now()
	clusters[1].Cluster.DeletionTimestamp = &now
	res, err := schedule(t, clusters, deployment(1, "100m", nil))
	if err != nil || render(res.Clusters) != "cluster-frankfurt:1, cluster-hangzhou:1" {
		t.Fatalf("got %v %v", res, err)
	}
}

func indexOf(clusters []*framework.ClusterInfo, name string) int {
	for i, c := range clusters {
		if c.Name() == name {
			return i
		}
	}
	return -1
}
