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

// Package customization turns ResourceInterpreterCustomizations into the
// resource interpreter's operations: Lua rules through a Scripts compiler
// (the luavm runtime), declarative rules through interpreter.Declarative.
// Every operation it builds reports its runs to Failures, so that a script
// that breaks at run time shows on the customisation's status while the
// controllers calling it carry on with an error for that object only. A
// rule that does not compile still answers, with its compile error (health:
// Unknown), rather than letting the kind fall back silently to what it was
// without the customisation.
package customization

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/interpreter"
)

// Report is told the outcome of one run of an operation on obj (err nil on
// success).
type Report func(op interpreter.Operation, obj *unstructured.Unstructured, err error)

// Scripts compiles the Lua rules of a customisation.
type Scripts interface {
	// Compile returns the operations the rules' scripts implement, and an
	// error per rule that does not compile (an *OperationError). Operations
	// that return errors are reported by the caller; InterpretHealth, which
	// has no error to return, calls report itself.
	Compile(rules *configv1alpha1.CustomizationRules, report Report) (interpreter.Operations, []error)
}

// OperationError is a rule's error with its operation.
type OperationError struct {
	Operation interpreter.Operation
	Err       error
}

func (e *OperationError) Error() string { return string(e.Operation) + ": " + e.Err.Error() }

func (e *OperationError) Unwrap() error { return e.Err }

// OperationOf is the operation an error of Build or Merge is about.
func OperationOf(err error) interpreter.Operation {
	var op *OperationError
	if errors.As(err, &op) {
		return op.Operation
	}
	var decl *interpreter.DeclarativeError
	if errors.As(err, &decl) {
		return decl.Operation
	}
	return ""
}

// Built is one customisation compiled.
type Built struct {
	Name   string
	Target schema.GroupVersionKind
	// Operations are what the customisation implements; a rule that did not
	// compile answers with its error.
	Operations interpreter.Operations
	// Errors are the rules that did not compile, each naming its operation.
	Errors []error
}

// Build compiles one customisation.
func Build(ric *configv1alpha1.ResourceInterpreterCustomization, scripts Scripts, failures *Failures) Built {
	b := Built{Name: ric.Name, Target: schema.FromAPIVersionAndKind(ric.Spec.Target.APIVersion, ric.Spec.Target.Kind)}
	report := func(op interpreter.Operation, obj *unstructured.Unstructured, err error) {
		if failures == nil {
			return
		}
		if err != nil {
			failures.Failed(ric.Name, op, describe(obj), err)
		} else {
			failures.Succeeded(ric.Name, op)
		}
	}
	rules := &ric.Spec.Customizations
	var lua interpreter.Operations
	if scripts != nil {
		var errs []error
		lua, errs = scripts.Compile(rules, report)
		b.Errors = append(b.Errors, errs...)
	}
	declarative, errs := declarativeOf(rules).Build()
	b.Errors = append(b.Errors, errs...)
	b.Operations = withReports(lua.Over(declarative), report)
	for _, err := range b.Errors {
		b.Operations = failing(b.Operations, OperationOf(err), err, report)
	}
	return b
}

func declarativeOf(rules *configv1alpha1.CustomizationRules) interpreter.Declarative {
	var d interpreter.Declarative
	if r := rules.ReplicaResource; r != nil {
		d.ReplicasPath, d.PodTemplatePath = r.ReplicasPath, r.PodTemplatePath
	}
	if r := rules.ReplicaRevision; r != nil {
		d.RevisePath = r.ReplicasPath
	}
	if r := rules.Retention; r != nil {
		d.RetainPaths = r.Paths
	}
	if r := rules.StatusReflection; r != nil {
		d.StatusFields = r.Fields
	}
	if r := rules.StatusAggregation; r != nil {
		d.SumFields = r.SumFields
	}
	if r := rules.HealthInterpretation; r != nil {
		d.HealthyWhen = r.HealthyWhen
	}
	if r := rules.DependencyInterpretation; r != nil {
		d.PodTemplatePaths = r.PodTemplatePaths
	}
	return d
}

// withReports wraps every operation that returns an error so that its runs
// are reported.
func withReports(ops interpreter.Operations, report Report) interpreter.Operations {
	if f := ops.GetReplicas; f != nil {
		ops.GetReplicas = func(obj *unstructured.Unstructured) (*interpreter.Replicated, error) {
			r, err := f(obj)
			report(interpreter.OperationInterpretReplica, obj, err)
			return r, err
		}
	}
	if f := ops.ReviseReplica; f != nil {
		ops.ReviseReplica = func(obj *unstructured.Unstructured, share interpreter.Share) error {
			err := f(obj, share)
			report(interpreter.OperationReviseReplica, obj, err)
			return err
		}
	}
	if f := ops.GetDependencies; f != nil {
		ops.GetDependencies = func(obj *unstructured.Unstructured) ([]interpreter.Dependency, error) {
			deps, err := f(obj)
			report(interpreter.OperationInterpretDependency, obj, err)
			return deps, err
		}
	}
	if f := ops.ReflectStatus; f != nil {
		ops.ReflectStatus = func(obj *unstructured.Unstructured) (*runtime.RawExtension, error) {
			status, err := f(obj)
			report(interpreter.OperationInterpretStatus, obj, err)
			return status, err
		}
	}
	if f := ops.AggregateStatus; f != nil {
		ops.AggregateStatus = func(tpl *unstructured.Unstructured, members []interpreter.MemberStatus, now time.Time) (map[string]any, error) {
			status, err := f(tpl, members, now)
			report(interpreter.OperationAggregateStatus, tpl, err)
			return status, err
		}
	}
	if f := ops.Retain; f != nil {
		ops.Retain = func(desired, observed *unstructured.Unstructured) (*unstructured.Unstructured, error) {
			out, err := f(desired, observed)
			report(interpreter.OperationRetain, desired, err)
			return out, err
		}
	}
	return ops
}

// failing makes op answer with err, the rule's compile error.
func failing(ops interpreter.Operations, op interpreter.Operation, err error, report Report) interpreter.Operations {
	err = fmt.Errorf("the customisation's rule does not compile: %w", err)
	switch op {
	case interpreter.OperationInterpretReplica:
		ops.GetReplicas = func(*unstructured.Unstructured) (*interpreter.Replicated, error) { return nil, err }
	case interpreter.OperationReviseReplica:
		ops.ReviseReplica = func(*unstructured.Unstructured, interpreter.Share) error { return err }
	case interpreter.OperationInterpretDependency:
		ops.GetDependencies = func(*unstructured.Unstructured) ([]interpreter.Dependency, error) { return nil, err }
	case interpreter.OperationInterpretStatus:
		ops.ReflectStatus = func(*unstructured.Unstructured) (*runtime.RawExtension, error) { return nil, err }
	case interpreter.OperationAggregateStatus:
		ops.AggregateStatus = func(*unstructured.Unstructured, []interpreter.MemberStatus, time.Time) (map[string]any, error) {
			return nil, err
		}
	case interpreter.OperationRetain:
		ops.Retain = func(*unstructured.Unstructured, *unstructured.Unstructured) (*unstructured.Unstructured, error) {
			return nil, err
		}
	case interpreter.OperationInterpretHealth:
		ops.InterpretHealth = func(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
			report(interpreter.OperationInterpretHealth, obj, err)
			return workv1alpha1.ResourceUnknown
		}
	}
	return ops
}

func describe(obj *unstructured.Unstructured) string {
	if obj == nil {
		return ""
	}
	name := obj.GetName()
	if ns := obj.GetNamespace(); ns != "" {
		name = ns + "/" + name
	}
	return obj.GetAPIVersion() + " " + obj.GetKind() + " " + name
}

// Merge combines the customisations of each kind. Ordered by name, the
// first customisation that implements an operation has it; each later one
// that implements it too gets an error saying which one is in force.
func Merge(built []Built) (map[schema.GroupVersionKind]interpreter.Operations, map[string][]error) {
	sorted := append([]Built(nil), built...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	merged := map[schema.GroupVersionKind]interpreter.Operations{}
	owners := map[schema.GroupVersionKind]map[interpreter.Operation]string{}
	shadowed := map[string][]error{}
	for _, b := range sorted {
		ops, owner := merged[b.Target], owners[b.Target]
		if owner == nil {
			owner = map[interpreter.Operation]string{}
			owners[b.Target] = owner
		}
		for _, op := range b.Operations.Implemented() {
			if first, taken := owner[op]; taken {
				shadowed[b.Name] = append(shadowed[b.Name], &OperationError{Operation: op,
					Err: fmt.Errorf("%s also customises %s of %s and takes precedence (the first by name)", first, op, b.Target.Kind)})
				continue
			}
			owner[op] = b.Name
			ops = ops.With(op, b.Operations)
		}
		merged[b.Target] = ops
	}
	return merged, shadowed
}
