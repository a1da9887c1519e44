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
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
	"kurator.dev/kurator/internal/metricsprovider"
)

// maxStatusText bounds a measurement's message and value (the API's
// MaxLength), so that status stays small.
const maxStatusText = 1024

// Measurer takes measurements: it runs a metric's Prometheus query and
// evaluates its conditions. It is safe for concurrent use; the zero value
// works (with the package's shared Evaluator).
type Measurer struct {
	// Evaluator evaluates the conditions.
	Evaluator *Evaluator
	// NewProvider builds the provider of a metric that names a
	// prometheus.address; metricsprovider.NewPrometheus by default.
	NewProvider func(address string) (metricsprovider.Provider, error)

	mu        sync.Mutex
	byAddress map[string]metricsprovider.Provider
}

// NewMeasurer returns a Measurer with its own Evaluator that reads
// Prometheus servers named by metrics through metricsprovider.NewPrometheus.
func NewMeasurer() *Measurer {
	return &Measurer{
		Evaluator:   NewEvaluator(),
		NewProvider: newPrometheus,
	}
}

func newPrometheus(address string) (metricsprovider.Provider, error) {
	return metricsprovider.NewPrometheus(address)
}

// Measure runs the metric's query at now through the provider its
// prometheus.address names (built once per address), or through
// defaultProvider when it names none, and evaluates the conditions over
// the samples' values. Any failure is a measurement in phase Error whose
// message says why. StartedAt and FinishedAt are now.
func (ms *Measurer) Measure(ctx context.Context, defaultProvider metricsprovider.Provider, metric *Metric, now time.Time) v1alpha1.Measurement {
	at := metav1.NewTime(now)
	out := v1alpha1.Measurement{StartedAt: &at, FinishedAt: &at}
	fail := func(err error) v1alpha1.Measurement {
		out.Phase = v1alpha1.AnalysisPhaseError
		out.Message = truncate(err.Error())
		return out
	}
	prom := metric.Spec.Provider.Prometheus
	if prom == nil {
		return fail(fmt.Errorf("metric %q has no prometheus provider", metric.Spec.Name))
	}
	provider := defaultProvider
	if prom.Address != "" {
		p, err := ms.provider(prom.Address)
		if err != nil {
			return fail(err)
		}
		provider = p
	}
	if provider == nil {
		provider = metricsprovider.None{}
	}
	if prom.Timeout != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(*prom.Timeout)*time.Second)
		defer cancel()
	}
	samples, err := provider.Query(ctx, prom.Query, now)
	if err != nil {
		return fail(err)
	}
	values := make([]float64, len(samples))
	for i, s := range samples {
		values[i] = s.Value
	}
	out.Value = truncate(FormatValue(values))
	evaluator := ms.Evaluator
	if evaluator == nil {
		evaluator = sharedEvaluator
	}
	phase, err := evaluator.Evaluate(metric.Spec.SuccessCondition, metric.Spec.FailureCondition, values)
	if err != nil {
		return fail(err)
	}
	out.Phase = phase
	return out
}

func (ms *Measurer) provider(address string) (metricsprovider.Provider, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if p, ok := ms.byAddress[address]; ok {
		return p, nil
	}
	newProvider := ms.NewProvider
	if newProvider == nil {
		newProvider = newPrometheus
	}
	p, err := newProvider(address)
	if err != nil {
		return nil, err
	}
	if ms.byAddress == nil {
		ms.byAddress = map[string]metricsprovider.Provider{}
	}
	ms.byAddress[address] = p
	return p, nil
}

// FormatValue writes a vector as Argo records it: [0.99] or [0.5,0.25].
func FormatValue(values []float64) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func truncate(s string) string {
	if len(s) <= maxStatusText {
		return s
	}
	cut := maxStatusText - len("...")
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
