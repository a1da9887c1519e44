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

package replay

import (
	"math"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/scheduler/estimator"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// ClusterName is the replayed cluster of a region.
func ClusterName(region string) string { return "cluster-" + region }

// Workload is one replayed workload: one-vCPU replicas, divided by the
// policy alone (dynamic weights by available replicas) unless an
// objective governs it.
type Workload struct {
	Name string
	// Replicas asked for at a time.
	Replicas func(time.Time) int64
}

// DefaultWorkloads are a steady API of 40 replicas, more than one cluster
// holds, and a web tier that follows the day from 16 replicas at night to
// 40 in the afternoon.
func DefaultWorkloads() []Workload {
	return []Workload{
		{Name: "api", Replicas: func(time.Time) int64 { return 40 }},
		{Name: "web", Replicas: func(t time.Time) int64 {
			h, m, _ := t.UTC().Add(time.Hour).Clock()
			return 16 + int64(math.Round(24*bump(float64(h)+float64(m)/60, 15, 3.5)))
		}},
	}
}

// replicaRequests is what one replica of every replayed workload asks.
var replicaRequests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}

func (w Workload) framework(replicas int64, previous []framework.TargetCluster) *framework.Workload {
	return &framework.Workload{
		UID: "replay-" + w.Name, Namespace: "default", Name: w.Name,
		GVK: schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, Resource: "deployments",
		Replicas:     replicas,
		Requirements: &estimator.Requirements{Requests: replicaRequests},
		Placement: &policyv1alpha1.Placement{ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{
			ReplicaSchedulingType:     policyv1alpha1.ReplicaSchedulingTypeDivided,
			ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
			WeightPreference:          &policyv1alpha1.ClusterPreferences{DynamicWeight: policyv1alpha1.DynamicWeightByAvailableReplicas},
		}},
		Previous: previous,
	}
}

// publishedClusters are the fleet's Cluster objects at one step, with the
// properties a price and carbon exporter would write: static on-demand
// prices as labels; the spot price and the carbon intensity as annotations
// stamped with the time they were observed. Their status is filled per
// decision, from what the policy runs where.
func publishedClusters(tr Trace, i int, vCPUsPerCluster int64) []*karmadaclusterv1alpha1.Cluster {
	now := tr.At(i)
	out := make([]*karmadaclusterv1alpha1.Cluster, len(tr.Regions))
	for r, region := range tr.Regions {
		c := tr.Steps[i][r]
		labels := map[string]string{
			"topology.kubernetes.io/region": region.Name,
			clusterproperties.VCPUHourUSD:   strconv.FormatFloat(region.OnDemandVCPUHour, 'f', -1, 64),
			clusterproperties.CapacityType:  "on-demand",
		}
		annotations := map[string]string{
			clusterproperties.CarbonIntensity: strconv.FormatFloat(math.Round(c.Intensity*10)/10, 'f', -1, 64),
			clusterproperties.ObservedAt:      now.UTC().Format(time.RFC3339),
		}
		if region.Spot {
			labels[clusterproperties.CapacityType] = clusterproperties.CapacitySpot
			annotations[clusterproperties.SpotVCPUHourUSD] = strconv.FormatFloat(c.VCPUHour, 'f', 5, 64)
		}
		out[r] = &karmadaclusterv1alpha1.Cluster{
			ObjectMeta: metav1.ObjectMeta{Name: ClusterName(region.Name), Labels: labels, Annotations: annotations},
			Spec:       karmadaclusterv1alpha1.ClusterSpec{SyncMode: karmadaclusterv1alpha1.Push, Region: region.Name},
			Status: karmadaclusterv1alpha1.ClusterStatus{
				KubernetesVersion: "v1.31.0",
				Conditions: []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionTrue},
					{Type: karmadaclusterv1alpha1.ClusterConditionCompleteAPIEnablements, Status: metav1.ConditionTrue}},
				APIEnablements: []karmadaclusterv1alpha1.APIEnablement{{GroupVersion: "apps/v1",
					Resources: []karmadaclusterv1alpha1.APIResource{{Name: "deployments", Kind: "Deployment"}}}},
				NodeSummary: &karmadaclusterv1alpha1.NodeSummary{TotalNum: int32(vCPUsPerCluster / 4), ReadyNum: int32(vCPUsPerCluster / 4)},
			},
		}
	}
	return out
}

// snapshot is the fleet as one policy's decision sees it: each cluster's
// allocated CPU is what the policy's workloads run there (the decision's
// own workload included: the scheduler adds its previous replicas back).
func snapshot(published []*karmadaclusterv1alpha1.Cluster, vCPUsPerCluster int64, running map[string]int64) *framework.Snapshot {
	snap := &framework.Snapshot{Clusters: make([]*framework.ClusterInfo, len(published))}
	for i, p := range published {
		c := *p
		used := running[c.Name]
		c.Status.ResourceSummary = &karmadaclusterv1alpha1.ResourceSummary{
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: *resource.NewQuantity(vCPUsPerCluster, resource.DecimalSI),
				corev1.ResourcePods: *resource.NewQuantity(110*vCPUsPerCluster/4, resource.DecimalSI)},
			Allocated: corev1.ResourceList{corev1.ResourceCPU: *resource.NewQuantity(used, resource.DecimalSI),
				corev1.ResourcePods: *resource.NewQuantity(used, resource.DecimalSI)},
		}
		snap.Clusters[i] = &framework.ClusterInfo{Cluster: &c}
	}
	return snap
}
