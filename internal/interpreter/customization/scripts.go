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

package customization

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/interpreter/luavm"
)

// LuaScripts compiles Lua rules to run on a luavm runtime.
type LuaScripts struct {
	Runtime *luavm.Runtime
}

// NewLuaScripts returns Scripts running on a runtime of their own with
// these limits (zero values: luavm's defaults).
func NewLuaScripts(limits luavm.Limits) LuaScripts {
	return LuaScripts{Runtime: luavm.New(limits)}
}

// Compile implements Scripts. componentResource (Karmada's
// InterpretComponent) stands for InterpretReplica when replicaResource is
// not given: the components' replicas summed, never split (a
// multi-template workload runs whole in one cluster), each cluster
// checked for room for the most demanding component.
func (l LuaScripts) Compile(rules *configv1alpha1.CustomizationRules, report Report) (interpreter.Operations, []error) {
	var ops interpreter.Operations
	var errs []error
	compile := func(op interpreter.Operation, source string) *luavm.Script {
		if source == "" {
			return nil
		}
		s, err := luavm.Compile(op, source)
		if err != nil {
			errs = append(errs, &OperationError{Operation: op, Err: err})
			return nil
		}
		return s
	}
	rt := l.Runtime
	if r := rules.ReplicaResource; r != nil {
		if s := compile(interpreter.OperationInterpretReplica, r.LuaScript); s != nil {
			ops.GetReplicas = func(obj *unstructured.Unstructured) (*interpreter.Replicated, error) { return rt.GetReplicas(s, obj) }
		}
	} else if r := rules.ComponentResource; r != nil {
		if s := compile(luavm.OperationInterpretComponent, r.LuaScript); s != nil {
			ops.GetReplicas = func(obj *unstructured.Unstructured) (*interpreter.Replicated, error) { return rt.GetComponents(s, obj) }
		}
	}
	if r := rules.ReplicaRevision; r != nil {
		if s := compile(interpreter.OperationReviseReplica, r.LuaScript); s != nil {
			ops.ReviseReplica = func(obj *unstructured.Unstructured, share interpreter.Share) error {
				revised, err := rt.ReviseReplica(s, obj, share.Replicas)
				if err != nil {
					return err
				}
				obj.Object = revised.Object
				return nil
			}
		}
	}
	if r := rules.Retention; r != nil {
		if s := compile(interpreter.OperationRetain, r.LuaScript); s != nil {
			ops.Retain = func(desired, observed *unstructured.Unstructured) (*unstructured.Unstructured, error) {
				return rt.Retain(s, desired, observed)
			}
		}
	}
	if r := rules.StatusReflection; r != nil {
		if s := compile(interpreter.OperationInterpretStatus, r.LuaScript); s != nil {
			ops.ReflectStatus = func(obj *unstructured.Unstructured) (*runtime.RawExtension, error) { return rt.ReflectStatus(s, obj) }
		}
	}
	if r := rules.StatusAggregation; r != nil {
		if s := compile(interpreter.OperationAggregateStatus, r.LuaScript); s != nil {
			ops.AggregateStatus = func(tpl *unstructured.Unstructured, members []interpreter.MemberStatus, _ time.Time) (map[string]any, error) {
				items := make([]luavm.StatusItem, len(members))
				for i, m := range members {
					items[i] = luavm.StatusItem{ClusterName: m.Cluster, Status: m.Status, Applied: m.Status != nil, Health: m.Health}
				}
				out, err := rt.AggregateStatus(s, tpl, items)
				if err != nil {
					return nil, err
				}
				status, _, err := unstructured.NestedMap(out.Object, "status")
				if err != nil {
					return nil, fmt.Errorf("the script's status: %w", err)
				}
				if status == nil {
					status = map[string]any{}
				}
				return status, nil
			}
		}
	}
	if r := rules.HealthInterpretation; r != nil {
		if s := compile(interpreter.OperationInterpretHealth, r.LuaScript); s != nil {
			ops.InterpretHealth = func(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
				healthy, err := rt.InterpretHealth(s, obj)
				report(interpreter.OperationInterpretHealth, obj, err)
				switch {
				case err != nil:
					return workv1alpha1.ResourceUnknown
				case healthy:
					return workv1alpha1.ResourceHealthy
				}
				return workv1alpha1.ResourceUnhealthy
			}
		}
	}
	if r := rules.DependencyInterpretation; r != nil {
		if s := compile(interpreter.OperationInterpretDependency, r.LuaScript); s != nil {
			ops.GetDependencies = func(obj *unstructured.Unstructured) ([]interpreter.Dependency, error) {
				return rt.GetDependencies(s, obj)
			}
		}
	}
	return ops, errs
}
