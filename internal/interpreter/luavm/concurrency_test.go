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
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"kurator.dev/kurator/internal/interpreter"
)

// Goroutines sharing a runtime each get their own results, and the
// globals one call sets never reach another.
func TestConcurrentCalls(t *testing.T) {
	const goroutines, calls = 8, 200
	r := New(Limits{})
	replicas := compile(t, interpreter.OperationInterpretReplica, `
local kube = require("kube")
function GetReplicas(obj)
  if owner ~= nil then error("a global leaked from another call: " .. owner) end
  owner = obj.metadata.name
  local requirement = kube.accuratePodRequirements(obj.spec.template)
  return obj.spec.replicas, requirement
end`)
	revise := compile(t, interpreter.OperationReviseReplica, `
function ReviseReplica(obj, desired)
  obj.spec.replicas = desired
  obj.metadata.annotations = {note = string.format("%s=%d", obj.metadata.name, desired)}
  return obj
end`)
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			for i := range calls {
				n := int64(g*1000 + i)
				obj := parse(t, cloneSet)
				name := fmt.Sprintf("web-%d-%d", g, i)
				obj.SetName(name)
				if err := unstructured.SetNestedField(obj.Object, n, "spec", "replicas"); err != nil {
					errs <- err
					return
				}
				got, err := r.GetReplicas(replicas, obj)
				if err != nil {
					errs <- err
					return
				}
				if got.Replicas != n || got.Requirements.Requests.Cpu().String() != "1" {
					errs <- fmt.Errorf("%s: got %d replicas, cpu %s", name, got.Replicas, got.Requirements.Requests.Cpu())
					return
				}
				revised, err := r.ReviseReplica(revise, obj, n+1)
				if err != nil {
					errs <- err
					return
				}
				if want := fmt.Sprintf("%s=%d", name, n+1); revised.GetAnnotations()["note"] != want {
					errs <- fmt.Errorf("%s: annotation %q, want %q", name, revised.GetAnnotations()["note"], want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
