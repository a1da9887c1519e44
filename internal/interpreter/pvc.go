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

package interpreter

import (
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// A PersistentVolumeClaim is propagated whole: each member gets a claim of
// the full size for the copies of the workload it runs there, so sizes are
// not added up.
func init() {
	registerBuiltin(schema.GroupKind{Kind: "PersistentVolumeClaim"}, Operations{
		InterpretHealth: pvcHealth,
		AggregateStatus: aggregatePVC,
	})
}

// pvcHealth, as Karmada's: healthy once Bound.
func pvcHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	if phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase"); phase == "Bound" {
		return workv1alpha1.ResourceHealthy
	}
	return workv1alpha1.ResourceUnhealthy
}

// aggregatePVC: Bound only when every member's claim is, Lost as soon as
// one is, Pending otherwise. Once Bound the capacity and access modes are
// what every member's volume offers, as one claim's would read: the
// smallest capacity of each resource and the modes all share; a claim not
// bound yet has neither. Its conditions (resizing, modifying and their
// errors) report work or trouble, so each is True as soon as one member's
// is.
func aggregatePVC(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error) {
	if len(members) == 0 {
		return nil, nil
	}
	reports := memberReports(members)
	status := ownStatus(tpl)
	phase := "Bound"
	for _, r := range reports {
		switch p, _ := r.status["phase"].(string); {
		case p == "Lost":
			phase = "Lost"
		case p != "Bound" && phase == "Bound":
			phase = "Pending"
		}
	}
	status["phase"] = phase
	delete(status, "capacity")
	delete(status, "accessModes")
	if capacity := smallestCapacity(reports); phase == "Bound" && capacity != nil {
		status["capacity"] = capacity
	}
	if modes := sharedAccessModes(reports); phase == "Bound" && modes != nil {
		status["accessModes"] = modes
	}
	writeConditions(status, mergeConditions(reports, nil, func(string) bool { return true }), now, false)
	return status, nil
}

// smallestCapacity is, per resource, the smallest capacity of the members'
// volumes; nil when one of them reports none.
func smallestCapacity(reports []memberReport) map[string]any {
	out := map[string]any{}
	smallest := map[string]resource.Quantity{}
	for i, r := range reports {
		capacity, _ := r.status["capacity"].(map[string]any)
		for name, v := range capacity {
			s, _ := v.(string)
			q, err := resource.ParseQuantity(s)
			if err != nil {
				continue
			}
			if _, seen := smallest[name]; i == 0 || (seen && q.Cmp(smallest[name]) < 0) {
				smallest[name], out[name] = q, s
			}
		}
		for name := range smallest {
			if _, ok := capacity[name]; !ok {
				delete(smallest, name)
				delete(out, name)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// sharedAccessModes are the access modes every member's volume has, in the
// first member's order.
func sharedAccessModes(reports []memberReport) []any {
	var out []any
	for i, r := range reports {
		modes, _ := r.status["accessModes"].([]any)
		if i == 0 {
			out = slices.Clone(modes)
			continue
		}
		out = slices.DeleteFunc(out, func(m any) bool { return !slices.Contains(modes, m) })
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
