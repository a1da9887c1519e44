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
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
)

func seed13() *schedulingv1alpha1.IntelligentScheduler {
	return &schedulingv1alpha1.IntelligentScheduler{
		ObjectMeta: metav1.ObjectMeta{Name: "ai-powered-scheduling"},
		Spec: schedulingv1alpha1.IntelligentSchedulerSpec{
			Prediction: &schedulingv1alpha1.Prediction{Enabled: true, Model: "transformer-time-series", LookbackWindow: &metav1.Duration{Duration: 720 * time.Hour}},
			Optimization: schedulingv1alpha1.Optimization{
				Objective:   []schedulingv1alpha1.Objective{"cost", "performance", "carbon-footprint"},
				Constraints: schedulingv1alpha1.Constraints{MaxCost: "1000 USD/day", MinPerformance: "99.9% SLO"},
			},
		},
	}
}

func TestParseSeed13(t *testing.T) {
	s, err := Parse(seed13())
	if err != nil {
		t.Fatal(err)
	}
	o := s.Objective
	if o.Cost != 1 || o.Performance != 1 || o.Carbon != 1 || o.MinSuccessRate != 99.9 || o.Scheduler != "ai-powered-scheduling" {
		t.Fatalf("%+v", o)
	}
	if s.Budget == nil || s.Budget.PerDay() != 1000 || s.SLIWindow != DefaultSLIWindow {
		t.Fatalf("%+v", s)
	}
	if o.MinSavingPercent != 10 || o.SustainFor != "1h0m0s" || o.Cooldown != "1h0m0s" || o.MaxMovePercent != 25 || o.StepInterval != "1m0s" {
		t.Fatalf("defaults: %+v", o)
	}
}

func TestParseWeightsAndStability(t *testing.T) {
	is := seed13()
	is.Spec.Optimization.Weights = map[schedulingv1alpha1.Objective]int32{"cost": 3}
	is.Spec.Optimization.Stability = &schedulingv1alpha1.Stability{MinSavingPercent: ptr.To[int32](20), SustainFor: &metav1.Duration{Duration: 5 * time.Minute}, MaxMovePercent: ptr.To[int32](50)}
	s, err := Parse(is)
	if err != nil {
		t.Fatal(err)
	}
	f := s.Objective.Framework(OptimizationState{Moving: true}, time.Unix(0, 0))
	if f.Cost != 3 || f.Carbon != 1 || f.Stability.MinSavingPercent != 20 || f.Stability.SustainFor != 5*time.Minute ||
		f.Stability.Cooldown != DefaultCooldown || f.Stability.MaxMovePercent != 50 || !f.Stability.Moving {
		t.Fatalf("%+v", f)
	}
	is.Spec.Optimization.Weights = map[schedulingv1alpha1.Objective]int32{"cost": 0}
	if _, err := Parse(is); err == nil || !strings.Contains(err.Error(), "weight of cost") {
		t.Fatalf("a zero weight: %v", err)
	}
	is = seed13()
	is.Spec.Optimization.Constraints.MaxCost = "a lot"
	if _, err := Parse(is); err == nil || !strings.Contains(err.Error(), "maxCost") {
		t.Fatalf("a bad budget: %v", err)
	}
}

func TestAnnotationsRoundTrip(t *testing.T) {
	s, _ := Parse(seed13())
	o := s.Objective
	o.SuccessRate = map[string]float64{"a": RoundRate(99.123456)}
	o.BudgetExceeded = true
	got, ok := ReadObjective(map[string]string{ObjectiveAnnotation: Encode(o)})
	if !ok || got.SuccessRate["a"] != 99.12 || !got.BudgetExceeded || got.Scheduler != o.Scheduler {
		t.Fatalf("%+v", got)
	}
	if _, ok := ReadObjective(map[string]string{ObjectiveAnnotation: "{broken"}); ok {
		t.Fatal("a broken annotation was read")
	}
	since := metav1.NewTime(time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC))
	st := ReadOptimization(map[string]string{OptimizationAnnotation: Encode(OptimizationState{SavingSince: &since, Moving: true})})
	f := got.Framework(st, since.Add(time.Minute))
	if !f.Stability.SavingSince.Equal(since.Time) || !f.Stability.Moving || !f.Now.Equal(since.Add(time.Minute)) {
		t.Fatalf("%+v", f.Stability)
	}
}
