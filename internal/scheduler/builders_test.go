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
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/estimator"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// clusterBuilder makes test clusters: Ready, serving apps/v1 Deployments.
type clusterBuilder struct{ info *framework.ClusterInfo }

func makeCluster(name string) *clusterBuilder {
	c := &karmadaclusterv1alpha1.Cluster{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{}},
		Status: karmadaclusterv1alpha1.ClusterStatus{
			APIEnablements: []karmadaclusterv1alpha1.APIEnablement{{GroupVersion: "apps/v1", Resources: []karmadaclusterv1alpha1.APIResource{{Name: "deployments", Kind: "Deployment"}}}},
		},
	}
	return &clusterBuilder{info: &framework.ClusterInfo{Cluster: c}}
}

func (b *clusterBuilder) labels(kv ...string) *clusterBuilder {
	for i := 0; i+1 < len(kv); i += 2 {
		b.info.Cluster.Labels[kv[i]] = kv[i+1]
	}
	return b
}

func (b *clusterBuilder) region(r string) *clusterBuilder {
	b.info.Cluster.Spec.Region = r
	return b.labels("region", r)
}

func (b *clusterBuilder) provider(p string) *clusterBuilder {
	b.info.Cluster.Spec.Provider = p
	return b.labels("provider", p)
}

func (b *clusterBuilder) zone(z string) *clusterBuilder {
	b.info.Cluster.Spec.Zones = []string{z}
	return b
}

// nodes gives the cluster n nodes of cpu CPUs each.
func (b *clusterBuilder) nodes(n int, cpu string) *clusterBuilder {
	for i := range n {
		b.info.Nodes = append(b.info.Nodes, estimator.Node{Node: &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-n%d", b.info.Cluster.Name, i)},
			Status: corev1.NodeStatus{
				Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse("64Gi"), corev1.ResourcePods: resource.MustParse("110")},
				Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
			},
		}})
	}
	return b
}

func (b *clusterBuilder) obj() *framework.ClusterInfo { return b.info }

// seedFleet is the three clusters of examples/seed/01-fleet.yaml.
func seedFleet() []*framework.ClusterInfo {
	return []*framework.ClusterInfo{
		makeCluster("cluster-hangzhou").region("asia-east").provider("alibaba").labels("env", "production").nodes(3, "4").obj(),
		makeCluster("cluster-shanghai").region("asia-east").provider("huawei").labels("env", "production").nodes(3, "4").obj(),
		makeCluster("cluster-frankfurt").region("eu-central").provider("aws").labels("env", "production").nodes(3, "4").obj(),
	}
}

func deployment(replicas int64, cpu string, p *policyv1alpha1.Placement) *framework.Workload {
	return &framework.Workload{
		UID: "", Namespace: "default", Name: "app",
		GVK:          schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"},
		Resource:     "deployments",
		Replicas:     replicas,
		Requirements: &estimator.Requirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}},
		Placement:    p,
	}
}

func names(ns ...string) *policyv1alpha1.ClusterAffinity {
	return &policyv1alpha1.ClusterAffinity{ClusterNames: ns}
}

func staticWeight(pairs ...any) *policyv1alpha1.ReplicaSchedulingStrategy {
	rs := &policyv1alpha1.ReplicaSchedulingStrategy{
		ReplicaSchedulingType:     policyv1alpha1.ReplicaSchedulingTypeDivided,
		ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
		WeightPreference:          &policyv1alpha1.ClusterPreferences{},
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		rs.WeightPreference.StaticWeightList = append(rs.WeightPreference.StaticWeightList, policyv1alpha1.StaticClusterWeight{
			TargetCluster: *names(pairs[i].(string)), Weight: int64(pairs[i+1].(int)),
		})
	}
	return rs
}

func dynamicWeight() *policyv1alpha1.ReplicaSchedulingStrategy {
	return &policyv1alpha1.ReplicaSchedulingStrategy{
		ReplicaSchedulingType:     policyv1alpha1.ReplicaSchedulingTypeDivided,
		ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
		WeightPreference:          &policyv1alpha1.ClusterPreferences{DynamicWeight: policyv1alpha1.DynamicWeightByAvailableReplicas},
	}
}

func aggregated() *policyv1alpha1.ReplicaSchedulingStrategy {
	return &policyv1alpha1.ReplicaSchedulingStrategy{
		ReplicaSchedulingType:     policyv1alpha1.ReplicaSchedulingTypeDivided,
		ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceAggregated,
	}
}

func render(ts []framework.TargetCluster) string {
	out := ""
	for i, t := range ts {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%s:%d", t.Name, t.Replicas)
	}
	return out
}

func reservation(cpu string, replicas int64) estimator.Reservation {
	return estimator.Reservation{Requirements: estimator.Requirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}}, Replicas: replicas}
}
