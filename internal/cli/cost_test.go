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
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/cost"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/scheme"
)

var costNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func pricedCluster(name string, annotations map[string]string) *karmadaclusterv1alpha1.Cluster {
	return &karmadaclusterv1alpha1.Cluster{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: annotations},
		Status: karmadaclusterv1alpha1.ClusterStatus{
			APIEnablements: []karmadaclusterv1alpha1.APIEnablement{{GroupVersion: "apps/v1", Resources: []karmadaclusterv1alpha1.APIResource{{Name: "deployments", Kind: "Deployment"}}}},
			ResourceSummary: &karmadaclusterv1alpha1.ResourceSummary{Allocatable: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("100"), corev1.ResourceMemory: resource.MustParse("400Gi"), corev1.ResourcePods: resource.MustParse("110")}},
		},
	}
}

// deployment is a template and its binding: requests per replica, a
// policy dividing by equal static weights over clusters, and the placement
// in force.
func deployment(namespace, name string, labels map[string]string, rl corev1.ResourceList, over []string, placed ...workv1alpha2.TargetCluster) []client.Object {
	var weights []policyv1alpha1.StaticClusterWeight
	replicas := int32(0)
	for _, c := range over {
		weights = append(weights, policyv1alpha1.StaticClusterWeight{TargetCluster: policyv1alpha1.ClusterAffinity{ClusterNames: []string{c}}, Weight: 1})
	}
	for _, t := range placed {
		replicas += t.Replicas
	}
	template := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: labels}}
	b := &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name + "-deployment"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource:            workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: namespace, Name: name},
			Replicas:            replicas,
			ReplicaRequirements: &workv1alpha2.ReplicaRequirements{ResourceRequest: rl},
			Placement: &policyv1alpha1.Placement{
				ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: over},
				ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{
					ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided, ReplicaDivisionPreference: policyv1alpha1.ReplicaDivisionPreferenceWeighted,
					WeightPreference: &policyv1alpha1.ClusterPreferences{StaticWeightList: weights},
				},
			},
			Clusters: placed,
		},
	}
	return []client.Object{template, b}
}

func cpuMem(cpu, memory string) corev1.ResourceList {
	rl := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}
	if memory != "" {
		rl[corev1.ResourceMemory] = resource.MustParse(memory)
	}
	return rl
}

func intelligentScheduler(name, maxCost string, selectors ...policyv1alpha1.ResourceSelector) *schedulingv1alpha1.IntelligentScheduler {
	return &schedulingv1alpha1.IntelligentScheduler{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: schedulingv1alpha1.IntelligentSchedulerSpec{ResourceSelectors: selectors, Optimization: schedulingv1alpha1.Optimization{
			Objective: []schedulingv1alpha1.Objective{schedulingv1alpha1.ObjectiveCost, schedulingv1alpha1.ObjectiveCarbon}, Constraints: schedulingv1alpha1.Constraints{MaxCost: maxCost}}},
	}
}

// costFleet: web is placed 8/2 on spot/ondemand (as the carbon objective
// would), its policy alone splits it 5/5; api runs in another namespace on
// ondemand only, and the scheduling controller recorded its counterfactual
// on spot; batch runs half on a cluster whose feed went stale.
// "green" governs web and api by label and has a generous budget; "tight"
// governs batch by name and is over its budget.
func costFleet() client.Reader {
	objs := []client.Object{
		pricedCluster("spot", map[string]string{
			clusterproperties.CapacityType: "spot", clusterproperties.SpotVCPUHourUSD: "0.01", clusterproperties.SpotGiBHourUSD: "0.002",
			clusterproperties.VCPUHourUSD: "0.04", clusterproperties.GiBHourUSD: "0.005", clusterproperties.CarbonIntensity: "100"}),
		pricedCluster("ondemand", map[string]string{clusterproperties.VCPUHourUSD: "0.04", clusterproperties.GiBHourUSD: "0.005", clusterproperties.CarbonIntensity: "400"}),
		pricedCluster("stale", map[string]string{clusterproperties.VCPUHourUSD: "0.001", clusterproperties.GiBHourUSD: "0.0001", clusterproperties.CarbonIntensity: "10",
			clusterproperties.ObservedAt: costNow.Add(-10 * time.Hour).Format(time.RFC3339)}),
		intelligentScheduler("tight", "0.5 USD/day", policyv1alpha1.ResourceSelector{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "batch"}),
		intelligentScheduler("green", "1000 USD/day", policyv1alpha1.ResourceSelector{APIVersion: "apps/v1", Kind: "Deployment",
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "web"}}}),
	}
	web := map[string]string{"tier": "web"}
	objs = append(objs, deployment("default", "web", web, cpuMem("2", "4Gi"), []string{"spot", "ondemand"},
		workv1alpha2.TargetCluster{Name: "spot", Replicas: 8}, workv1alpha2.TargetCluster{Name: "ondemand", Replicas: 2})...)
	api := deployment("other", "api", web, cpuMem("1", ""), []string{"ondemand"}, workv1alpha2.TargetCluster{Name: "ondemand", Replicas: 2})
	// The scheduling controller recorded api's counterfactual on spot;
	// the report must take it rather than decide its own.
	api[1].SetAnnotations(map[string]string{intelligent.OptimizationAnnotation: intelligent.Encode(intelligent.OptimizationState{Agnostic: map[string]int32{"spot": 2}})})
	objs = append(objs, api...)
	objs = append(objs, deployment("default", "batch", nil, cpuMem("1", "1Gi"), []string{"stale", "spot"},
		workv1alpha2.TargetCluster{Name: "stale", Replicas: 3}, workv1alpha2.TargetCluster{Name: "spot", Replicas: 3})...)
	return fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).Build()
}

func about(got, want float64) bool { return math.Abs(got-want) < 1e-4 }

func TestCostReportSumsPerWorkloadAndCluster(t *testing.T) {
	r, err := buildCostReport(context.Background(), costFleet(), "default", costNow)
	if err != nil {
		t.Fatal(err)
	}
	// web: 8 × (2 vCPU × 0.01 + 4 GiB × 0.002) + 2 × (2 × 0.04 + 4 × 0.005)
	// = 0.424 USD/h; batch: 3 on spot at 0.012, 3 stale and unpriced.
	if len(r.Workloads) != 2 || r.Workloads[0].Name != "batch" || r.Workloads[1].Name != "web" {
		t.Fatalf("the default namespace's workloads, by binding name: %+v", r.Workloads)
	}
	batch, web := r.Workloads[0], r.Workloads[1]
	if !about(web.USDPerDay, 0.424*24) || !about(web.GramsPerDay, 10.547328*24) || web.Scheduler != "green" || web.UnpricedReplicas != 0 {
		t.Fatalf("web: %+v", web)
	}
	if !about(batch.USDPerDay, 0.036*24) || batch.UnpricedReplicas != 3 || batch.UnknownIntensityReplicas != 3 || batch.Scheduler != "tight" {
		t.Fatalf("batch: %+v", batch)
	}
	if !about(r.Total.USDPerDay, 0.46*24) || r.Total.Replicas != 16 || r.Total.UnpricedReplicas != 3 {
		t.Fatalf("total: %+v", r.Total)
	}
	by := map[string]clusterCost{}
	var sum float64
	for _, c := range r.Clusters {
		by[c.Name] = c
		sum += c.USDPerDay
	}
	if !about(sum, r.Total.USDPerDay) || !about(by["spot"].USDPerDay, 0.26*24) || by["spot"].Replicas != 11 || !by["spot"].Spot || *by["spot"].VCPUHourUSD != 0.01 {
		t.Fatalf("clusters: %+v", r.Clusters)
	}
	if st := by["stale"]; st.VCPUHourUSD != nil || st.UnpricedReplicas != 3 || len(st.Unknown) != 2 || !strings.Contains(st.Unknown[0], "is stale") {
		t.Fatalf("the stale cluster must be reported unpriced and why: %+v", st)
	}
	if len(r.Notes) == 0 || !strings.Contains(strings.Join(r.Notes, "\n"), "3 of 16 replicas run where the price is unknown") {
		t.Fatalf("notes: %q", r.Notes)
	}

	all, err := buildCostReport(context.Background(), costFleet(), "", costNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Workloads) != 3 || all.Total.Replicas != 18 {
		t.Fatalf("-A reports every namespace: %+v", all.Workloads)
	}
}

func TestCostReportBudgetsAndAgnosticCarbon(t *testing.T) {
	r, err := buildCostReport(context.Background(), costFleet(), "default", costNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Schedulers) != 2 || r.Schedulers[0].Name != "green" || r.Schedulers[1].Name != "tight" {
		t.Fatalf("schedulers by name: %+v", r.Schedulers)
	}
	green, tight := r.Schedulers[0], r.Schedulers[1]
	// green governs api in another namespace too: a budget is fleet-wide.
	if green.Workloads != 2 || !about(green.Spend.USDPerDay, (0.424+0.08)*24) {
		t.Fatalf("green spend: %+v", green)
	}
	if b := green.Budget; b == nil || *b.PerDay != 1000 || b.Over || !about(*b.UsedPercent, (0.424+0.08)*24/10) {
		t.Fatalf("green budget: %+v", b)
	}
	if b := tight.Budget; b == nil || !b.Over || !about(*b.UsedPercent, 0.036*24/0.5*100) {
		t.Fatalf("tight is over its 0.5 USD/day: %+v", b)
	}
	// Agnostic web, decided here, is 5/5: 10 vCPU + 20 GiB on each side,
	// 32.9604 W, at 100 and 400 g/kWh. api's recorded counterfactual puts
	// its 2 vCPU (4.8124 W) on spot at 100 g/kWh instead of 400.
	webAgnostic := 32.9604 * (0.1 + 0.4) * 24
	apiGrams, apiAgnostic := 4.8124*0.4*24, 4.8124*0.1*24
	c := green.Carbon
	if !c.Comparable || !about(c.AgnosticGramsPerDay, webAgnostic+apiAgnostic) || !about(c.GramsPerDay, 10.547328*24+apiGrams) {
		t.Fatalf("green carbon: %+v", c)
	}
	saved := webAgnostic + apiAgnostic - 10.547328*24 - apiGrams
	if !about(*c.SavedGramsPerDay, saved) || !about(*c.SavedPercent, saved/(webAgnostic+apiAgnostic)*100) {
		t.Fatalf("green saved %v g (%v%%)", *c.SavedGramsPerDay, *c.SavedPercent)
	}
	if web := r.Workloads[1]; web.AgnosticGramsPerDay == nil || !about(*web.AgnosticGramsPerDay, webAgnostic) {
		t.Fatalf("web's agnostic emissions: %v", web.AgnosticGramsPerDay)
	}
	if tc := tight.Carbon; tc.Comparable || tc.SavedGramsPerDay != nil || tc.UnknownIntensityReplicas != 3 {
		t.Fatalf("tight runs replicas of unknown intensity, so no saving may be stated: %+v", tc)
	}

	var out bytes.Buffer
	printCostTable(&out, r)
	table := out.String()
	for _, want := range []string{
		"Deployment default/web", "ondemand:2,spot:8", "TOTAL", "11.04+",
		"stale", "price: " + clusterproperties.VCPUHourUSD + " is stale",
		"OVER", "172.8%", "1000.00", "n/a", "g (",
		"Carbon: location-based: requests × Cloud Carbon Footprint coefficients (2.12 W/vCPU, 0.392 W/GiB, PUE 1.135) × the cluster's grid intensity.",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

func TestCostReportJSONSchema(t *testing.T) {
	r, err := buildCostReport(context.Background(), costFleet(), "default", costNow)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := printObjects(&out, outputJSON, r, nil); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Kind      string `json:"kind"`
		Namespace string `json:"namespace"`
		Method    string `json:"method"`
		Total     map[string]any
		Workloads []map[string]any
		Clusters  []map[string]any
		Schedul   []struct {
			Name   string
			Budget map[string]any
			Carbon map[string]any
		} `json:"schedulers"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if doc.Kind != "CostReport" || doc.Namespace != "default" || !strings.HasPrefix(doc.Method, "location-based") {
		t.Fatalf("header: %+v", doc)
	}
	for _, key := range []string{"usdPerDay", "gCO2eqPerDay", "replicas", "unpricedReplicas", "unknownIntensityReplicas", "unrequestedReplicas"} {
		if _, ok := doc.Total[key]; !ok {
			t.Errorf("total lacks %s", key)
		}
		if _, ok := doc.Workloads[0][key]; !ok {
			t.Errorf("a workload lacks %s", key)
		}
	}
	if _, ok := doc.Clusters[0]["vcpuHourUSD"]; !ok {
		t.Errorf("a cluster lacks vcpuHourUSD (null when unknown): %v", doc.Clusters[0])
	}
	if s := doc.Schedul[1]; s.Name != "tight" || s.Budget["over"] != true || s.Budget["usedPercent"] == nil || s.Carbon["comparable"] != false {
		t.Errorf("tight: %+v", s)
	}
}

func TestCostReportWithoutPricesSaysSo(t *testing.T) {
	objs := append([]client.Object{pricedCluster("bare", nil)}, deployment("default", "web", nil, cpuMem("1", ""), []string{"bare"}, workv1alpha2.TargetCluster{Name: "bare", Replicas: 2})...)
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).Build()
	r, err := buildCostReport(context.Background(), c, "default", costNow)
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(r.Notes, "\n")
	for _, want := range []string{"No cluster has a known price", clusterproperties.VCPUHourUSD, "No cluster has a known grid intensity", "2 of 2 replicas run where the price is unknown"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	var out bytes.Buffer
	printCostTable(&out, r)
	if !strings.Contains(out.String(), "Note: No cluster has a known price") || !strings.Contains(out.String(), "No IntelligentSchedulers") {
		t.Fatalf("table:\n%s", out.String())
	}
	if code, out := run(t, "cost", "-o", "xml"); code != 2 {
		t.Fatalf("cost -o xml: exit %d, want 2:\n%s", code, out)
	}
}

func TestCostHelpStatesTheModelInForce(t *testing.T) {
	code, out := run(t, "cost", "--help")
	coefficients := fmt.Sprintf("(%g W/vCPU, %g W/GiB, PUE %g)", cost.WattsPerVCPU, cost.WattsPerGiB, cost.PUE)
	if code != 0 || !strings.Contains(out, coefficients) || !strings.Contains(carbonMethod, coefficients) {
		t.Fatalf("the help and the report must state the coefficients %s in force; exit %d:\n%s", coefficients, code, out)
	}
}
