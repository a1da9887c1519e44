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

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"kurator.dev/kurator/internal/interpreter"
)

// deployment is cloneSet as an apps/v1 Deployment, for comparing with the
// built-in interpreter.
func deployment(b *testing.B) *unstructured.Unstructured {
	return parse(b, strings.Replace(strings.Replace(cloneSet, "apps.kruise.io/v1alpha1", "apps/v1", 1), "CloneSet", "Deployment", 1))
}

// BenchmarkGetReplicas is one InterpretReplica call of a typical script:
// a Deployment-sized object in, its replicas and requirements out.
func BenchmarkGetReplicas(b *testing.B) {
	r := New(Limits{})
	script := compile(b, interpreter.OperationInterpretReplica, `
local kube = require("kube")
function GetReplicas(obj)
  replica = obj.spec.replicas
  requirement = kube.accuratePodRequirements(obj.spec.template)
  return replica, requirement
end`)
	obj := deployment(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.GetReplicas(script, obj); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetReplicasBuiltin is the same through the built-in Deployment
// interpreter.
func BenchmarkGetReplicasBuiltin(b *testing.B) {
	obj := deployment(b)
	builtin := interpreter.For(obj.GroupVersionKind())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := builtin.GetReplicas(obj); err != nil {
			b.Fatal(err)
		}
	}
}
