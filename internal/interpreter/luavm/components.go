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
	"fmt"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/scheduler/estimator"
)

// OperationInterpretComponent is Karmada's operation for kinds with several
// pod templates (componentResource): GetComponents(desiredObj) returns a
// list of {name, replicas, replicaRequirements}.
const OperationInterpretComponent interpreter.Operation = "InterpretComponent"

func init() { functionNames[OperationInterpretComponent] = "GetComponents" }

// GetComponents runs GetComponents(obj) and reads its components as one
// workload scheduled whole, as Karmada schedules multi-template kinds: the
// replicas are the components' sum, never split across clusters
// (MinPerCluster is that sum), and a replica asks for what the most
// demanding component's replica asks, so that a cluster is chosen only if
// it has room for that.
func (r *Runtime) GetComponents(s *Script, obj *unstructured.Unstructured) (*interpreter.Replicated, error) {
	var out *interpreter.Replicated
	err := r.run(OperationInterpretComponent, s, invocation{
		args:    objects(obj),
		results: 1,
		use: func(c *converter, results []lua.LValue) error {
			list, ok := results[0].(*lua.LTable)
			if results[0] == lua.LNil {
				out = &interpreter.Replicated{}
				return nil
			}
			if !ok {
				return fmt.Errorf("the script returned components of type %s, not a list", results[0].Type())
			}
			var total int64
			var reqs []estimator.Requirements
			var failure error
			list.ForEach(func(key, value lua.LValue) {
				if failure != nil {
					return
				}
				component, ok := value.(*lua.LTable)
				if !ok {
					failure = fmt.Errorf("component %v is a %s, not a table", key, value.Type())
					return
				}
				n, err := replicaCount(component.RawGetString("replicas"))
				if err != nil {
					failure = fmt.Errorf("component %v: %w", component.RawGetString("name"), err)
					return
				}
				req, err := requirements(c, component.RawGetString("replicaRequirements"))
				if err != nil {
					failure = fmt.Errorf("component %v: %w", component.RawGetString("name"), err)
					return
				}
				total += n
				reqs = append(reqs, req)
			})
			if failure != nil {
				return failure
			}
			out = &interpreter.Replicated{Replicas: total, Requirements: interpreter.MostDemanding(reqs), MinPerCluster: total}
			return nil
		},
	})
	return out, err
}
