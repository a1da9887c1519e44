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

package analysis

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/util/intstr"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
)

// Defaults, as Argo Rollouts has them.
const (
	// DefaultConsecutiveErrorLimit is consecutiveErrorLimit when unset.
	DefaultConsecutiveErrorLimit = 4
	// DefaultMeasurementRetention is how many measurements a metric keeps
	// without a measurementRetention rule.
	DefaultMeasurementRetention = 10
	// MaxMeasurementRetention bounds measurementRetention, as the API does,
	// so that status stays small.
	MaxMeasurementRetention = 50
	// ErrorRetryInterval is how long after an error a metric is measured
	// again when that is sooner than its interval, or it has none.
	ErrorRetryInterval = 10 * time.Second
	// MinInterval is the shortest interval Kurator accepts, so that a
	// metric cannot keep a controller measuring in a loop.
	MinInterval = time.Second
)

var sharedEvaluator = NewEvaluator()

// Analysis is a template prepared for one run: args substituted, every
// duration and limit parsed and checked.
type Analysis struct {
	// Metrics in the template's order.
	Metrics []Metric
}

// Metric is one prepared metric.
type Metric struct {
	// Spec is the metric with its args substituted.
	Spec v1alpha1.Metric
	// Interval between measurements; 0 when the metric is measured once.
	Interval time.Duration
	// InitialDelay before the first measurement, from the run's start.
	InitialDelay time.Duration
	// Count is how many measurements with a verdict end the metric; 0 means
	// it runs until the analysis stops.
	Count int32
	// FailureLimit is the number of failures tolerated; -1 turns it off.
	FailureLimit int32
	// InconclusiveLimit is the number of inconclusive measurements tolerated.
	InconclusiveLimit int32
	// ConsecutiveErrorLimit is the number of errors in a row tolerated.
	ConsecutiveErrorLimit int32
	// ConsecutiveSuccessLimit, when above 0, ends the metric successfully
	// after that many successes in a row.
	ConsecutiveSuccessLimit int32
	// DryRun metrics never decide the analysis.
	DryRun bool
	// Retention is how many measurements the metric's result keeps.
	Retention int
}

// Prepare resolves a template's args (see ResolveArgs), substitutes them
// into every metric, and checks what Kurator can run: limits (Argo's
// rules), durations, conditions (compiled with the evaluator), providers
// (prometheus only), dryRun and measurementRetention rules (regular
// expressions that must match a metric). Every problem is reported, each
// naming its metric. Pass the Measurer's Evaluator so that conditions are
// compiled once; nil uses one shared by the package.
func Prepare(spec v1alpha1.AnalysisTemplateSpec, given map[string]string, evaluator *Evaluator) (*Analysis, error) {
	if evaluator == nil {
		evaluator = sharedEvaluator
	}
	args, err := ResolveArgs(spec.Args, given)
	if err != nil {
		return nil, err
	}
	var errs []error
	if len(spec.Templates) > 0 {
		errs = append(errs, errors.New("spec.templates (nested templates) is not supported by Kurator; list the metrics in the template"))
	}
	if len(spec.Metrics) == 0 {
		errs = append(errs, errors.New("the template has no metrics"))
	}
	a := &Analysis{}
	seen := map[string]bool{}
	for _, m := range spec.Metrics {
		if seen[m.Name] {
			errs = append(errs, fmt.Errorf("metric %q: duplicate name", m.Name))
			continue
		}
		seen[m.Name] = true
		pm, err := prepareMetric(m, args, evaluator)
		if err != nil {
			errs = append(errs, fmt.Errorf("metric %q: %w", m.Name, err))
			continue
		}
		a.Metrics = append(a.Metrics, *pm)
	}
	if len(errs) > 0 {
		// Rules are matched against the metrics once all are prepared.
		return nil, errors.Join(errs...)
	}
	for i, rule := range spec.DryRun {
		matched, err := a.match(rule.MetricName)
		if err != nil {
			errs = append(errs, fmt.Errorf("dryRun[%d]: %w", i, err))
		}
		for _, j := range matched {
			a.Metrics[j].DryRun = true
		}
	}
	for i, rule := range spec.MeasurementRetention {
		matched, err := a.match(rule.MetricName)
		if err != nil {
			errs = append(errs, fmt.Errorf("measurementRetention[%d]: %w", i, err))
		}
		for _, j := range matched {
			a.Metrics[j].Retention = int(min(rule.Limit, MaxMeasurementRetention))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return a, nil
}

// match returns the indexes of the metrics whose name the expression
// matches (unanchored, as Argo matches); matching none is an error.
func (a *Analysis) match(expression string) ([]int, error) {
	re, err := regexp.Compile(expression)
	if err != nil {
		return nil, fmt.Errorf("metricName %q: %w", expression, err)
	}
	var out []int
	for i, m := range a.Metrics {
		if re.MatchString(m.Spec.Name) {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("metricName %q matches no metric", expression)
	}
	return out, nil
}

func prepareMetric(raw v1alpha1.Metric, args map[string]string, evaluator *Evaluator) (*Metric, error) {
	// The provider is named before args are substituted: an unsupported
	// provider's own fields do not matter.
	if err := checkProviderKind(raw.Provider); err != nil {
		return nil, err
	}
	spec, err := substituteMetric(raw, args)
	if err != nil {
		return nil, err
	}
	m := &Metric{Spec: spec, Retention: DefaultMeasurementRetention}
	var errs []error
	parseDuration := func(field string, s v1alpha1.DurationString) time.Duration {
		if s == "" {
			return 0
		}
		d, err := time.ParseDuration(string(s))
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("%s %q is not a duration such as 30s or 5m", field, s))
		}
		return d
	}
	parseInt := func(field string, v *intstr.IntOrString, unset int32) int32 {
		if v == nil {
			return unset
		}
		if v.Type == intstr.Int {
			return v.IntVal
		}
		i, err := strconv.ParseInt(v.StrVal, 10, 32)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %q is not an integer", field, v.StrVal))
		}
		return int32(i)
	}
	m.Interval = parseDuration("interval", spec.Interval)
	m.InitialDelay = parseDuration("initialDelay", spec.InitialDelay)
	m.Count = parseInt("count", spec.Count, 0)
	m.FailureLimit = parseInt("failureLimit", spec.FailureLimit, 0)
	m.InconclusiveLimit = parseInt("inconclusiveLimit", spec.InconclusiveLimit, 0)
	m.ConsecutiveErrorLimit = parseInt("consecutiveErrorLimit", spec.ConsecutiveErrorLimit, DefaultConsecutiveErrorLimit)
	m.ConsecutiveSuccessLimit = parseInt("consecutiveSuccessLimit", spec.ConsecutiveSuccessLimit, 0)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if spec.Interval != "" && m.Interval < MinInterval {
		errs = append(errs, fmt.Errorf("interval %s is shorter than %s", spec.Interval, MinInterval))
	}
	errs = append(errs, m.checkLimits()...)
	if m.Count == 0 && m.Interval == 0 {
		m.Count = 1 // neither count nor interval: measured once
	}
	errs = append(errs, checkProvider(spec.Provider)...)
	for _, c := range []struct{ field, condition string }{
		{"successCondition", spec.SuccessCondition},
		{"failureCondition", spec.FailureCondition},
	} {
		if c.condition == "" {
			continue
		}
		if err := evaluator.Check(c.condition); err != nil {
			errs = append(errs, fmt.Errorf("%s %q does not compile: %w", c.field, c.condition, err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// checkLimits applies Argo's rules on limits and count.
func (m *Metric) checkLimits() []error {
	var errs []error
	if m.Count < 0 {
		errs = append(errs, fmt.Errorf("count must be 0 or more"))
	}
	if m.FailureLimit < -1 {
		errs = append(errs, fmt.Errorf("failureLimit must be -1 (off) or more"))
	}
	if m.InconclusiveLimit < 0 || m.ConsecutiveErrorLimit < 0 || m.ConsecutiveSuccessLimit < 0 {
		errs = append(errs, fmt.Errorf("inconclusiveLimit, consecutiveErrorLimit and consecutiveSuccessLimit must be 0 or more"))
	}
	if m.FailureLimit == -1 && m.ConsecutiveSuccessLimit == 0 {
		errs = append(errs, fmt.Errorf("failureLimit -1 turns failures off; then consecutiveSuccessLimit must be more than 0"))
	}
	if m.Count > 0 {
		if m.FailureLimit >= 0 && m.Count < m.FailureLimit+m.ConsecutiveSuccessLimit {
			errs = append(errs, fmt.Errorf("count (%d) must be at least failureLimit + consecutiveSuccessLimit (%d + %d)", m.Count, m.FailureLimit, m.ConsecutiveSuccessLimit))
		}
		if m.FailureLimit < 0 && m.Count < m.ConsecutiveSuccessLimit {
			errs = append(errs, fmt.Errorf("count (%d) must be at least consecutiveSuccessLimit (%d)", m.Count, m.ConsecutiveSuccessLimit))
		}
		if m.Count < m.InconclusiveLimit {
			errs = append(errs, fmt.Errorf("count (%d) must be at least inconclusiveLimit (%d)", m.Count, m.InconclusiveLimit))
		}
	}
	if m.Count > 1 && m.Interval == 0 {
		errs = append(errs, fmt.Errorf("interval is required when count is more than 1"))
	}
	return errs
}

// substituteMetric replaces {{args.NAME}} anywhere in the metric, as Argo
// does, escaping values for the JSON they land in.
func substituteMetric(m v1alpha1.Metric, args map[string]string) (v1alpha1.Metric, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return v1alpha1.Metric{}, err
	}
	escape := func(v string) string {
		quoted, _ := json.Marshal(v)
		return string(quoted[1 : len(quoted)-1])
	}
	resolved, err := substitute(string(data), escape, args)
	if err != nil {
		return v1alpha1.Metric{}, err
	}
	var out v1alpha1.Metric
	if err := json.Unmarshal([]byte(resolved), &out); err != nil {
		return v1alpha1.Metric{}, fmt.Errorf("after substituting args: %w", err)
	}
	return out, nil
}
