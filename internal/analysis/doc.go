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

// Package analysis runs Argo Rollouts-compatible analysis templates
// (argoproj.io/v1alpha1 AnalysisTemplate, ClusterAnalysisTemplate) for
// Kurator's rollouts. It is pure: no API clients and no clock reads (the
// caller passes now); the only I/O is the Prometheus query a Measurer runs
// through an injected metricsprovider.Provider.
//
// A run goes: Prepare a template's spec with the caller's args (RunArgs
// gives the ones a rollout passes: cluster, cluster-regex, namespace,
// workload), then call Analysis.Step on every reconcile with the results
// so far and store what it returns, requeueing at StepResult.RequeueAt
// until StepResult.Phase is a verdict. Step is made of the parts below,
// which a caller may also use alone:
//
//   - Conditions. Evaluator.Evaluate applies Argo's truth table to a
//     result ([]float64 for a vector): success condition only, Failed
//     unless true; failure condition only, Successful unless true; both,
//     Failed if failure is true, Successful if success is, else
//     Inconclusive; neither, Successful. An empty result, or a condition
//     that does not evaluate to a boolean, is Error. Conditions are
//     expr-lang expressions with Argo's helpers isNaN, isInf, asInt,
//     asFloat, isNil and default; each is compiled once and cached.
//   - The metric state machine. Metric.Next says whether a metric must be
//     measured now, waits until a time (initialDelay from the run's start,
//     then interval after the last measurement, 10s after an error), or is
//     done with a phase; Metric.Assess applies the limits in Argo's order;
//     Metric.Record updates the counters and keeps the last measurements
//     (10 unless measurementRetention says otherwise).
//   - The run's phase. Analysis.RunPhase is the worst finished metric
//     phase in Argo's order, Failed > Error > Inconclusive > Pending >
//     Running > Successful, and Running while a metric is unfinished. A
//     metric (not dry-run) that ends Failed, Error or Inconclusive stops
//     the run: the others stop measuring, and dry-run metrics never decide.
//   - Measuring. Measurer.Measure runs a metric's PromQL query at now and
//     evaluates its conditions; the value is recorded as Argo prints it,
//     e.g. [0.99].
//
// Only the prometheus provider is measured; Prepare refuses the others
// ("provider web is not supported by Kurator; use prometheus"), nested
// templates, valueFrom args and Prometheus options Kurator's client lacks
// (insecure, headers, authentication, rangeQuery). docs/analysis.md
// describes the differences from Argo for users.
package analysis
