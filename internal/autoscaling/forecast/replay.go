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

package forecast

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"kurator.dev/kurator/internal/autoscaling"
)

// ReplayConfig describes the workload and the autoscalers a Replay
// compares. Zero durations take the defaults given.
type ReplayConfig struct {
	// CapacityPerReplica is the load one replica serves at its target
	// (100 requests per second at a 100% target, say). Required.
	CapacityPerReplica float64
	// TargetUtilization is the HPA's target as a fraction of
	// CapacityPerReplica; default 1 (100%).
	TargetUtilization float64
	// Startup is how long a new replica takes to become ready; default 60s.
	Startup time.Duration
	// ScaleDownStabilization is the reactive HPA's window: it scales down
	// to the highest recommendation within it; default 5m.
	ScaleDownStabilization time.Duration
	// Window is how far ahead the predictive policy provisions; default 1h.
	Window time.Duration
	// Refresh is how often the forecast is recomputed; default 15m.
	Refresh time.Duration
	// Warmup is the start of the trace that is only history; default 7d.
	Warmup time.Duration
	// MinReplicas is the fewest replicas either policy runs; default 1.
	MinReplicas int32
	// Forecast configures the predictive policy's forecast.
	Forecast Config
}

// PolicyResult is how one autoscaling policy served the replayed trace.
type PolicyResult struct {
	Name string
	// UnderProvisionedMinutes is the time the load exceeded the ready
	// replicas' capacity.
	UnderProvisionedMinutes float64
	// ReplicaMinutes is the cost: replicas running (ready or starting)
	// times minutes.
	ReplicaMinutes float64
	PeakReplicas   int32
}

// ReplayResult compares the reactive HPA with predictive pre-scaling.
type ReplayResult struct {
	Reactive, Predictive PolicyResult
	// ForecastMAPE is the mean absolute percentage error of every forecast
	// point within Window against the load that came, in percent.
	ForecastMAPE float64
	// Forecasts is how many forecasts were made; Evaluated how much of the
	// trace was scored (after the warmup).
	Forecasts int
	Evaluated time.Duration
	Algorithm Algorithm
}

// Replay plays a regular trace step by step (every step is one HPA sync)
// through two policies for a workload of CapacityPerReplica per replica:
//
//   - reactive: at each sync the HPA sees the load of the previous step
//     (metrics are one sync old) and recommends replicas for the target
//     CapacityPerReplica*TargetUtilization with the HPA's arithmetic
//     (autoscaling.TotalValueReplicas, tolerance 10%); it scales down only
//     to the highest recommendation of the stabilization window, and
//     scales up at once;
//   - predictive (Auto): every Refresh it forecasts [now, now+Refresh+
//     Window] from the history so far, and at each sync runs the larger of
//     its own reactive recommendation and the replicas for the forecast's
//     peak over [now, now+Window] at the same target, so that they are
//     ready before the load.
//
// For both, replicas added become ready Startup later and replicas removed
// go at once, so the ready replicas at a step are the fewest asked for
// over the Startup before it. A step is under-provisioned when its load
// exceeds the ready replicas times the capacity.
func Replay(trace []Sample, cfg ReplayConfig) (ReplayResult, error) {
	cfg = cfg.withDefaults()
	if !(cfg.CapacityPerReplica > 0) || !(cfg.TargetUtilization > 0) {
		return ReplayResult{}, errors.New("replay: the capacity per replica and the target utilization must be positive")
	}
	if min(cfg.Startup, cfg.ScaleDownStabilization, cfg.Window, cfg.Refresh, cfg.Warmup) < 0 {
		return ReplayResult{}, errors.New("replay: a duration is negative")
	}
	step, err := regularStep(trace)
	if err != nil {
		return ReplayResult{}, fmt.Errorf("replay: %w", err)
	}
	if cfg.Forecast, err = cfg.Forecast.withDefaults(); err != nil {
		return ReplayResult{}, fmt.Errorf("replay: %w", err)
	}
	target := cfg.CapacityPerReplica * cfg.TargetUtilization
	begin := int(cfg.Warmup / step)
	if begin < 1 || begin >= len(trace) {
		return ReplayResult{}, fmt.Errorf("replay: the warmup %s leaves nothing of the %s trace to score",
			formatSpan(cfg.Warmup), formatSpan(time.Duration(len(trace))*step))
	}
	reactive := newPolicyRun("reactive", cfg, step, len(trace))
	predictive := newPolicyRun("predictive", cfg, step, len(trace))
	forecaster := replayForecaster{cfg: cfg, step: step, trace: trace}
	for i := begin; i < len(trace); i++ {
		observed := trace[i-1].Value
		reactive.sync(i, begin, observed, 0)
		peak, err := forecaster.peakAt(i, begin)
		if err != nil {
			return ReplayResult{}, fmt.Errorf("replay at %s: %w", trace[i].Time.UTC().Format(time.RFC3339), err)
		}
		predictive.sync(i, begin, observed, int32(math.Ceil(peak/target)))
		reactive.score(i, begin, trace[i].Value)
		predictive.score(i, begin, trace[i].Value)
	}
	result := ReplayResult{
		Reactive:   reactive.result,
		Predictive: predictive.result,
		Forecasts:  forecaster.forecasts,
		Evaluated:  time.Duration(len(trace)-begin) * step,
		Algorithm:  forecaster.algorithm,
	}
	if forecaster.scored > 0 {
		result.ForecastMAPE = 100 * forecaster.absoluteErrors / float64(forecaster.scored)
	}
	return result, nil
}

func (c ReplayConfig) withDefaults() ReplayConfig {
	defaults := ReplayConfig{Startup: time.Minute, ScaleDownStabilization: 5 * time.Minute, Window: time.Hour,
		Refresh: 15 * time.Minute, Warmup: Week, MinReplicas: 1, TargetUtilization: 1}
	if c.Startup == 0 {
		c.Startup = defaults.Startup
	}
	if c.ScaleDownStabilization == 0 {
		c.ScaleDownStabilization = defaults.ScaleDownStabilization
	}
	if c.Window == 0 {
		c.Window = defaults.Window
	}
	if c.Refresh == 0 {
		c.Refresh = defaults.Refresh
	}
	if c.Warmup == 0 {
		c.Warmup = defaults.Warmup
	}
	if c.TargetUtilization == 0 {
		c.TargetUtilization = defaults.TargetUtilization
	}
	if c.MinReplicas == 0 {
		c.MinReplicas = defaults.MinReplicas
	}
	return c
}

// regularStep is the trace's step, if every sample follows the previous
// one by it.
func regularStep(trace []Sample) (time.Duration, error) {
	if len(trace) < 2 {
		return 0, fmt.Errorf("a trace of %d samples has no step", len(trace))
	}
	step := trace[1].Time.Sub(trace[0].Time)
	for i := 1; i < len(trace); i++ {
		if d := trace[i].Time.Sub(trace[i-1].Time); d != step || d <= 0 {
			return 0, fmt.Errorf("sample %d follows the previous one by %s, not the trace's step %s", i, d, step)
		}
	}
	return step, nil
}

// policyRun is one policy's replicas over the trace.
type policyRun struct {
	cfg  ReplayConfig
	step time.Duration
	// recommended and desired are per step: the HPA's recommendation, and
	// the replicas asked for after stabilization and forecast.
	recommended, desired []int32
	result               PolicyResult
}

func newPolicyRun(name string, cfg ReplayConfig, step time.Duration, steps int) *policyRun {
	return &policyRun{cfg: cfg, step: step, recommended: make([]int32, steps), desired: make([]int32, steps),
		result: PolicyResult{Name: name}}
}

// sync is the HPA's evaluation at step i: the reactive recommendation for
// the observed load, stabilized downwards, never below forecastReplicas.
func (p *policyRun) sync(i, begin int, observed float64, forecastReplicas int32) {
	milli := func(v float64) int64 { return int64(math.Round(v * 1000)) }
	target := p.cfg.CapacityPerReplica * p.cfg.TargetUtilization
	current := int32(math.Ceil(observed / target))
	if i > begin {
		current = p.desired[i-1]
	}
	p.recommended[i] = autoscaling.TotalValueReplicas(current, milli(observed), 0, milli(target), autoscaling.DefaultTolerance)
	stabilized := p.recommended[i]
	for j := i - 1; j >= begin && j > i-int(p.cfg.ScaleDownStabilization/p.step); j-- {
		stabilized = max(stabilized, p.recommended[j])
	}
	p.desired[i] = max(stabilized, forecastReplicas, p.cfg.MinReplicas)
}

// score counts step i's cost and whether its load found enough ready
// replicas.
func (p *policyRun) score(i, begin int, load float64) {
	ready := p.desired[i]
	for j := i - 1; j >= begin && j >= i-int(p.cfg.Startup/p.step); j-- {
		ready = min(ready, p.desired[j])
	}
	minutes := p.step.Minutes()
	p.result.ReplicaMinutes += float64(p.desired[i]) * minutes
	p.result.PeakReplicas = max(p.result.PeakReplicas, p.desired[i])
	if load > float64(ready)*p.cfg.CapacityPerReplica {
		p.result.UnderProvisionedMinutes += minutes
	}
}

// replayForecaster forecasts every Refresh and scores each forecast
// against the trace.
type replayForecaster struct {
	cfg   ReplayConfig
	step  time.Duration
	trace []Sample
	// made is the latest forecast, from step since.
	made      Prediction
	since     int
	forecasts int
	algorithm Algorithm
	// absoluteErrors sums |forecast-actual|/actual over scored points.
	absoluteErrors float64
	scored         int
}

// peakAt is the highest forecast over [step i, step i + Window].
func (f *replayForecaster) peakAt(i, begin int) (float64, error) {
	if (i-begin)%max(1, int(f.cfg.Refresh/f.step)) == 0 {
		history := f.trace[max(0, i-int(f.cfg.Forecast.History/f.step)):i]
		p, err := Forecast(history, f.trace[i].Time, f.cfg.Refresh+f.cfg.Window, f.step, f.cfg.Forecast)
		if err != nil {
			return 0, err
		}
		f.made, f.since, f.algorithm = p, i, p.Algorithm
		f.forecasts++
		f.scoreForecast(i)
	}
	from := i - f.since
	to := min(len(f.made.Points), from+int(f.cfg.Window/f.step)+1)
	peak := 0.0
	for _, point := range f.made.Points[from:to] {
		peak = max(peak, point.Value)
	}
	return peak, nil
}

func (f *replayForecaster) scoreForecast(i int) {
	for j, point := range f.made.Points {
		if i+j >= len(f.trace) || time.Duration(j)*f.step > f.cfg.Window {
			return
		}
		if actual := f.trace[i+j].Value; actual > 0 {
			f.absoluteErrors += math.Abs(point.Value-actual) / actual
			f.scored++
		}
	}
}

// String is a table of the two policies and the forecast's accuracy.
func (r ReplayResult) String() string {
	var out strings.Builder
	w := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "policy\tunder-provisioned min\treplica-minutes\tpeak replicas\n")
	for _, p := range []PolicyResult{r.Reactive, r.Predictive} {
		fmt.Fprintf(w, "%s\t%.0f\t%.0f\t%d\n", p.Name, p.UnderProvisionedMinutes, p.ReplicaMinutes, p.PeakReplicas)
	}
	_ = w.Flush()
	fmt.Fprintf(&out, "%s forecast MAPE %.2f%% over %d forecasts, %s scored\n",
		r.Algorithm, r.ForecastMAPE, r.Forecasts, formatSpan(r.Evaluated))
	return out.String()
}
