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

// Package benchgrid holds the inputs of the scheduler benchmark grid
// (BenchmarkPerfSchedule): K clusters and one placement per scenario. The
// benchmark, the test that compares its decisions with Karmada's and
// hack/benchgrid, which writes them as 'kurator schedule' scenarios for the
// Karmada oracle, share them.
package benchgrid

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/estimator"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// Order lists the scenarios as the benchmark runs them.
var Order = []string{"Duplicated", "DuplicatedLabelAffinity", "StaticWeight", "StaticWeightByLabel", "DynamicWeight", "Aggregated", "DynamicWeightScaleUp", "SpreadRegionDynamicWeight"}

// Sizes are the fleet sizes of the grid.
var Sizes = []int{100, 1000, 5000}

// Replicas every scenario asks for; ScaleUpFrom is where
// DynamicWeightScaleUp starts.
const (
	Replicas    = 1000
	ScaleUpFrom = 800
)

var apis = []karmadaclusterv1alpha1.APIEnablement{
	{GroupVersion: "v1", Resources: kinds("Pod", "Service", "ConfigMap", "Secret", "Namespace", "ServiceAccount", "PersistentVolumeClaim", "Node")},
	{GroupVersion: "apps/v1", Resources: kinds("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")},
	{GroupVersion: "batch/v1", Resources: kinds("Job", "CronJob")},
	{GroupVersion: "autoscaling/v2", Resources: kinds("HorizontalPodAutoscaler")},
	{GroupVersion: "networking.k8s.io/v1", Resources: kinds("Ingress", "NetworkPolicy")},
	{GroupVersion: "policy/v1", Resources: kinds("PodDisruptionBudget")},
	{GroupVersion: "rbac.authorization.k8s.io/v1", Resources: kinds("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding")},
	{GroupVersion: "storage.k8s.io/v1", Resources: kinds("StorageClass")},
}

func kinds(ks ...string) []karmadaclusterv1alpha1.APIResource {
	out := make([]karmadaclusterv1alpha1.APIResource, len(ks))
	for i, k := range ks {
		out[i] = karmadaclusterv1alpha1.APIResource{Name: k, Kind: k}
	}
	return out
}

// Clusters are the grid's K member clusters: four sizes, three tiers and
// providers, ten regions, every twentieth tainted.
func Clusters(k int) []*framework.ClusterInfo {
	out := make([]*framework.ClusterInfo, k)
	for i := range k {
		f := int64(1 + i%4)
		tier := []string{"gold", "silver", "bronze"}[i%3]
		env := "staging"
		if i%2 == 0 {
			env = "prod"
		}
		c := &karmadaclusterv1alpha1.Cluster{
			ObjectMeta: metav1.ObjectMeta{
				Name: fmt.Sprintf("member-%05d", i), UID: types.UID(fmt.Sprintf("00000000-0000-4000-8000-%012d", i)),
				Labels: map[string]string{"env": env, "tier": tier, "region": fmt.Sprintf("region-%02d", i%10), "bench.karmada.io/index": fmt.Sprint(i)},
			},
			Spec: karmadaclusterv1alpha1.ClusterSpec{SyncMode: karmadaclusterv1alpha1.Push, Provider: fmt.Sprintf("provider-%d", i%3),
				Region: fmt.Sprintf("region-%d", i%10), Zones: []string{fmt.Sprintf("zone-%d-%d", i%10, (i/10)%3)}},
			Status: karmadaclusterv1alpha1.ClusterStatus{
				KubernetesVersion: "v1.31.0",
				Conditions: []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionTrue},
					{Type: karmadaclusterv1alpha1.ClusterConditionCompleteAPIEnablements, Status: metav1.ConditionTrue}},
				APIEnablements: apis,
				NodeSummary:    &karmadaclusterv1alpha1.NodeSummary{TotalNum: int32(10 * f), ReadyNum: int32(10 * f)},
				ResourceSummary: &karmadaclusterv1alpha1.ResourceSummary{
					Allocatable: corev1.ResourceList{corev1.ResourceCPU: *resource.NewQuantity(64*f, resource.DecimalSI), corev1.ResourceMemory: *resource.NewQuantity(256*f<<30, resource.BinarySI), corev1.ResourcePods: *resource.NewQuantity(1100*f, resource.DecimalSI)},
					Allocated:   corev1.ResourceList{corev1.ResourceCPU: *resource.NewQuantity(16*f, resource.DecimalSI), corev1.ResourceMemory: *resource.NewQuantity(64*f<<30, resource.BinarySI), corev1.ResourcePods: *resource.NewQuantity(275*f, resource.DecimalSI)},
				},
			},
		}
		if i%20 == 19 {
			c.Spec.Taints = []corev1.Taint{{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}
		}
		out[i] = &framework.ClusterInfo{Cluster: c}
	}
	return out
}

// Workload is the grid's Deployment of 100m CPU and 128Mi replicas.
func Workload(replicas int64, p *policyv1alpha1.Placement) *framework.Workload {
	return &framework.Workload{
		UID: "5d7f3c1e-0000-4000-8000-000000000001", Namespace: "default", Name: "bench-app",
		GVK: schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, Resource: "deployments",
		Replicas: replicas,
		Requirements: &estimator.Requirements{Requests: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")}},
		Placement: p,
	}
}

// Placements are the grid's placements by scenario name, for K clusters.
func Placements(k int) map[string]*policyv1alpha1.Placement {
	byName := staticWeights()
	for i := range k {
		byName.WeightPreference.StaticWeightList = append(byName.WeightPreference.StaticWeightList, policyv1alpha1.StaticClusterWeight{
			TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: []string{fmt.Sprintf("member-%05d", i)}}, Weight: int64(1 + i%10)})
	}
	byLabel := staticWeights()
	for tier, w := range map[string]int64{"gold": 3, "silver": 2, "bronze": 1} {
		byLabel.WeightPreference.StaticWeightList = append(byLabel.WeightPreference.StaticWeightList, policyv1alpha1.StaticClusterWeight{
			TargetCluster: policyv1alpha1.ClusterAffinity{LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": tier}}}, Weight: w})
	}
	return map[string]*policyv1alpha1.Placement{
		"Duplicated":              {},
		"DuplicatedLabelAffinity": {ClusterAffinity: &policyv1alpha1.ClusterAffinity{LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "prod"}}}},
		"StaticWeight":            {ReplicaScheduling: byName},
		"StaticWeightByLabel":     {ReplicaScheduling: byLabel},
		"DynamicWeight":           {ReplicaScheduling: dynamicWeights()},
		"Aggregated":              {ReplicaScheduling: aggregatedDivision()},
		"DynamicWeightScaleUp":    {ReplicaScheduling: dynamicWeights()},
		"SpreadRegionDynamicWeight": {ReplicaScheduling: dynamicWeights(), SpreadConstraints: []policyv1alpha1.SpreadConstraint{
			{SpreadByField: policyv1alpha1.SpreadByFieldRegion, MinGroups: 2, MaxGroups: 3},
			{SpreadByField: policyv1alpha1.SpreadByFieldCluster, MinGroups: 3, MaxGroups: 10},
		}},
	}
}

func staticWeights() *policyv1alpha1.ReplicaSchedulingStrategy {
	return &policyv1alpha1.ReplicaSchedulingStrategy{
		ReplicaSchedulingType:     policyv1alpha1.ReplicaSchedulingTypeDivided,
		ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
		WeightPreference:          &policyv1alpha1.ClusterPreferences{},
	}
}

func dynamicWeights() *policyv1alpha1.ReplicaSchedulingStrategy {
	return &policyv1alpha1.ReplicaSchedulingStrategy{
		ReplicaSchedulingType:     policyv1alpha1.ReplicaSchedulingTypeDivided,
		ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
		WeightPreference:          &policyv1alpha1.ClusterPreferences{DynamicWeight: policyv1alpha1.DynamicWeightByAvailableReplicas},
	}
}

func aggregatedDivision() *policyv1alpha1.ReplicaSchedulingStrategy {
	return &policyv1alpha1.ReplicaSchedulingStrategy{
		ReplicaSchedulingType:     policyv1alpha1.ReplicaSchedulingTypeDivided,
		ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceAggregated,
	}
}
