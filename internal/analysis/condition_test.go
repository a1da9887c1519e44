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
	"errors"
	"math"
	"strings"
	"testing"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
)

const (
	successful   = v1alpha1.AnalysisPhaseSuccessful
	failed       = v1alpha1.AnalysisPhaseFailed
	inconclusive = v1alpha1.AnalysisPhaseInconclusive
	errored      = v1alpha1.AnalysisPhaseError
	running      = v1alpha1.AnalysisPhaseRunning
	pending      = v1alpha1.AnalysisPhasePending
)

// TestTruthTable is Argo's truth table for a measurement's phase from its
// conditions, with an empty result and evaluation errors as Error.
func TestTruthTable(t *testing.T) {
	const (
		succeeds = "result[0] >= 0.95"
		fails    = "result[0] < 0.5"
	)
	cases := []struct {
		name             string
		success, failure string
		result           any
		want             v1alpha1.AnalysisPhase
	}{
		{"success only, true", succeeds, "", []float64{0.99}, successful},
		{"success only, false", succeeds, "", []float64{0.7}, failed},
		{"failure only, true", "", fails, []float64{0.2}, failed},
		{"failure only, false", "", fails, []float64{0.7}, successful},
		{"both, success true", succeeds, fails, []float64{0.99}, successful},
		{"both, failure true", succeeds, fails, []float64{0.2}, failed},
		{"both, neither true", succeeds, fails, []float64{0.7}, inconclusive},
		{"both true: failure wins", "result[0] > 0", "result[0] > 0", []float64{1}, failed},
		{"neither set", "", "", []float64{0.7}, successful},
		{"scalar result", "result >= 0.95", "", 0.99, successful},
		{"scalar result failing", "result >= 0.95", "", 0.5, failed},
		{"every sample", "all(result, # >= 0.95)", "", []float64{0.99, 0.97}, successful},
		{"every sample, one low", "all(result, # >= 0.95)", "", []float64{0.99, 0.9}, failed},
		{"empty vector, success only", succeeds, "", []float64{}, errored},
		{"empty vector, failure only", "", fails, []float64{}, errored},
		{"empty vector, neither set", "", "", []float64{}, errored},
		{"empty vector, tolerant condition", "len(result) == 0 || result[0] > 0", "", []float64{}, errored},
		{"index out of range", "result[1] >= 0.95", "", []float64{0.99}, errored},
		{"error in failure condition", succeeds, "result[3] > 1", []float64{0.99}, errored},
		{"result of an unknown type", succeeds, "", "0.99", errored},
	}
	e := NewEvaluator()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.Evaluate(tc.success, tc.failure, tc.result)
			if got != tc.want {
				t.Errorf("phase = %s (err %v), want %s", got, err, tc.want)
			}
			if (got == errored) != (err != nil) {
				t.Errorf("phase %s with error %v: an error goes with Error and only with it", got, err)
			}
		})
	}
}

func TestEmptyResultSaysNoData(t *testing.T) {
	_, err := NewEvaluator().Evaluate("result[0] > 0", "", []float64{})
	if !errors.Is(err, ErrNoData) {
		t.Errorf("error = %v, want ErrNoData", err)
	}
}

// TestHelpers covers Argo's helper functions.
func TestHelpers(t *testing.T) {
	cases := []struct {
		condition string
		result    any
		want      v1alpha1.AnalysisPhase
	}{
		{"isNaN(result)", math.NaN(), successful},
		{"isNaN(result[0])", []float64{1}, failed},
		{"isInf(result[0])", []float64{math.Inf(1)}, successful},
		{"isInf(result)", 3.0, failed},
		{"asInt(result[0]) == 2", []float64{2.7}, successful},
		{`asInt("42") == 42`, []float64{0}, successful},
		{`asFloat("0.5") == 0.5`, []float64{0}, successful},
		{"asFloat(result[0]) > 0.5", []float64{0.7}, successful},
		{`asInt("x") == 1`, []float64{0}, errored},
		{`asFloat("x") == 1`, []float64{0}, errored},
		{"default(result, 0.99) >= 0.95", math.NaN(), successful},
		{"default(result, 0.5) >= 0.95", 0.99, successful},
		{"default(result[0], 0) >= 0.95", []float64{0.99}, successful},
		{"isNil(result)", []float64{1}, failed},
		{"len(result) == 2 && any(result, # > 1)", []float64{0.5, 2}, successful},
	}
	e := NewEvaluator()
	for _, tc := range cases {
		t.Run(tc.condition, func(t *testing.T) {
			if got, err := e.Evaluate(tc.condition, "", tc.result); got != tc.want {
				t.Errorf("phase = %s (err %v), want %s", got, err, tc.want)
			}
		})
	}
}

// TestConditionsThatDoNotCompile: syntax errors, unknown names, non-boolean
// conditions and now() (a clock read) are refused when checked.
func TestConditionsThatDoNotCompile(t *testing.T) {
	cases := map[string]string{
		"result[0] >=":                         "unexpected token",
		"resalt[0] > 1":                        "unknown name resalt",
		"result[0] + 1":                        "expected bool",
		"now().Year() > 2000":                  "now",
		"len(result) > 0 &&":                   "unexpected token",
		strings.Repeat("1 + ", 2000) + "1 > 0": "exceeds maximum allowed nodes",
	}
	e := NewEvaluator()
	for condition, want := range cases {
		err := e.Check(condition)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check(%.40q) = %v, want an error containing %q", condition, err, want)
		}
		if strings.Contains(fmtErr(err), "\n") {
			t.Errorf("Check(%.40q): error spans lines: %q", condition, err)
		}
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestProgramsAreCompiledOnce(t *testing.T) {
	e := NewEvaluator()
	first, err := e.program("result[0] > 1", false)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := e.program("result[0] > 1", false)
	if first != again {
		t.Error("the same condition was compiled twice")
	}
	scalar, _ := e.program("result > 1", true)
	if scalar == first {
		t.Error("a scalar program was shared with a vector one")
	}
	for i := range maxCachedPrograms + 1 {
		if _, err := e.program(strings.Repeat(" ", i)+"result[0] > 1", false); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.programs); n > maxCachedPrograms {
		t.Errorf("cache holds %d programs, want at most %d", n, maxCachedPrograms)
	}
}
