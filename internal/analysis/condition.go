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
	"fmt"
	"math"
	"reflect"
	"strconv"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
)

// ErrNoData is the evaluation error of an empty result: a gate never passes
// on missing data.
var ErrNoData = errors.New("no data: the query returned an empty vector")

const (
	// maxConditionNodes bounds a condition's size; evaluation is further
	// bounded by expr's memory budget.
	maxConditionNodes = 1000
	// maxCachedPrograms bounds the cache; conditions with substituted args
	// vary per cluster, so the cache is dropped when it grows past this.
	maxCachedPrograms = 1024
)

// Evaluator evaluates success and failure conditions, compiling each
// expression once. It is safe for concurrent use.
type Evaluator struct {
	mu       sync.Mutex
	programs map[programKey]*vm.Program
}

type programKey struct {
	condition string
	scalar    bool // result is a float64 rather than a []float64
}

// NewEvaluator returns an Evaluator with an empty cache.
func NewEvaluator() *Evaluator {
	return &Evaluator{programs: map[programKey]*vm.Program{}}
}

// Evaluate applies Argo's truth table to a result, a []float64 (a
// Prometheus vector) or a float64 (a scalar):
//
//	success only: Failed unless it is true
//	failure only: Successful unless it is true
//	both:         Failed if failure is true, else Successful if success is
//	              true, else Inconclusive
//	neither:      Successful
//
// An empty vector, a condition that does not compile or evaluate, or one
// that is not boolean is an error (phase Error).
func (e *Evaluator) Evaluate(successCondition, failureCondition string, result any) (v1alpha1.AnalysisPhase, error) {
	switch r := result.(type) {
	case []float64:
		if len(r) == 0 {
			return v1alpha1.AnalysisPhaseError, ErrNoData
		}
	case float64:
	default:
		return v1alpha1.AnalysisPhaseError, fmt.Errorf("result of type %T: want []float64 or float64", result)
	}
	if successCondition == "" && failureCondition == "" {
		return v1alpha1.AnalysisPhaseSuccessful, nil
	}
	var succeeded, failed bool
	if successCondition != "" {
		ok, err := e.eval(successCondition, result)
		if err != nil {
			return v1alpha1.AnalysisPhaseError, fmt.Errorf("successCondition %q: %w", successCondition, err)
		}
		succeeded = ok
	}
	if failureCondition != "" {
		ok, err := e.eval(failureCondition, result)
		if err != nil {
			return v1alpha1.AnalysisPhaseError, fmt.Errorf("failureCondition %q: %w", failureCondition, err)
		}
		failed = ok
	}
	switch {
	case failureCondition == "":
		failed = !succeeded
	case successCondition == "":
		succeeded = !failed
	}
	switch {
	case failed:
		return v1alpha1.AnalysisPhaseFailed, nil
	case succeeded:
		return v1alpha1.AnalysisPhaseSuccessful, nil
	default:
		return v1alpha1.AnalysisPhaseInconclusive, nil
	}
}

// Check compiles a condition for a vector result, so that a template's
// mistakes surface before anything is measured.
func (e *Evaluator) Check(condition string) error {
	_, err := e.program(condition, false)
	return err
}

func (e *Evaluator) eval(condition string, result any) (bool, error) {
	_, scalar := result.(float64)
	program, err := e.program(condition, scalar)
	if err != nil {
		return false, err
	}
	out, err := expr.Run(program, map[string]any{"result": result})
	if err != nil {
		return false, plainError(err)
	}
	ok, isBool := out.(bool)
	if !isBool {
		return false, fmt.Errorf("evaluates to %T, want bool", out)
	}
	return ok, nil
}

func (e *Evaluator) program(condition string, scalar bool) (*vm.Program, error) {
	key := programKey{condition: condition, scalar: scalar}
	e.mu.Lock()
	p, ok := e.programs[key]
	e.mu.Unlock()
	if ok {
		return p, nil
	}
	var sample any = []float64{}
	if scalar {
		sample = float64(0)
	}
	options := append([]expr.Option{
		expr.Env(map[string]any{"result": sample}),
		expr.AsBool(),
		expr.MaxNodes(maxConditionNodes),
		// now() would make a verdict depend on when it is taken.
		expr.DisableBuiltin("now"),
	}, helpers...)
	p, err := expr.Compile(condition, options...)
	if err != nil {
		return nil, plainError(err)
	}
	e.mu.Lock()
	if len(e.programs) >= maxCachedPrograms {
		e.programs = map[programKey]*vm.Program{}
	}
	e.programs[key] = p
	e.mu.Unlock()
	return p, nil
}

// plainError drops expr's source snippet, which spans lines, keeping the message.
func plainError(err error) error {
	var fe *file.Error
	if errors.As(err, &fe) {
		return errors.New(fe.Message)
	}
	return err
}

// helpers are the functions Argo's conditions may call besides expr's
// builtins (len, all, any, filter, map, ...).
var helpers = []expr.Option{
	expr.Function("isNaN", func(params ...any) (any, error) {
		f, err := toFloat(params[0])
		return err == nil && math.IsNaN(f), err
	}, new(func(float64) bool)),
	expr.Function("isInf", func(params ...any) (any, error) {
		f, err := toFloat(params[0])
		return err == nil && math.IsInf(f, 0), err
	}, new(func(float64) bool)),
	expr.Function("asInt", func(params ...any) (any, error) {
		return toInt(params[0])
	}, new(func(any) int64)),
	expr.Function("asFloat", func(params ...any) (any, error) {
		return toFloat(params[0])
	}, new(func(any) float64)),
	expr.Function("isNil", func(params ...any) (any, error) {
		return isMissing(params[0]), nil
	}, new(func(any) bool)),
	expr.Function("default", func(params ...any) (any, error) {
		if isMissing(params[0]) {
			return params[1], nil
		}
		return params[0], nil
	}, new(func(any, any) any)),
}

// isMissing is true for nil, an empty list and NaN: the values default
// replaces.
func isMissing(v any) bool {
	if v == nil {
		return true
	}
	if f, ok := v.(float64); ok {
		return math.IsNaN(f)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		return rv.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

func toFloat(v any) (float64, error) {
	switch n := v.(type) {
	case float64:
		return n, nil
	case float32:
		return float64(n), nil
	case int:
		return float64(n), nil
	case int64:
		return float64(n), nil
	case int32:
		return float64(n), nil
	case uint:
		return float64(n), nil
	case uint64:
		return float64(n), nil
	case uint32:
		return float64(n), nil
	case string:
		f, err := strconv.ParseFloat(n, 64)
		if err != nil {
			return 0, fmt.Errorf("asFloat(%q): not a number", n)
		}
		return f, nil
	}
	return 0, fmt.Errorf("asFloat: %T is not a number", v)
}

func toInt(v any) (int64, error) {
	switch n := v.(type) {
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("asInt(%q): not an integer", n)
		}
		return i, nil
	case int64:
		return n, nil
	case int:
		return int64(n), nil
	}
	f, err := toFloat(v)
	if err != nil {
		return 0, fmt.Errorf("asInt: %T is not a number", v)
	}
	return int64(f), nil
}
