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

package crd_test

import (
	"strings"
	"testing"
)

// TestResourceInterpreterCustomizationRules checks the customisation's CEL
// rules offline: Karmada's Lua-only manifests are admitted, so are the
// declarative rules, and a rule with both or neither is refused.
func TestResourceInterpreterCustomizationRules(t *testing.T) {
	admitters := newAdmitters(t)
	admit := func(t *testing.T, doc string) string {
		t.Helper()
		obj := toUnstructured(t, []byte(doc))
		if _, errs := admitters[obj.GroupVersionKind().GroupKind()].Admit(obj.Object); len(errs) > 0 {
			return errs.ToAggregate().Error()
		}
		return ""
	}
	const head = `
apiVersion: config.karmada.io/v1alpha1
kind: ResourceInterpreterCustomization
metadata: {name: workload}
spec:
  target: {apiVersion: workload.example.io/v1alpha1, kind: Workload}
  customizations:
`
	karmada := head + `    replicaResource:
      luaScript: |
        local kube = require("kube")
        function GetReplicas(obj)
          return obj.spec.replicas, kube.accuratePodRequirements(obj.spec.template)
        end
    replicaRevision:
      luaScript: |
        function ReviseReplica(obj, desiredReplica)
          obj.spec.replicas = desiredReplica
          return obj
        end
    healthInterpretation:
      luaScript: |
        function InterpretHealth(observedObj)
          return observedObj.status.readyReplicas == observedObj.spec.replicas
        end
`
	if err := admit(t, karmada); err != "" {
		t.Fatalf("Karmada's Lua customisation was refused: %s", err)
	}
	declarative := head + `    replicaResource: {replicasPath: spec.size, podTemplatePath: spec.template}
    replicaRevision: {replicasPath: spec.size}
    healthInterpretation: {healthyWhen: "object.status.phase == 'Running'"}
    statusReflection: {fields: [phase, readyReplicas]}
    statusAggregation: {sumFields: [readyReplicas]}
    dependencyInterpretation: {podTemplatePaths: ["spec.template"]}
    retention: {paths: [spec.suspend]}
`
	if err := admit(t, declarative); err != "" {
		t.Fatalf("the declarative customisation was refused: %s", err)
	}
	for _, tc := range []struct{ name, rules, want string }{
		{"both", "    healthInterpretation: {healthyWhen: \"true\", luaScript: \"function InterpretHealth(o) return true end\"}\n", "give either luaScript or healthyWhen"},
		{"neither", "    replicaRevision: {}\n", "give either luaScript or replicasPath"},
		{"template without replicas", "    replicaResource: {podTemplatePath: spec.template, luaScript: \"x\"}\n", "podTemplatePath goes with replicasPath"},
		{"empty paths", "    retention: {paths: []}\n", "spec.customizations.retention.paths"},
	} {
		if err := admit(t, head+tc.rules); !strings.Contains(err, tc.want) {
			t.Errorf("%s: admission error %q; want it to contain %q", tc.name, err, tc.want)
		}
	}
}
