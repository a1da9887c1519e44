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

package luavm

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/interpreter"
)

// StatusItem is what AggregateStatus scripts see of one member cluster in
// their statusItems, as Karmada's AggregatedStatusItem.
type StatusItem struct {
	ClusterName string `json:"clusterName"`
	// Status is the member object's reflected status.
	Status  *runtime.RawExtension       `json:"status,omitempty"`
	Applied bool                        `json:"applied"`
	Health  workv1alpha1.ResourceHealth `json:"health,omitempty"`
}

// run checks that the script is the operation's before calling it.
func (r *Runtime) run(op interpreter.Operation, s *Script, inv invocation) error {
	if s == nil {
		return fmt.Errorf("%s: no script", op)
	}
	if s.operation != op {
		return fmt.Errorf("%s: the script is compiled for %s", op, s.operation)
	}
	return r.call(s, inv)
}

// GetReplicas runs GetReplicas(obj), which returns the replicas and the
// requirements of one replica (nil for none), shaped like Karmada's
// ReplicaRequirements: {resourceRequest, nodeClaim = {nodeSelector,
// tolerations, hardNodeAffinity}}.
func (r *Runtime) GetReplicas(s *Script, obj *unstructured.Unstructured) (*interpreter.Replicated, error) {
	var out *interpreter.Replicated
	err := r.run(interpreter.OperationInterpretReplica, s, invocation{
		args:    objects(obj),
		results: 2,
		use: func(c *converter, results []lua.LValue) error {
			replicas, err := replicaCount(results[0])
			if err != nil {
				return err
			}
			req, err := requirements(c, results[1])
			if err != nil {
				return err
			}
			out = &interpreter.Replicated{Replicas: replicas, Requirements: req}
			return nil
		},
	})
	return out, err
}

// ReviseReplica runs ReviseReplica(obj, replicas), which returns the
// object with its share of the replicas.
func (r *Runtime) ReviseReplica(s *Script, obj *unstructured.Unstructured, replicas int64) (*unstructured.Unstructured, error) {
	var out *unstructured.Unstructured
	args := objects(obj)
	err := r.run(interpreter.OperationReviseReplica, s, invocation{
		refs: refs(obj),
		args: func(c *converter) ([]lua.LValue, error) {
			values, err := args(c)
			return append(values, lua.LNumber(replicas)), err
		},
		results: 1,
		use:     objectResult(&out),
	})
	return out, err
}

// Retain runs Retain(desired, observed), which returns desired with what
// the member cluster owns carried over from observed.
func (r *Runtime) Retain(s *Script, desired, observed *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	var out *unstructured.Unstructured
	err := r.run(interpreter.OperationRetain, s, invocation{
		refs:    refs(desired, observed),
		args:    objects(desired, observed),
		results: 1,
		use:     objectResult(&out),
	})
	return out, err
}

// AggregateStatus runs AggregateStatus(tpl, statusItems), which returns
// the template with its status computed from the members'. statusItems is
// nil when items is nil (Karmada's scripts test for that), else a list.
func (r *Runtime) AggregateStatus(s *Script, tpl *unstructured.Unstructured, items []StatusItem) (*unstructured.Unstructured, error) {
	var out *unstructured.Unstructured
	var statuses []any
	if items != nil {
		statuses = make([]any, len(items))
		for i, item := range items {
			status, err := decodeStatus(item.Status)
			if err != nil {
				return nil, fmt.Errorf("%s: the status of %s: %w", interpreter.OperationAggregateStatus, item.ClusterName, err)
			}
			statuses[i] = status
		}
	}
	// Beside the template, each member's status is a reference for the
	// empty tables of the template's status.
	references := refs(tpl)
	for _, status := range statuses {
		if status != nil {
			references = append(references, map[string]any{"status": status})
		}
	}
	err := r.run(interpreter.OperationAggregateStatus, s, invocation{
		refs: references,
		args: func(c *converter) ([]lua.LValue, error) {
			if err := present(tpl); err != nil {
				return nil, err
			}
			template, err := c.toLua(tpl.Object)
			if err != nil || items == nil {
				return []lua.LValue{template, lua.LNil}, err
			}
			list := make([]any, len(items))
			for i, item := range items {
				entry := map[string]any{"clusterName": item.ClusterName, "applied": item.Applied}
				if statuses[i] != nil {
					entry["status"] = statuses[i]
				}
				if item.Health != "" {
					entry["health"] = string(item.Health)
				}
				list[i] = entry
			}
			statusItems, err := c.toLua(list)
			return []lua.LValue{template, statusItems}, err
		},
		results: 1,
		use:     objectResult(&out),
	})
	return out, err
}

// ReflectStatus runs ReflectStatus(obj), which returns the status the
// member object reports, or nil for none.
func (r *Runtime) ReflectStatus(s *Script, obj *unstructured.Unstructured) (*runtime.RawExtension, error) {
	var out *runtime.RawExtension
	var references []any
	if obj != nil {
		if status, ok := obj.Object["status"]; ok {
			references = []any{status}
		}
	}
	err := r.run(interpreter.OperationInterpretStatus, s, invocation{
		refs:    references,
		args:    objects(obj),
		results: 1,
		use: func(c *converter, results []lua.LValue) error {
			if results[0] == lua.LNil {
				return nil
			}
			status, err := c.object(results[0])
			if err != nil {
				return err
			}
			raw, err := json.Marshal(status)
			if err != nil {
				return fmt.Errorf("encoding the status: %w", err)
			}
			out = &runtime.RawExtension{Raw: raw}
			return nil
		},
	})
	return out, err
}

// InterpretHealth runs InterpretHealth(obj), which returns whether the
// member object is healthy; nil counts as false.
func (r *Runtime) InterpretHealth(s *Script, obj *unstructured.Unstructured) (bool, error) {
	var healthy bool
	err := r.run(interpreter.OperationInterpretHealth, s, invocation{
		args:    objects(obj),
		results: 1,
		use: func(_ *converter, results []lua.LValue) error {
			switch v := results[0].(type) {
			case lua.LBool:
				healthy = bool(v)
			case *lua.LNilType:
			default:
				return fmt.Errorf("the script returned a %s, not a boolean", v.Type())
			}
			return nil
		},
	})
	return healthy, err
}

// GetDependencies runs GetDependencies(obj), which returns a list of
// {apiVersion, kind, namespace, name}; namespace defaults to the
// object's. The result is sorted by kind then name, without duplicates.
func (r *Runtime) GetDependencies(s *Script, obj *unstructured.Unstructured) ([]interpreter.Dependency, error) {
	var out []interpreter.Dependency
	err := r.run(interpreter.OperationInterpretDependency, s, invocation{
		args:    objects(obj),
		results: 1,
		use: func(c *converter, results []lua.LValue) error {
			if results[0] == lua.LNil {
				return nil
			}
			if _, ok := results[0].(*lua.LTable); !ok {
				return fmt.Errorf("the script returned a %s, not a list", results[0].Type())
			}
			value, _, err := c.fromLua(results[0])
			if err != nil {
				return err
			}
			if _, isObject := value.(map[string]any); isObject {
				return errors.New("the script returned an object, not a list")
			}
			list, _ := value.([]any)
			for i, entry := range list {
				d, err := dependency(entry, obj.GetNamespace())
				if err != nil {
					return fmt.Errorf("dependency %d: %w", i+1, err)
				}
				out = append(out, d)
			}
			slices.SortFunc(out, func(a, b interpreter.Dependency) int {
				return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name),
					cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.APIVersion, b.APIVersion))
			})
			out = slices.Compact(out)
			return nil
		},
	})
	return out, err
}

// objects makes the arguments of a call from the objects.
func objects(objs ...*unstructured.Unstructured) func(c *converter) ([]lua.LValue, error) {
	return func(c *converter) ([]lua.LValue, error) {
		values := make([]lua.LValue, 0, len(objs)+1)
		for _, obj := range objs {
			if err := present(obj); err != nil {
				return nil, err
			}
			v, err := c.toLua(obj.Object)
			if err != nil {
				return nil, err
			}
			values = append(values, v)
		}
		return values, nil
	}
}

func present(obj *unstructured.Unstructured) error {
	if obj == nil || obj.Object == nil {
		return errors.New("no object")
	}
	return nil
}

func refs(objs ...*unstructured.Unstructured) []any {
	out := make([]any, 0, len(objs))
	for _, obj := range objs {
		if obj != nil && obj.Object != nil {
			out = append(out, obj.Object)
		}
	}
	return out
}
