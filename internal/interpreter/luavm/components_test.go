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
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
)

// flinkDeployment has a job manager and task managers, each with its own
// pod resources.
const flinkDeployment = `
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: wordcount, namespace: stream}
spec:
  jobManager: {replicas: 1, resource: {cpu: 1, memory: 2Gi}}
  taskManager: {replicas: 3, resource: {cpu: 2, memory: 4Gi}}
`

const flinkComponents = `
local kube = require("kube")
function GetComponents(desiredObj)
  local components = {}
  for _, name in ipairs({"jobManager", "taskManager"}) do
    local spec = desiredObj.spec[name]
    table.insert(components, {
      name = name,
      replicas = spec.replicas,
      replicaRequirements = {resourceRequest = {cpu = tostring(spec.resource.cpu), memory = spec.resource.memory}},
    })
  end
  return components
end
`

func TestGetComponentsSchedulesTheKindWhole(t *testing.T) {
	rt := New(Limits{})
	obj := parse(t, flinkDeployment)
	before := obj.DeepCopy()
	r, err := rt.GetComponents(compile(t, OperationInterpretComponent, flinkComponents), obj)
	if err != nil {
		t.Fatal(err)
	}
	unchanged(t, before, obj)
	if r.Replicas != 4 || r.MinPerCluster != 4 {
		t.Errorf("replicas %d, min per cluster %d; want 4 and 4 (never split)", r.Replicas, r.MinPerCluster)
	}
	if !r.Requirements.Requests.Cpu().Equal(resource.MustParse("2")) || !r.Requirements.Requests.Memory().Equal(resource.MustParse("4Gi")) {
		t.Errorf("requirements %v; want the task manager's 2 CPU and 4Gi", r.Requirements.Requests)
	}
	_, err = rt.GetComponents(compile(t, OperationInterpretComponent, `function GetComponents(o) return {{name = "x", replicas = -1}} end`), obj)
	wantError(t, err, "InterpretComponent", "negative")
	_, err = rt.GetComponents(compile(t, OperationInterpretComponent, `function GetComponents(o) return 3 end`), obj)
	wantError(t, err, "not a list")
}
