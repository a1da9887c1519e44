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

package intelligent

import (
	"math"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/clusterproperties"
)

var now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func cluster(name string, annotations map[string]string) karmadaclusterv1alpha1.Cluster {
	return karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: annotations}}
}

// fleet has a spot cluster (spot prices, clean grid), an on-demand one with
// fresh timestamped values, one whose feed stopped ten hours ago (past the
// default six-hour maximum age) and one with a price but no intensity.
func fleet() []karmadaclusterv1alpha1.Cluster {
	return []karmadaclusterv1alpha1.Cluster{
		cluster("spot", map[string]string{
			clusterproperties.CapacityType: "spot",
			clusterproperties.VCPUHourUSD:  "0.04", clusterproperties.GiBHourUSD: "0.005",
			clusterproperties.SpotVCPUHourUSD: "0.01", clusterproperties.SpotGiBHourUSD: "0.002",
			clusterproperties.CarbonIntensity: "100",
		}),
		cluster("ondemand", map[string]string{
			clusterproperties.VCPUHourUSD: "0.04", clusterproperties.GiBHourUSD: "0.005", clusterproperties.CarbonIntensity: "400",
			clusterproperties.ObservedAt: now.Add(-time.Hour).Format(time.RFC3339),
		}),
		cluster("stale", map[string]string{
			clusterproperties.VCPUHourUSD: "0.001", clusterproperties.GiBHourUSD: "0.0001", clusterproperties.CarbonIntensity: "1",
			clusterproperties.ObservedAt: now.Add(-10 * time.Hour).Format(time.RFC3339),
		}),
		cluster("nocarbon", map[string]string{clusterproperties.VCPUHourUSD: "0.03"}),
	}
}

func requests(cpu, memory string) *workv1alpha2.ReplicaRequirements {
	rl := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}
	if memory != "" {
		rl[corev1.ResourceMemory] = resource.MustParse(memory)
	}
	return &workv1alpha2.ReplicaRequirements{ResourceRequest: rl}
}

func targets(pairs ...any) []workv1alpha2.TargetCluster {
	var out []workv1alpha2.TargetCluster
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, workv1alpha2.TargetCluster{Name: pairs[i].(string), Replicas: int32(pairs[i+1].(int))})
	}
	return out
}

func rb(namespace, name, kind string, rr *workv1alpha2.ReplicaRequirements, replicas int32, clusters []workv1alpha2.TargetCluster) *workv1alpha2.ResourceBinding {
	return &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name + "-" + strings.ToLower(kind)},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource:            workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: kind, Namespace: namespace, Name: name},
			ReplicaRequirements: rr, Replicas: replicas, Clusters: clusters,
		},
	}
}

func near(got, want float64) bool { return math.Abs(got-want) < 1e-9 }

func TestEstimateSumsPerWorkloadClusterAndFleet(t *testing.T) {
	agent := &workv1alpha2.ClusterResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "agent-daemonset"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource:            workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "DaemonSet", Name: "agent"},
			ReplicaRequirements: requests("500m", ""), Replicas: 4, Clusters: targets("nocarbon", 4),
		},
	}
	bindings := []workv1alpha2.Binding{
		rb("jobs", "batch", "Deployment", requests("1", "1Gi"), 6, targets("stale", 3, "spot", 1, "ghost", 2)),
		rb("default", "web", "Deployment", requests("2", "4Gi"), 10, targets("spot", 8, "ondemand", 2)),
		rb("default", "settings", "ConfigMap", nil, 0, targets("spot", 0, "ondemand", 0)),
		rb("default", "bare", "Deployment", nil, 2, targets("spot", 2)),
		agent,
	}
	r := Estimate(bindings, fleet(), now)

	// web on spot: 16 vCPU × 0.01 + 32 GiB × 0.002 = 0.224 USD/h; on
	// on-demand: 4 × 0.04 + 8 × 0.005 = 0.2. Watts: (vCPU × 2.12 + GiB ×
	// 0.392) × 1.135, so 52.73664 W at 100 g/kWh and 13.18416 W at 400.
	var order []string
	for _, w := range r.ByWorkload {
		order = append(order, w.Namespace+"/"+w.Name)
	}
	if got, want := strings.Join(order, " "), "/agent-daemonset default/bare-deployment default/web-deployment jobs/batch-deployment"; got != want {
		t.Fatalf("workloads %q, want %q (the ConfigMap without replicas left out)", got, want)
	}
	web := r.ByWorkload[2]
	if !near(web.USDPerHour, 0.424) || !near(web.GramsPerHour, 5.273664+5.273664) || web.Replicas != 10 || web.LowerBound() {
		t.Fatalf("web: %+v", web.Figures)
	}
	if len(web.Clusters) != 2 || web.Clusters[0].Cluster != "ondemand" || !near(web.Clusters[0].USDPerHour, 0.2) || !near(web.Clusters[1].USDPerHour, 0.224) {
		t.Fatalf("web's shares by cluster name: %+v", web.Clusters)
	}
	if web.BindingKind != "ResourceBinding" || web.PerReplica.VCPU != 2 || web.PerReplica.GiB != 4 {
		t.Fatalf("web: kind %s, per replica %+v", web.BindingKind, web.PerReplica)
	}

	batch := r.ByWorkload[3]
	if batch.Replicas != 6 || batch.UnpricedReplicas != 5 || batch.UnknownCarbonReplicas != 5 || !near(batch.USDPerHour, 0.012) || !batch.LowerBound() {
		t.Fatalf("batch: stale and missing clusters must be left out, not priced: %+v", batch.Figures)
	}
	agentEst := r.ByWorkload[0]
	if agentEst.BindingKind != "ClusterResourceBinding" || !near(agentEst.USDPerHour, 0.06) || agentEst.UnpricedReplicas != 0 || agentEst.UnknownCarbonReplicas != 4 {
		t.Fatalf("agent asks no memory, so the missing GiB price does not matter; its intensity is unknown: %+v", agentEst)
	}
	if bare := r.ByWorkload[1]; bare.UnrequestedReplicas != 2 || bare.UnpricedReplicas != 0 || bare.USDPerHour != 0 {
		t.Fatalf("bare requests nothing: %+v", bare.Figures)
	}

	total := r.Total
	if !near(total.USDPerHour, 0.496) || !near(total.GramsPerHour, 10.547328+0.285112) || total.Replicas != 22 ||
		total.UnpricedReplicas != 5 || total.UnknownCarbonReplicas != 9 || total.UnrequestedReplicas != 2 {
		t.Fatalf("total: %+v", total)
	}

	var names []string
	for _, c := range r.ByCluster {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, " "); got != "ghost nocarbon ondemand spot stale" {
		t.Fatalf("clusters %q", got)
	}
	spot := r.ByCluster[3]
	if spot.Replicas != 11 || !near(spot.USDPerHour, 0.236) || !near(spot.GramsPerHour, 5.273664+0.285112) || !spot.Properties.Spot {
		t.Fatalf("spot: %+v", spot)
	}
	var sum float64
	for _, c := range r.ByCluster {
		sum += c.USDPerHour
	}
	if !near(sum, total.USDPerHour) {
		t.Fatalf("clusters sum to %v, the total is %v", sum, total.USDPerHour)
	}
}

func TestProblemsSayWhyAClusterIsUnknown(t *testing.T) {
	r := Estimate([]workv1alpha2.Binding{rb("default", "web", "Deployment", requests("1", "1Gi"), 4, targets("stale", 1, "ghost", 1, "nocarbon", 1, "spot", 1))}, fleet(), now)
	by := map[string]ClusterEstimate{}
	for _, c := range r.ByCluster {
		by[c.Name] = c
	}
	cases := []struct {
		cluster, price, carbon string
	}{
		{"stale", "is stale", "is stale"},
		{"ghost", "no Cluster named ghost", "no Cluster named ghost"},
		{"nocarbon", "no GiB-hour price", "no carbon intensity"},
		{"spot", "", ""},
	}
	for _, c := range cases {
		price, carbon := PriceProblem(by[c.cluster], true), CarbonProblem(by[c.cluster])
		if (c.price == "") != (price == "") || !strings.Contains(price, c.price) {
			t.Errorf("%s: price problem %q, want %q", c.cluster, price, c.price)
		}
		if (c.carbon == "") != (carbon == "") || !strings.Contains(carbon, c.carbon) {
			t.Errorf("%s: carbon problem %q, want %q", c.cluster, carbon, c.carbon)
		}
	}
	if p := PriceProblem(by["nocarbon"], false); p != "" {
		t.Errorf("nocarbon has a vCPU price, enough without memory: %q", p)
	}
}
