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
	"strconv"

	lua "github.com/yuin/gopher-lua"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"

	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/podresources"
)

// kubeLibName is what scripts require: local kube = require("kube").
const kubeLibName = "kube"

// kubeLibrary is Karmada's kube library over Kurator's own pod
// arithmetic; conv is the converter of the call that runs.
type kubeLibrary struct{ conv *converter }

func newKubeLibrary(L *lua.LState, conv *converter) *lua.LTable {
	k := kubeLibrary{conv: conv}
	return L.SetFuncs(L.CreateTable(0, 4), map[string]lua.LGFunction{
		"accuratePodRequirements": k.accuratePodRequirements,
		"getPodDependencies":      k.getPodDependencies,
		"resourceAdd":             resourceAdd,
		"getResourceQuantity":     getResourceQuantity,
	})
}

// podTemplate reads argument n as a pod template: the template as Go
// values (for callers that need more than its spec) and typed.
func (k kubeLibrary) podTemplate(L *lua.LState, fn string, n int) (map[string]any, *corev1.PodTemplateSpec) {
	arg := L.CheckTable(n)
	// The template sits at some path of the call's objects, not at the
	// root its reference objects describe: its empty tables are resolved
	// by its own marks only.
	refs := k.conv.refs
	k.conv.refs = nil
	value, _, err := k.conv.fromLua(arg)
	k.conv.refs = refs
	if err != nil {
		L.RaiseError("%s: %v", fn, err)
	}
	obj, ok := value.(map[string]any)
	switch {
	case value == nil: // an empty table
		obj = map[string]any{}
	case !ok:
		L.ArgError(n, "a pod template is an object, not an array")
	}
	var tpl corev1.PodTemplateSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj, &tpl); err != nil {
		L.RaiseError("%s: not a pod template: %v", fn, err)
	}
	return obj, &tpl
}

// accuratePodRequirements(podTemplateSpec) is what one replica asks of a
// node, shaped like Karmada's ReplicaRequirements: the pod's requests as
// the scheduler counts them (init containers, sidecars, pod-level
// resources, overhead), and its node selector, tolerations and required
// node affinity. It returns nil when the template asks for nothing.
func (k kubeLibrary) accuratePodRequirements(L *lua.LState) int {
	_, tpl := k.podTemplate(L, "kube.accuratePodRequirements", 1)
	spec := &tpl.Spec
	req := map[string]any{}
	if requests := podresources.Requests(spec); len(requests) > 0 {
		byName := make(map[string]any, len(requests))
		for name, q := range requests {
			byName[string(name)] = q.String()
		}
		req["resourceRequest"] = byName
	}
	claim := map[string]any{}
	if len(spec.NodeSelector) > 0 {
		selector := make(map[string]any, len(spec.NodeSelector))
		for key, value := range spec.NodeSelector {
			selector[key] = value
		}
		claim["nodeSelector"] = selector
	}
	if len(spec.Tolerations) > 0 {
		tolerations := make([]any, 0, len(spec.Tolerations))
		for i := range spec.Tolerations {
			tolerations = append(tolerations, k.unstructured(L, &spec.Tolerations[i]))
		}
		claim["tolerations"] = tolerations
	}
	if a := spec.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		claim["hardNodeAffinity"] = k.unstructured(L, a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution)
	}
	if len(claim) > 0 {
		req["nodeClaim"] = claim
	}
	if tpl.Namespace != "" {
		req["namespace"] = tpl.Namespace
	}
	if spec.PriorityClassName != "" {
		req["priorityClassName"] = spec.PriorityClassName
	}
	if len(req) == 0 {
		L.Push(lua.LNil)
		return 1
	}
	k.push(L, req)
	return 1
}

// getPodDependencies(podTemplateSpec, namespace) lists what the pod
// template references, as {apiVersion, kind, namespace, name} tables in
// the namespace (Karmada's "default" when nil).
func (k kubeLibrary) getPodDependencies(L *lua.LState) int {
	const fn = "kube.getPodDependencies"
	_, tpl := k.podTemplate(L, fn, 1)
	namespace := "default"
	switch ns := L.Get(2).(type) {
	case *lua.LNilType:
	case lua.LString:
		namespace = string(ns)
	default:
		L.TypeError(2, lua.LTString)
	}
	deps := interpreter.PodDependencies(namespace, &tpl.Spec)
	list := make([]any, 0, len(deps))
	for _, d := range deps {
		list = append(list, map[string]any{"apiVersion": d.APIVersion, "kind": d.Kind, "namespace": d.Namespace, "name": d.Name})
	}
	k.push(L, list)
	return 1
}

func (k kubeLibrary) unstructured(L *lua.LState, typed any) map[string]any {
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(typed)
	if err != nil {
		L.RaiseError("converting %T: %v", typed, err)
	}
	return obj
}

func (k kubeLibrary) push(L *lua.LState, v any) {
	lv, err := k.conv.toLua(v)
	if err != nil {
		L.RaiseError("%v", err)
	}
	L.Push(lv)
}

// resourceAdd(q1, q2, ...) is the sum of the quantities (nil counts as
// zero), as a quantity string.
func resourceAdd(L *lua.LState) int {
	var sum resource.Quantity
	for i := 1; i <= L.GetTop(); i++ {
		if q, ok := quantityArg(L, i); ok {
			sum.Add(q)
		}
	}
	L.Push(lua.LString(sum.String()))
	return 1
}

// getResourceQuantity(q) is the number a quantity string stands for
// ("100m" is 0.1).
func getResourceQuantity(L *lua.LState) int {
	q, _ := quantityArg(L, 1)
	L.Push(lua.LNumber(q.AsApproximateFloat64()))
	return 1
}

// quantityArg reads argument n as a quantity: a quantity string or a
// number; ok is false for nil.
func quantityArg(L *lua.LState, n int) (q resource.Quantity, ok bool) {
	var text string
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return resource.Quantity{}, false
	case lua.LString:
		text = string(v)
	case lua.LNumber:
		text = strconv.FormatFloat(float64(v), 'f', -1, 64)
	default:
		L.TypeError(n, lua.LTString)
	}
	q, err := resource.ParseQuantity(text)
	if err != nil {
		L.ArgError(n, "not a quantity: "+err.Error())
	}
	return q, true
}
