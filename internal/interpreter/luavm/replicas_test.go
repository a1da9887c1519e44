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
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"

	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/scheduler/estimator"
)

// cloneSetRequirements is what one replica of cloneSet asks: the init
// container's requests exceed the containers' sum.
func cloneSetRequirements() estimator.Requirements {
	return estimator.Requirements{
		Requests:     corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("256Mi")},
		NodeSelector: map[string]string{"disk": "ssd"},
		Tolerations:  []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "web", Effect: corev1.TaintEffectNoSchedule}},
		Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
				MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a", "b"}}},
			}}},
		}},
	}
}

func TestGetReplicas(t *testing.T) {
	r := New(Limits{})
	cases := map[string]struct {
		script   string
		replicas int64
		want     estimator.Requirements
		err      string
	}{
		"kube.accuratePodRequirements, with globals": {
			script: `
local kube = require("kube")
function GetReplicas(obj)
  replica = obj.spec.replicas
  requirement = kube.accuratePodRequirements(obj.spec.template)
  return replica, requirement
end`,
			replicas: 5,
			want:     cloneSetRequirements(),
		},
		"a requirement built by hand": {
			script: `
local kube = require("kube")
function GetReplicas(workload)
  local cpu = nil
  for _, c in ipairs(workload.spec.template.spec.containers) do
    cpu = kube.resourceAdd(cpu, c.resources.requests.cpu)
  end
  return workload.spec.replicas * 2, {
    resourceRequest = {cpu = cpu, memory = "1Gi"},
    nodeClaim = {nodeSelector = {zone = "a"}, tolerations = {}},
  }
end`,
			replicas: 10,
			want: estimator.Requirements{
				Requests:     corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")},
				NodeSelector: map[string]string{"zone": "a"},
			},
		},
		"no requirement": {
			script:   `function GetReplicas(obj) return obj.spec.replicas end`,
			replicas: 5,
		},
		"replicas that are not set": {
			script: `function GetReplicas(obj) return obj.spec.instances end`,
			err:    "InterpretReplica: the script returned replicas of type nil, not a number",
		},
		"negative replicas": {
			script: `function GetReplicas(obj) return -1 end`,
			err:    "InterpretReplica: the script returned negative replicas (-1)",
		},
		"a fraction of a replica": {
			script: `function GetReplicas(obj) return obj.spec.replicas / 2 end`,
			err:    "not a whole number",
		},
		"a requirement that is not a table": {
			script: `function GetReplicas(obj) return 1, "lots" end`,
			err:    "InterpretReplica: requirements: the script returned a string, not a table",
		},
		"a request that is not a quantity": {
			script: `function GetReplicas(obj) return 1, {resourceRequest = {cpu = "lots"}} end`,
			err:    "InterpretReplica: requirements:",
		},
		"a Lua error": {
			script: "function GetReplicas(obj)\n  return obj.spec.template.spec.missing.replicas\nend",
			err:    "InterpretReplica: script:2: attempt to index",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obj := parse(t, cloneSet)
			before := obj.DeepCopy()
			got, err := r.GetReplicas(compile(t, interpreter.OperationInterpretReplica, tc.script), obj)
			unchanged(t, before, obj)
			if tc.err != "" {
				wantError(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Replicas != tc.replicas {
				t.Errorf("replicas %d, want %d", got.Replicas, tc.replicas)
			}
			if !apiequality.Semantic.DeepEqual(got.Requirements, tc.want) {
				t.Errorf("requirements\n%+v\nwant\n%+v", got.Requirements, tc.want)
			}
		})
	}
}

// A Lua interpreter for a Deployment reads what the built-in one reads.
func TestGetReplicasAgreesWithTheBuiltIn(t *testing.T) {
	deployment := parse(t, strings.Replace(strings.Replace(cloneSet, "apps.kruise.io/v1alpha1", "apps/v1", 1), "CloneSet", "Deployment", 1))
	builtin, err := interpreter.For(deployment.GroupVersionKind()).GetReplicas(deployment)
	if err != nil {
		t.Fatal(err)
	}
	script := compile(t, interpreter.OperationInterpretReplica, `
local kube = require("kube")
function GetReplicas(obj)
  return obj.spec.replicas, kube.accuratePodRequirements(obj.spec.template)
end`)
	lua, err := New(Limits{}).GetReplicas(script, deployment)
	if err != nil {
		t.Fatal(err)
	}
	if lua.Replicas != builtin.Replicas {
		t.Errorf("replicas %d, the built-in reads %d", lua.Replicas, builtin.Replicas)
	}
	want := builtin.Requirements
	// Karmada's node claim has the required node affinity only.
	want.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: want.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution,
	}}
	if !apiequality.Semantic.DeepEqual(lua.Requirements, want) {
		t.Errorf("requirements\n%+v\nthe built-in reads\n%+v", lua.Requirements, want)
	}
}
