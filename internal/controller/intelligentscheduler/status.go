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

package intelligentscheduler

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	"kurator.dev/kurator/internal/intelligent"
)

// CarbonMethod states how emissions are counted.
const CarbonMethod = "location-based: replica requests x Cloud Carbon Footprint coefficients (2.12 W/vCPU, 0.392 W/GiB, PUE 1.135) x the cluster's average grid intensity; against the same replicas placed by the policy alone"

const spendMetricName = "kurator_intelligentscheduler_spend_usd_per_hour"

var (
	spendGauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: spendMetricName,
		Help: "Estimated spend of the workloads an IntelligentScheduler governs, in its budget's currency per hour (requests at cluster prices).",
	}, []string{"scheduler"})
	budgetGauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "kurator_intelligentscheduler_budget_usd_per_hour",
		Help: "An IntelligentScheduler's maxCost at an hourly rate.",
	}, []string{"scheduler"})
	carbonGauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "kurator_intelligentscheduler_carbon_grams_per_hour",
		Help: "Estimated location-based emissions of the governed workloads, gCO2eq per hour; placement is 'chosen' or 'agnostic' (the policy alone).",
	}, []string{"scheduler", "placement"})
	registered bool
)

func registerMetrics() {
	if registered {
		return
	}
	registered = true
	metrics.Registry.MustRegister(spendGauge, budgetGauge, carbonGauge)
}

func money(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func (r *Reconciler) writeStatus(ctx context.Context, s *schedulingv1alpha1.IntelligentScheduler, settings intelligent.Settings, e evaluation, now time.Time) error {
	before := s.Status.DeepCopy()
	st := &s.Status
	st.ObservedGeneration = s.Generation
	st.Workloads = int32(e.governedCount)
	currency := "USD"
	if settings.Budget != nil {
		currency = settings.Budget.Currency
	}
	total := e.estimate.Total
	st.Spend = &schedulingv1alpha1.Spend{Currency: currency, PerHour: money(total.USDPerHour), PerDay: money(total.USDPerHour * 24), UnpricedReplicas: int32(total.UnpricedReplicas)}
	st.Carbon = &schedulingv1alpha1.Carbon{
		GramsPerHour: money(total.GramsPerHour), AgnosticGramsPerHour: money(e.agnostic.Total.GramsPerHour), Method: CarbonMethod,
	}
	spendGauge.WithLabelValues(s.Name).Set(total.USDPerHour)
	carbonGauge.WithLabelValues(s.Name, "chosen").Set(total.GramsPerHour)
	carbonGauge.WithLabelValues(s.Name, "agnostic").Set(e.agnostic.Total.GramsPerHour)
	st.ClustersBelowSLO = e.belowSLO
	st.Prediction = e.prediction
	ready := metav1.Condition{Type: schedulingv1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: "Evaluated",
		Message: fmt.Sprintf("governs %d workloads", e.governedCount), ObservedGeneration: s.Generation}
	if e.sliProblem != "" {
		ready.Reason, ready.Message = "SLIsUnavailable", "governs "+strconv.Itoa(e.governedCount)+" workloads; SLIs unavailable: "+e.sliProblem
	}
	apimeta.SetStatusCondition(&st.Conditions, ready)
	if settings.Budget != nil {
		budget := *settings.Budget
		used := int32(0)
		if budget.PerHour() > 0 {
			used = int32(total.USDPerHour / budget.PerHour() * 100)
		}
		st.Spend.BudgetPerDay, st.Spend.BudgetUsedPercent = money(budget.PerDay()), &used
		budgetGauge.WithLabelValues(s.Name).Set(budget.PerHour())
		cond := metav1.Condition{Type: schedulingv1alpha1.ConditionBudgetExceeded, Status: metav1.ConditionFalse, Reason: "WithinBudget", ObservedGeneration: s.Generation,
			Message: fmt.Sprintf("estimated %s %s/day of %s (%d%%)", money(total.USDPerHour*24), currency, budget, used)}
		if e.overBudget {
			cond.Status, cond.Reason = metav1.ConditionTrue, "BudgetExceeded"
			cond.Message += ": scale-up of the governed workloads is blocked"
		}
		if total.LowerBound() {
			cond.Message += fmt.Sprintf("; %d replicas run where the price is unknown and are not counted", total.UnpricedReplicas)
		}
		was := apimeta.FindStatusCondition(before.Conditions, schedulingv1alpha1.ConditionBudgetExceeded)
		apimeta.SetStatusCondition(&st.Conditions, cond)
		if was == nil || was.Status != cond.Status {
			kind := corev1.EventTypeNormal
			if e.overBudget {
				kind = corev1.EventTypeWarning
			}
			r.Recorder.Eventf(s, nil, kind, cond.Reason, "Estimate", "%s", cond.Message)
		}
	} else {
		apimeta.RemoveStatusCondition(&st.Conditions, schedulingv1alpha1.ConditionBudgetExceeded)
		budgetGauge.DeleteLabelValues(s.Name)
	}
	// The estimate's time moves only when a figure does, so that a quiet
	// fleet is not rewritten every resync.
	if st.LastEstimateTime == nil || !equality.Semantic.DeepEqual(withoutTime(*before), withoutTime(*st)) {
		t := metav1.NewTime(now)
		st.LastEstimateTime = &t
	}
	return r.patchStatus(ctx, s, before)
}

func withoutTime(s schedulingv1alpha1.IntelligentSchedulerStatus) schedulingv1alpha1.IntelligentSchedulerStatus {
	s.LastEstimateTime = nil
	return s
}

func (r *Reconciler) patchStatus(ctx context.Context, s *schedulingv1alpha1.IntelligentScheduler, before *schedulingv1alpha1.IntelligentSchedulerStatus) error {
	if equality.Semantic.DeepEqual(*before, s.Status) {
		return nil
	}
	return client.IgnoreNotFound(r.Client.Status().Update(ctx, s))
}
