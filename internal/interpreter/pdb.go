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
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// A PodDisruptionBudget is propagated whole: each member's copy guards the
// Pods of that member.
func init() {
	registerBuiltin(schema.GroupKind{Group: "policy", Kind: "PodDisruptionBudget"}, Operations{
		InterpretHealth: pdbHealth,
		AggregateStatus: aggregatePDB,
	})
}

// pdbHealth, as Karmada's, once the disruption controller has observed the
// spec: as many healthy Pods as the budget asks for.
func pdbHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	if observedCurrent(obj) && statusInt(obj, "currentHealthy") >= statusInt(obj, "desiredHealthy") {
		return workv1alpha1.ResourceHealthy
	}
	return workv1alpha1.ResourceUnhealthy
}

// aggregatePDB adds up the counters: the budgets count Pods, and the
// fleet's Pods are those of every member, whatever the placement of the
// workload they guard (divided or duplicated). disruptionsAllowed is then
// how many Pods may be disrupted across the fleet, each member allowing its
// own. DisruptionAllowed is True only when every member allows a
// disruption, naming those that do not: a member at its budget is one
// where nothing may be evicted. observedGeneration moves once every member
// has observed the latest template and has its desired healthy Pods (see
// summed), which is what kstatus waits for.
func aggregatePDB(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error) {
	status, _, _ := summed(tpl, members, []string{"expectedPods", "currentHealthy", "desiredHealthy", "disruptionsAllowed"})
	if status == nil {
		return nil, nil
	}
	writeConditions(status, mergeConditions(memberReports(members), []string{"DisruptionAllowed"}, oneOf()), now, false)
	return status, nil
}
