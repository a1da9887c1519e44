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
)

func TestKubeLibrary(t *testing.T) {
	r := New(Limits{})
	obj := parse(t, cloneSet)
	for name, check := range map[string]string{
		"resourceAdd":             `return kube.resourceAdd("100m", "1", "0.5") == "1600m"`,
		"resourceAdd with nil":    `return kube.resourceAdd(nil, "64Mi", nil, "64Mi") == "128Mi"`,
		"resourceAdd of nothing":  `return kube.resourceAdd() == "0"`,
		"resourceAdd of numbers":  `return kube.resourceAdd(1, "500m") == "1500m"`,
		"getResourceQuantity":     `return kube.getResourceQuantity("100m") == 0.1 and kube.getResourceQuantity("1Ki") == 1024`,
		"accuratePodRequirements": `local r = kube.accuratePodRequirements(obj.spec.template) return r.resourceRequest.cpu == "1" and r.resourceRequest.memory == "256Mi" and r.nodeClaim.nodeSelector.disk == "ssd" and r.nodeClaim.tolerations[1].key == "dedicated" and r.nodeClaim.hardNodeAffinity.nodeSelectorTerms[1].matchExpressions[1].values[2] == "b" and r.namespace == nil`,
		"accuratePodRequirements with namespace and priority":  `local r = kube.accuratePodRequirements({metadata = {namespace = "shop"}, spec = {priorityClassName = "high", containers = {{name = "a"}}}}) return r.namespace == "shop" and r.priorityClassName == "high" and r.resourceRequest == nil and r.nodeClaim == nil`,
		"accuratePodRequirements of a template asking nothing": `return kube.accuratePodRequirements({spec = {containers = {{name = "a", image = "x"}}}}) == nil`,
		"accuratePodRequirements of an empty template":         `return kube.accuratePodRequirements({}) == nil`,
		"getPodDependencies":                      `local d = kube.getPodDependencies(obj.spec.template, "shop") return #d == 4 and d[1].kind == "ConfigMap" and d[1].name == "web-config" and d[1].namespace == "shop" and d[1].apiVersion == "v1" and d[4].kind == "ServiceAccount"`,
		"getPodDependencies in default namespace": `local d = kube.getPodDependencies(obj.spec.template) return d[1].namespace == "default"`,
		"getPodDependencies of none":              `local d = kube.getPodDependencies({spec = {containers = {{name = "a"}}}}, "shop") return #d == 0`,
	} {
		t.Run(name, func(t *testing.T) {
			ok, err := r.InterpretHealth(health(t, `local kube = require("kube")`+"\n"+check), obj)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				t.Fatal("wrong answer")
			}
		})
	}
	for name, tc := range map[string]struct{ call, err string }{
		"resourceAdd of a non-quantity":         {`kube.resourceAdd("1", "lots")`, "bad argument #2 to resourceAdd (not a quantity"},
		"resourceAdd of a table":                {`kube.resourceAdd({})`, "bad argument #1 to resourceAdd (string expected, got table)"},
		"getResourceQuantity of a non-quantity": {`kube.getResourceQuantity("x1")`, "not a quantity"},
		"accuratePodRequirements of a non-template": {`kube.accuratePodRequirements({spec = {containers = "none"}})`,
			"kube.accuratePodRequirements: not a pod template"},
		"accuratePodRequirements of nothing":  {`kube.accuratePodRequirements(nil)`, "table expected, got nil"},
		"accuratePodRequirements of an array": {`kube.accuratePodRequirements({1, 2})`, "a pod template is an object, not an array"},
		"getPodDependencies with a table for namespace": {`kube.getPodDependencies(obj.spec.template, {})`,
			"bad argument #2 to getPodDependencies (string expected, got table)"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := r.InterpretHealth(health(t, `local kube = require("kube")`+"\n"+tc.call+"\nreturn true"), obj)
			wantError(t, err, "InterpretHealth: ", tc.err)
		})
	}
}
