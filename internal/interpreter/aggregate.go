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
	utiljson "k8s.io/apimachinery/pkg/util/json"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// sumStatus is the AggregateStatus of a kind whose integer status fields
// add up across clusters.
func sumStatus(fields ...string) func(*unstructured.Unstructured, []MemberStatus, time.Time) (map[string]any, error) {
	return func(tpl *unstructured.Unstructured, members []MemberStatus, _ time.Time) (map[string]any, error) {
		status, _, _ := summed(tpl, members, fields)
		return status, nil
	}
}

// summed returns the template's status with fields summed over what the
// members reported, nil for a template placed nowhere. observedGeneration
// moves to the template's generation only when every target cluster runs
// a copy rendered from it and reports it healthy (has observed it and
// finished rolling out), so 'kubectl rollout status' waits for every
// member. It also returns the reported statuses and that verdict, for
// kinds that derive more from them.
func summed(tpl *unstructured.Unstructured, members []MemberStatus, fields []string) (status map[string]any, reports []map[string]any, allCurrent bool) {
	if len(members) == 0 {
		return nil, nil, false
	}
	status = ownStatus(tpl)
	allCurrent = true
	for _, m := range members {
		report, ok := m.report()
		if !ok {
			allCurrent = false
			continue
		}
		reports = append(reports, report)
		allCurrent = allCurrent && m.Health == workv1alpha1.ResourceHealthy && m.Current
	}
	for _, f := range fields {
		var sum int64
		for _, r := range reports {
			sum += intField(r, f)
		}
		status[f] = sum
	}
	observe(status, tpl, allCurrent)
	return status, reports, allCurrent
}

// ownStatus is a copy of the template's status, to aggregate into.
func ownStatus(tpl *unstructured.Unstructured) map[string]any {
	status, _, _ := unstructured.NestedMap(tpl.Object, "status")
	if status == nil {
		status = map[string]any{}
	}
	return status
}

// observe moves observedGeneration to the template's generation when the
// fleet has observed it, and otherwise leaves it, or sets it to 0 when it
// has none: not observed yet, as a cluster's controller would say, so that
// readers that skip a missing field do not take the object as settled.
func observe(status map[string]any, tpl *unstructured.Unstructured, observed bool) {
	if observed {
		status["observedGeneration"] = tpl.GetGeneration()
	} else if _, ok := status["observedGeneration"]; !ok {
		status["observedGeneration"] = int64(0)
	}
}

// report decodes the member's status; false when it reported none usable.
// Whole numbers decode as int64, as the API's clients read them, so that
// fields copied from a report compare equal to what the template stores.
func (m MemberStatus) report() (map[string]any, bool) {
	if m.Status == nil {
		return nil, false
	}
	var status map[string]any
	if err := utiljson.Unmarshal(m.Status.Raw, &status); err != nil {
		return nil, false
	}
	return status, true
}

func intField(m map[string]any, f string) int64 {
	switch v := m[f].(type) {
	case float64:
		return int64(v)
	case int64:
		return v
	}
	return 0
}
