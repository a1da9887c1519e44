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
	"errors"
	"slices"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/metricsprovider"
)

// evaluation is what one pass found.
type evaluation struct {
	// objectives by binding key, ready to hand over.
	objectives map[string]intelligent.Objective
	estimate   intelligent.Report
	// agnostic is the estimate of the same replicas placed by the
	// policies alone.
	agnostic       intelligent.Report
	overBudget     bool
	belowSLO       []string
	sliProblem     string
	governedCount  int
	prediction     *schedulingv1alpha1.PredictionStatus
	budgetPerHour  float64
	budgetCurrency string
}

func (r *Reconciler) evaluate(ctx context.Context, s *schedulingv1alpha1.IntelligentScheduler, settings intelligent.Settings, f *fleet,
	governed []workv1alpha2.Binding, now time.Time) evaluation {
	e := evaluation{objectives: map[string]intelligent.Objective{}, governedCount: len(governed)}
	e.estimate = intelligent.Estimate(governed, f.clusters, now)
	e.agnostic = intelligent.Estimate(agnosticPlacements(governed), f.clusters, now)
	if b := settings.Budget; b != nil {
		e.budgetPerHour, e.budgetCurrency = b.PerHour(), b.Currency
		e.overBudget = e.estimate.Total.USDPerHour > b.PerHour()
	}
	needSLI := settings.Objective.Performance > 0 || settings.Objective.MinSuccessRate > 0
	below := map[string]bool{}
	for _, b := range governed {
		o := settings.Objective
		o.BudgetExceeded = e.overBudget
		if needSLI && b.BindingSpec().Replicas > 0 {
			rates, err := r.successRates(ctx, b, settings.SLIWindow, now)
			if err != nil && e.sliProblem == "" {
				e.sliProblem = err.Error()
			}
			o.SuccessRate = rates
			for cluster, rate := range rates {
				if o.MinSuccessRate > 0 && rate < o.MinSuccessRate {
					below[cluster] = true
				}
			}
		}
		e.objectives[bindingKey(b)] = o
	}
	for c := range below {
		e.belowSLO = append(e.belowSLO, c)
	}
	slices.Sort(e.belowSLO)
	e.prediction = r.predict(ctx, s, now)
	return e
}

// successRates measures a workload's SLI per cluster, rounded so that
// noise does not rewrite its binding.
func (r *Reconciler) successRates(ctx context.Context, b workv1alpha2.Binding, window time.Duration, now time.Time) (map[string]float64, error) {
	ref := b.BindingSpec().Resource
	slis, err := metricsprovider.WorkloadSLIs(ctx, r.Metrics, metricsprovider.Workload{Namespace: ref.Namespace, Name: ref.Name}, window, now)
	if err != nil {
		if !errors.Is(err, metricsprovider.ErrNotConfigured) {
			ctrl.LoggerFrom(ctx).V(2).Info("SLIs unavailable", "workload", ref.Namespace+"/"+ref.Name, "error", err.Error())
		}
		return nil, err
	}
	out := make(map[string]float64, len(slis))
	for cluster, sli := range slis {
		out[cluster] = intelligent.RoundRate(sli.SuccessRate)
	}
	return out, nil
}

// agnosticPlacements are copies of the bindings placed as the scheduler
// recorded the policy alone would place them; a binding without the
// record counts as placed where it is.
func agnosticPlacements(bindings []workv1alpha2.Binding) []workv1alpha2.Binding {
	out := make([]workv1alpha2.Binding, 0, len(bindings))
	for _, b := range bindings {
		state := intelligent.ReadOptimization(b.GetAnnotations())
		if state.Agnostic == nil {
			out = append(out, b)
			continue
		}
		c, ok := b.DeepCopyObject().(workv1alpha2.Binding)
		if !ok {
			continue
		}
		spec := c.BindingSpec()
		spec.Clusters = nil
		for name, n := range state.Agnostic {
			spec.Clusters = append(spec.Clusters, workv1alpha2.TargetCluster{Name: name, Replicas: n})
		}
		out = append(out, c)
	}
	return out
}
