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
	"errors"
	"fmt"
	"math"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/fieldpath"
)

// Declarative are the rules of a ResourceInterpreterCustomization that
// need no program: where the replicas and pod templates are, which status
// fields to report and sum, which fields the member owns, and a CEL
// expression for health. Empty fields leave their operation alone.
type Declarative struct {
	ReplicasPath     string
	PodTemplatePath  string
	RevisePath       string
	RetainPaths      []string
	StatusFields     []string
	SumFields        []string
	HealthyWhen      string
	PodTemplatePaths []string
}

// DeclarativeError is a rule that does not compile, with its operation.
type DeclarativeError struct {
	Operation Operation
	Err       error
}

func (e *DeclarativeError) Error() string { return string(e.Operation) + ": " + e.Err.Error() }

func (e *DeclarativeError) Unwrap() error { return e.Err }

// Build compiles the rules into operations; each rule that does not
// compile is reported with its operation and left out.
func (d Declarative) Build() (Operations, []error) {
	var ops Operations
	var errs []error
	fail := func(op Operation, err error) { errs = append(errs, &DeclarativeError{Operation: op, Err: err}) }
	if d.ReplicasPath != "" {
		if f, err := d.getReplicas(); err != nil {
			fail(OperationInterpretReplica, err)
		} else {
			ops.GetReplicas = f
		}
	}
	if d.RevisePath != "" {
		if p, err := singlePath(d.RevisePath); err != nil {
			fail(OperationReviseReplica, err)
		} else {
			ops.ReviseReplica = func(obj *unstructured.Unstructured, share Share) error { return p.Set(obj.Object, share.Replicas) }
		}
	}
	if len(d.RetainPaths) > 0 {
		if f, err := retainPaths(d.RetainPaths); err != nil {
			fail(OperationRetain, err)
		} else {
			ops.Retain = f
		}
	}
	if len(d.StatusFields) > 0 {
		if f, err := reflectFields(d.StatusFields); err != nil {
			fail(OperationInterpretStatus, err)
		} else {
			ops.ReflectStatus = f
		}
	}
	if len(d.SumFields) > 0 {
		if f, err := sumFields(d.SumFields); err != nil {
			fail(OperationAggregateStatus, err)
		} else {
			ops.AggregateStatus = f
		}
	}
	if d.HealthyWhen != "" {
		if f, err := healthyWhen(d.HealthyWhen); err != nil {
			fail(OperationInterpretHealth, err)
		} else {
			ops.InterpretHealth = f
		}
	}
	if len(d.PodTemplatePaths) > 0 {
		if f, err := templateDependencies(d.PodTemplatePaths); err != nil {
			fail(OperationInterpretDependency, err)
		} else {
			ops.GetDependencies = f
		}
	}
	return ops, errs
}

// singlePath parses a path that names one field.
func singlePath(text string) (fieldpath.Path, error) {
	p, err := fieldpath.Parse(text)
	if err != nil {
		return fieldpath.Path{}, err
	}
	if p.HasWildcard() {
		return fieldpath.Path{}, fmt.Errorf("field path %q names many fields; [*] is for pod template paths", text)
	}
	return p, nil
}

func singlePaths(texts []string) ([]fieldpath.Path, error) {
	out := make([]fieldpath.Path, 0, len(texts))
	for _, t := range texts {
		p, err := singlePath(t)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (d Declarative) getReplicas() (func(*unstructured.Unstructured) (*Replicated, error), error) {
	replicas, err := singlePath(d.ReplicasPath)
	if err != nil {
		return nil, err
	}
	var template *fieldpath.Path
	if d.PodTemplatePath != "" {
		p, err := singlePath(d.PodTemplatePath)
		if err != nil {
			return nil, err
		}
		template = &p
	}
	return func(obj *unstructured.Unstructured) (*Replicated, error) {
		n := int64(1)
		if v, found := replicas.Get1(obj.Object); found && v != nil {
			i, ok := wholeNumber(v)
			if !ok || i < 0 {
				return nil, fmt.Errorf("%s of %s %s is %v, not a number of replicas", replicas, obj.GetKind(), obj.GetName(), v)
			}
			n = i
		}
		out := &Replicated{Replicas: n}
		if template != nil {
			spec, err := podTemplateAt(obj, *template)
			if err != nil {
				return nil, err
			}
			if spec != nil {
				out.Requirements = PodRequirements(spec)
			}
		}
		return out, nil
	}, nil
}

// podTemplateAt decodes the pod template at p; nil when there is none.
func podTemplateAt(obj *unstructured.Unstructured, p fieldpath.Path) (*corev1.PodSpec, error) {
	v, found := p.Get1(obj.Object)
	if !found || v == nil {
		return nil, nil
	}
	return decodePodTemplate(obj, p, v)
}

func decodePodTemplate(obj *unstructured.Unstructured, p fieldpath.Path, v any) (*corev1.PodSpec, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s of %s %s is not a pod template", p, obj.GetKind(), obj.GetName())
	}
	var tpl corev1.PodTemplateSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, &tpl); err != nil {
		return nil, fmt.Errorf("%s of %s %s is not a pod template: %w", p, obj.GetKind(), obj.GetName(), err)
	}
	return &tpl.Spec, nil
}

func wholeNumber(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), true
		}
	}
	return 0, false
}

func retainPaths(texts []string) (func(desired, observed *unstructured.Unstructured) (*unstructured.Unstructured, error), error) {
	paths, err := singlePaths(texts)
	if err != nil {
		return nil, err
	}
	return func(desired, observed *unstructured.Unstructured) (*unstructured.Unstructured, error) {
		for _, p := range paths {
			if v, found := p.Get1(observed.Object); found {
				if err := p.Set(desired.Object, runtime.DeepCopyJSONValue(v)); err != nil {
					return nil, err
				}
			}
		}
		return desired, nil
	}, nil
}

// reflectFields reports the listed fields of status, plus the object's
// generation as every reflection does.
func reflectFields(texts []string) (func(*unstructured.Unstructured) (*runtime.RawExtension, error), error) {
	paths, err := singlePaths(texts)
	if err != nil {
		return nil, err
	}
	return func(obj *unstructured.Unstructured) (*runtime.RawExtension, error) {
		status, _, _ := unstructured.NestedMap(obj.Object, "status")
		picked := &unstructured.Unstructured{Object: map[string]any{}}
		if status != nil {
			for _, p := range paths {
				if v, found := p.Get1(status); found {
					if err := p.Set(picked.Object, v); err != nil {
						return nil, err
					}
				}
			}
		}
		picked.Object = map[string]any{"status": picked.Object}
		if gen := obj.GetGeneration(); gen > 0 {
			picked.SetGeneration(gen)
		}
		return reflectWholeStatus(picked)
	}, nil
}

// sumFields sums the listed numeric fields of the members' statuses over
// what a custom kind's status gets by convention.
func sumFields(texts []string) (func(*unstructured.Unstructured, []MemberStatus, time.Time) (map[string]any, error), error) {
	paths, err := singlePaths(texts)
	if err != nil {
		return nil, err
	}
	return func(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error) {
		status, err := aggregateConventional(tpl, members, now)
		if err != nil {
			return nil, err
		}
		if status == nil {
			status = ownStatus(tpl)
		}
		for _, p := range paths {
			sum, whole := 0.0, true
			for _, m := range members {
				r, ok := m.report()
				if !ok {
					continue
				}
				v, found := p.Get1(r)
				if !found {
					continue
				}
				switch n := v.(type) {
				case int64:
					sum += float64(n)
				case float64:
					sum += n
					whole = whole && n == math.Trunc(n)
				}
			}
			var value any = sum
			if whole {
				value = int64(sum)
			}
			if err := p.Set(status, value); err != nil {
				return nil, err
			}
		}
		return status, nil
	}, nil
}

func healthyWhen(expr string) (func(*unstructured.Unstructured) workv1alpha1.ResourceHealth, error) {
	program, err := compileHealth(expr)
	if err != nil {
		return nil, err
	}
	return func(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
		healthy, err := program.eval(obj.Object)
		switch {
		case err != nil:
			return workv1alpha1.ResourceUnknown
		case healthy:
			return workv1alpha1.ResourceHealthy
		}
		return workv1alpha1.ResourceUnhealthy
	}, nil
}

func templateDependencies(texts []string) (func(*unstructured.Unstructured) ([]Dependency, error), error) {
	paths := make([]fieldpath.Path, 0, len(texts))
	for _, t := range texts {
		p, err := fieldpath.Parse(t)
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return func(obj *unstructured.Unstructured) ([]Dependency, error) {
		var specs []*corev1.PodSpec
		for _, p := range paths {
			for _, v := range p.Get(obj.Object) {
				spec, err := decodePodTemplate(obj, p, v)
				if err != nil {
					return nil, err
				}
				specs = append(specs, spec)
			}
		}
		return collectDependencies(obj.GetNamespace(), func(add func(kind, name string)) {
			for _, spec := range specs {
				visitPodSpec(spec, add)
			}
		}), nil
	}, nil
}

var errNotBool = errors.New("the expression does not give a bool")
