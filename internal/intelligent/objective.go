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
// Package intelligent carries an IntelligentScheduler's intent to the
// workloads it governs and back: which scheduler governs a binding, the
// objective it hands the scheduler (an annotation on the binding that the
// IntelligentScheduler controller alone writes), the optimisation state
// the scheduler keeps (an annotation it alone writes), and the spend and
// emission estimates.
package intelligent

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	"kurator.dev/kurator/internal/cost"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// Annotations on bindings.
const (
	// ObjectiveAnnotation holds the governing scheduler's Objective.
	ObjectiveAnnotation = "scheduling.kurator.dev/objective"
	// OptimizationAnnotation holds the scheduler's OptimizationState.
	OptimizationAnnotation = "scheduling.kurator.dev/optimization"
)

// Defaults of the stability rules: a saving worth moving for is 10%
// lasting an hour (as T18 of the design asks), an hour between moves, a
// quarter of the replicas a minute.
const (
	DefaultMinSavingPercent = 10
	DefaultSustainFor       = time.Hour
	DefaultCooldown         = time.Hour
	DefaultMaxMovePercent   = 25
	DefaultStepInterval     = time.Minute
	DefaultSLIWindow        = 5 * time.Minute
)

// Objective is what a binding's governing scheduler asks of its placement.
type Objective struct {
	Scheduler      string             `json:"scheduler"`
	Cost           int64              `json:"cost,omitempty"`
	Performance    int64              `json:"performance,omitempty"`
	Carbon         int64              `json:"carbon,omitempty"`
	MinSuccessRate float64            `json:"minSuccessRate,omitempty"`
	SuccessRate    map[string]float64 `json:"successRate,omitempty"`
	// BudgetExceeded blocks scale-up.
	BudgetExceeded   bool    `json:"budgetExceeded,omitempty"`
	MinSavingPercent float64 `json:"minSavingPercent"`
	SustainFor       string  `json:"sustainFor"`
	Cooldown         string  `json:"cooldown"`
	MaxMovePercent   int64   `json:"maxMovePercent"`
	StepInterval     string  `json:"stepInterval"`
}

// Settings are an IntelligentScheduler's spec, parsed.
type Settings struct {
	Objective Objective
	Budget    *cost.Amount
	SLIWindow time.Duration
}

// Parse reads a scheduler's spec. The API's rules admit only what parses,
// so an error here means an object written around them.
func Parse(s *schedulingv1alpha1.IntelligentScheduler) (Settings, error) {
	out := Settings{SLIWindow: DefaultSLIWindow}
	o := &out.Objective
	o.Scheduler = s.Name
	opt := s.Spec.Optimization
	for _, name := range opt.Objective {
		weight := int64(1)
		if w, ok := opt.Weights[name]; ok {
			if w < 1 || w > 100 {
				return out, fmt.Errorf("the weight of %s is %d, not between 1 and 100", name, w)
			}
			weight = int64(w)
		}
		switch name {
		case schedulingv1alpha1.ObjectiveCost:
			o.Cost = weight
		case schedulingv1alpha1.ObjectivePerformance:
			o.Performance = weight
		case schedulingv1alpha1.ObjectiveCarbon:
			o.Carbon = weight
		default:
			return out, fmt.Errorf("unknown objective %q", name)
		}
	}
	if c := opt.Constraints; c.MaxCost != "" {
		a, err := cost.ParseAmount(c.MaxCost)
		if err != nil {
			return out, fmt.Errorf("maxCost: %w", err)
		}
		out.Budget = &a
	}
	if c := opt.Constraints; c.MinPerformance != "" {
		v, _, err := cost.ParsePercent(c.MinPerformance)
		if err != nil {
			return out, fmt.Errorf("minPerformance: %w", err)
		}
		o.MinSuccessRate = v
	}
	if w := opt.Constraints.SLIWindow; w != nil && w.Duration > 0 {
		out.SLIWindow = w.Duration
	}
	o.MinSavingPercent, o.MaxMovePercent = DefaultMinSavingPercent, DefaultMaxMovePercent
	sustain, cooldown, step := DefaultSustainFor, DefaultCooldown, DefaultStepInterval
	if st := opt.Stability; st != nil {
		if st.MinSavingPercent != nil {
			o.MinSavingPercent = float64(*st.MinSavingPercent)
		}
		if st.MaxMovePercent != nil {
			o.MaxMovePercent = int64(*st.MaxMovePercent)
		}
		sustain, cooldown, step = durationOr(st.SustainFor, sustain), durationOr(st.Cooldown, cooldown), durationOr(st.StepInterval, step)
	}
	o.SustainFor, o.Cooldown, o.StepInterval = sustain.String(), cooldown.String(), step.String()
	return out, nil
}

func durationOr(d *metav1.Duration, otherwise time.Duration) time.Duration {
	if d == nil || d.Duration < 0 {
		return otherwise
	}
	return d.Duration
}

// RoundRate keeps a success rate to two decimals, so that noise in the
// measurement does not rewrite bindings.
func RoundRate(v float64) float64 { return math.Round(v*100) / 100 }

// ReadObjective decodes a binding's objective annotation; ok is false when
// there is none or it does not decode.
func ReadObjective(annotations map[string]string) (Objective, bool) {
	raw, ok := annotations[ObjectiveAnnotation]
	if !ok {
		return Objective{}, false
	}
	var o Objective
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		return Objective{}, false
	}
	return o, true
}

// Encode renders an annotation value.
func Encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Plain structs of strings and numbers always marshal.
		panic(err)
	}
	return string(b)
}

// OptimizationState is where a governed binding stands with the stability
// rules, and why its placement is what it is.
type OptimizationState struct {
	SavingSince   *metav1.Time `json:"savingSince,omitempty"`
	LastStepAt    *metav1.Time `json:"lastStepAt,omitempty"`
	Moving        bool         `json:"moving,omitempty"`
	SavingPercent float64      `json:"savingPercent,omitempty"`
	// ScaleUpBlockedAt says the budget held replicas back since then.
	ScaleUpBlockedAt *metav1.Time `json:"scaleUpBlockedAt,omitempty"`
	Reason           string       `json:"reason,omitempty"`
	// Agnostic is the placement the policy alone gives the same replicas
	// (no objective): the counterfactual that savings are reported against.
	Agnostic map[string]int32 `json:"agnostic,omitempty"`
}

// ReadOptimization decodes a binding's optimisation state.
func ReadOptimization(annotations map[string]string) OptimizationState {
	var s OptimizationState
	if raw, ok := annotations[OptimizationAnnotation]; ok {
		_ = json.Unmarshal([]byte(raw), &s)
	}
	return s
}

// Framework turns a binding's objective and state into the scheduler's.
func (o Objective) Framework(state OptimizationState, now time.Time) *framework.Objective {
	parse := func(s string, otherwise time.Duration) time.Duration {
		if d, err := time.ParseDuration(s); err == nil && d >= 0 {
			return d
		}
		return otherwise
	}
	out := &framework.Objective{
		Cost: o.Cost, Performance: o.Performance, Carbon: o.Carbon,
		MinSuccessRate: o.MinSuccessRate, SuccessRate: o.SuccessRate, Now: now,
		Stability: framework.Stability{
			MinSavingPercent: o.MinSavingPercent,
			SustainFor:       parse(o.SustainFor, DefaultSustainFor),
			Cooldown:         parse(o.Cooldown, DefaultCooldown),
			MaxMovePercent:   max(o.MaxMovePercent, 1),
			StepInterval:     parse(o.StepInterval, DefaultStepInterval),
			Moving:           state.Moving,
		},
	}
	if state.SavingSince != nil {
		out.Stability.SavingSince = state.SavingSince.Time
	}
	if state.LastStepAt != nil {
		out.Stability.LastStepAt = state.LastStepAt.Time
	}
	return out
}
