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
	"math"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/cost"
	"kurator.dev/kurator/internal/intelligent"
)

// costReport is what 'kurator cost' prints; -o json and -o yaml print it
// as it is, so its field names are a stable schema.
type costReport struct {
	APIVersion  string      `json:"apiVersion"`
	Kind        string      `json:"kind"`
	GeneratedAt metav1.Time `json:"generatedAt"`
	// Namespace is the workloads' scope; empty for every namespace and
	// the cluster-scoped workloads. Schedulers are never scoped.
	Namespace string `json:"namespace,omitempty"`
	// Currency of every amount: the clusters' prices are in USD.
	Currency       string          `json:"currency"`
	Method         string          `json:"method"`
	AgnosticMethod string          `json:"agnosticMethod"`
	Total          dayFigures      `json:"total"`
	Workloads      []workloadCost  `json:"workloads"`
	Clusters       []clusterCost   `json:"clusters"`
	Schedulers     []schedulerCost `json:"schedulers"`
	Notes          []string        `json:"notes,omitempty"`
}

// dayFigures are an estimate per day; the replicas left out of a sum are
// counted, and the sum is then a lower bound.
type dayFigures struct {
	USDPerDay                float64 `json:"usdPerDay"`
	GramsPerDay              float64 `json:"gCO2eqPerDay"`
	Replicas                 int64   `json:"replicas"`
	UnpricedReplicas         int64   `json:"unpricedReplicas"`
	UnknownIntensityReplicas int64   `json:"unknownIntensityReplicas"`
	UnrequestedReplicas      int64   `json:"unrequestedReplicas"`
}

type workloadCost struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	Binding    string `json:"binding"`
	// Scheduler is the IntelligentScheduler that governs it, if any.
	Scheduler string `json:"scheduler,omitempty"`
	dayFigures
	Clusters []clusterShareCost `json:"clusters"`
	// AgnosticGramsPerDay is what it would emit at its agnostic placement;
	// only for governed workloads.
	AgnosticGramsPerDay *float64 `json:"agnosticGCO2eqPerDay,omitempty"`
}

type clusterShareCost struct {
	Cluster string `json:"cluster"`
	dayFigures
}

type clusterCost struct {
	Name string `json:"name"`
	Spot bool   `json:"spot"`
	// The prices and intensity in force; null when unknown.
	VCPUHourUSD           *float64 `json:"vcpuHourUSD"`
	GiBHourUSD            *float64 `json:"gibHourUSD"`
	IntensityGCO2eqPerKWh *float64 `json:"intensityGCO2eqPerKWh"`
	dayFigures
	// Unknown says why a price or the intensity is unknown.
	Unknown []string `json:"unknown,omitempty"`
}

type schedulerCost struct {
	Name string `json:"name"`
	// Workloads counts the governed workloads that have replicas, in
	// every namespace.
	Workloads int              `json:"workloads"`
	Spend     dayFigures       `json:"spend"`
	Budget    *budgetUse       `json:"budget,omitempty"`
	Carbon    carbonComparison `json:"carbon"`
}

type budgetUse struct {
	MaxCost string `json:"maxCost"`
	// PerDay is maxCost at a daily rate, in its currency.
	PerDay      *float64 `json:"perDay,omitempty"`
	Currency    string   `json:"currency,omitempty"`
	UsedPercent *float64 `json:"usedPercent,omitempty"`
	Over        bool     `json:"over"`
	// Problem says why the budget could not be compared.
	Problem string `json:"problem,omitempty"`
}

type carbonComparison struct {
	GramsPerDay                      float64 `json:"gCO2eqPerDay"`
	AgnosticGramsPerDay              float64 `json:"agnosticGCO2eqPerDay"`
	UnknownIntensityReplicas         int64   `json:"unknownIntensityReplicas"`
	AgnosticUnknownIntensityReplicas int64   `json:"agnosticUnknownIntensityReplicas"`
	// Comparable is false when either side has replicas where the
	// intensity is unknown: the saving is then not stated.
	Comparable       bool     `json:"comparable"`
	SavedGramsPerDay *float64 `json:"savedGCO2eqPerDay,omitempty"`
	SavedPercent     *float64 `json:"savedPercent,omitempty"`
	// Undecided lists the workloads whose agnostic placement could not be
	// decided: they count at their placement in force, saving nothing.
	Undecided []string `json:"undecided,omitempty"`
}

func newCostReport(namespace string, now time.Time) *costReport {
	return &costReport{
		APIVersion: "cost.kurator.dev/v1alpha1", Kind: "CostReport", GeneratedAt: metav1.NewTime(now.UTC().Truncate(time.Second)),
		Namespace: namespace, Currency: "USD", Method: carbonMethod, AgnosticMethod: agnosticMethod,
		Workloads: []workloadCost{}, Clusters: []clusterCost{}, Schedulers: []schedulerCost{},
	}
}

func perDay(f intelligent.Figures) dayFigures {
	return dayFigures{
		USDPerDay: round6(f.USDPerHour * 24), GramsPerDay: round6(f.GramsPerHour * 24), Replicas: f.Replicas,
		UnpricedReplicas: f.UnpricedReplicas, UnknownIntensityReplicas: f.UnknownCarbonReplicas, UnrequestedReplicas: f.UnrequestedReplicas,
	}
}

// round6 keeps amounts readable in JSON without losing anything a report
// needs.
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

func workloadCostOf(w intelligent.WorkloadEstimate, g *governance, agnosticByKey map[string]intelligent.WorkloadEstimate) workloadCost {
	key := bindingKey(w.BindingKind, w.Namespace, w.Name)
	out := workloadCost{
		APIVersion: w.Resource.APIVersion, Kind: w.Resource.Kind, Namespace: w.Resource.Namespace, Name: w.Resource.Name,
		Binding: w.Name, Scheduler: g.by[key], dayFigures: perDay(w.Figures), Clusters: []clusterShareCost{},
	}
	for _, s := range w.Clusters {
		out.Clusters = append(out.Clusters, clusterShareCost{Cluster: s.Cluster, dayFigures: perDay(s.Figures)})
	}
	if out.Scheduler != "" {
		grams := perDay(agnosticByKey[key].Figures).GramsPerDay
		out.AgnosticGramsPerDay = &grams
	}
	return out
}

func clusterCostOf(ce intelligent.ClusterEstimate) clusterCost {
	p := ce.Properties
	out := clusterCost{Name: ce.Name, Spot: p.Spot, dayFigures: perDay(ce.Figures),
		VCPUHourUSD: knownValue(p.VCPUHour), GiBHourUSD: knownValue(p.GiBHour), IntensityGCO2eqPerKWh: knownValue(p.Carbon)}
	if problem := intelligent.PriceProblem(ce, ce.Usage.GiB > 0); problem != "" {
		out.Unknown = append(out.Unknown, "price: "+problem)
	}
	if problem := intelligent.CarbonProblem(ce); problem != "" {
		out.Unknown = append(out.Unknown, "intensity: "+problem)
	}
	return out
}

func knownValue(v clusterproperties.Value) *float64 {
	if !v.Known {
		return nil
	}
	return &v.Value
}

func schedulerCostOf(is schedulingv1alpha1.IntelligentScheduler, spend, counterfactual intelligent.Report, undecided []string) schedulerCost {
	out := schedulerCost{Name: is.Name, Workloads: len(spend.ByWorkload), Spend: perDay(spend.Total)}
	if maxCost := is.Spec.Optimization.Constraints.MaxCost; maxCost != "" {
		out.Budget = budgetOf(maxCost, out.Spend.USDPerDay)
	}
	actual, agnosticDay := out.Spend, perDay(counterfactual.Total)
	c := carbonComparison{
		GramsPerDay: actual.GramsPerDay, AgnosticGramsPerDay: agnosticDay.GramsPerDay,
		UnknownIntensityReplicas: actual.UnknownIntensityReplicas, AgnosticUnknownIntensityReplicas: agnosticDay.UnknownIntensityReplicas,
		Undecided: undecided,
	}
	c.Comparable = c.UnknownIntensityReplicas == 0 && c.AgnosticUnknownIntensityReplicas == 0
	if c.Comparable {
		saved := round6(c.AgnosticGramsPerDay - c.GramsPerDay)
		c.SavedGramsPerDay = &saved
		if c.AgnosticGramsPerDay > 0 {
			percent := round6(saved / c.AgnosticGramsPerDay * 100)
			c.SavedPercent = &percent
		}
	}
	out.Carbon = c
	return out
}

// budgetOf compares a day's spend, in USD, with maxCost.
func budgetOf(maxCost string, usdPerDay float64) *budgetUse {
	b := &budgetUse{MaxCost: maxCost}
	amount, err := cost.ParseAmount(maxCost)
	if err != nil {
		b.Problem = err.Error()
		return b
	}
	day := round6(amount.PerDay())
	b.PerDay, b.Currency = &day, amount.Currency
	if amount.Currency != "USD" {
		b.Problem = "the budget is in " + amount.Currency + " and the clusters' prices are in USD: not compared"
		return b
	}
	used := round6(usdPerDay / day * 100)
	b.UsedPercent, b.Over = &used, usdPerDay > day
	return b
}

func sortedSchedulers(in []schedulingv1alpha1.IntelligentScheduler) []schedulingv1alpha1.IntelligentScheduler {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b schedulingv1alpha1.IntelligentScheduler) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func sortedKeysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
