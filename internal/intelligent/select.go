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

package intelligent

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/policymatch"
)

// Select returns the IntelligentScheduler that governs a binding, or nil:
// the first by name whose resourceSelectors select the binding's template
// (spec.resource), matched as a PropagationPolicy's are (apiVersion and
// kind, then namespace, empty meaning any, then name, else the label
// selector against labels, the template's labels). A scheduler without
// selectors governs every binding.
func Select(schedulers []schedulingv1alpha1.IntelligentScheduler, b workv1alpha2.Binding, labels map[string]string) *schedulingv1alpha1.IntelligentScheduler {
	order := make([]int, len(schedulers))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return strings.Compare(schedulers[i].Name, schedulers[j].Name) })
	var template *unstructured.Unstructured
	for _, i := range order {
		s := &schedulers[i]
		if len(s.Spec.ResourceSelectors) == 0 {
			return s
		}
		if template == nil {
			template = templateOf(b, labels)
		}
		if policymatch.Selectors(s.Spec.ResourceSelectors, template) != policymatch.NoMatch {
			return s
		}
	}
	return nil
}

// UsesLabels reports whether some scheduler selects by labels, so a caller
// knows whether it must read the templates' labels for Select.
func UsesLabels(schedulers []schedulingv1alpha1.IntelligentScheduler) bool {
	for _, s := range schedulers {
		for _, rs := range s.Spec.ResourceSelectors {
			if rs.Name == "" && rs.LabelSelector != nil {
				return true
			}
		}
	}
	return false
}

// templateOf is the part of the template selectors look at, as the
// binding records it.
func templateOf(b workv1alpha2.Binding, labels map[string]string) *unstructured.Unstructured {
	r := b.BindingSpec().Resource
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(r.APIVersion)
	u.SetKind(r.Kind)
	u.SetNamespace(r.Namespace)
	u.SetName(r.Name)
	u.SetLabels(labels)
	return u
}
