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

package interpreter

import (
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
)

// celCostLimit bounds one evaluation, as the API server bounds a CRD's
// validation rules: a health rule is a comparison, not a computation.
const celCostLimit = 1_000_000

// healthProgram is a compiled healthyWhen expression.
type healthProgram struct {
	program cel.Program
}

func compileHealth(expr string) (*healthProgram, error) {
	env, err := cel.NewEnv(cel.Variable("object", cel.DynType), ext.Strings())
	if err != nil {
		return nil, err
	}
	ast, issues := env.Compile(expr)
	if issues != nil && issues.Err() != nil {
		return nil, fmt.Errorf("healthyWhen %q: %w", expr, issues.Err())
	}
	if t := ast.OutputType(); t != cel.BoolType && t != cel.DynType {
		return nil, fmt.Errorf("healthyWhen %q gives %s, not a bool", expr, t)
	}
	program, err := env.Program(ast, cel.CostLimit(celCostLimit))
	if err != nil {
		return nil, fmt.Errorf("healthyWhen %q: %w", expr, err)
	}
	return &healthProgram{program: program}, nil
}

// eval is the expression's value for object; an error when a field it
// reads is missing or the value is not a bool.
func (h *healthProgram) eval(object map[string]any) (bool, error) {
	out, _, err := h.program.Eval(map[string]any{"object": object})
	if err != nil {
		return false, err
	}
	b, ok := out.Value().(bool)
	if !ok {
		return false, errNotBool
	}
	return b, nil
}
