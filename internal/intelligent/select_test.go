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
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

func scheduler(name string, selectors ...policyv1alpha1.ResourceSelector) schedulingv1alpha1.IntelligentScheduler {
	return schedulingv1alpha1.IntelligentScheduler{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: schedulingv1alpha1.IntelligentSchedulerSpec{ResourceSelectors: selectors}}
}

func TestSelectTakesTheFirstMatchingSchedulerByName(t *testing.T) {
	byName := policyv1alpha1.ResourceSelector{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "web"}
	byLabels := policyv1alpha1.ResourceSelector{APIVersion: "apps/v1", Kind: "Deployment", LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "batch"}}}
	byNamespace := policyv1alpha1.ResourceSelector{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "prod"}
	// Listed out of name order: the order of the list must not matter.
	schedulers := []schedulingv1alpha1.IntelligentScheduler{
		scheduler("d-prod", byNamespace), scheduler("b-web", byName), scheduler("a-batch", byLabels),
	}
	cases := []struct {
		name    string
		binding workv1alpha2.Binding
		labels  map[string]string
		want    string
	}{
		{"by name", rb("default", "web", "Deployment", nil, 1, nil), nil, "b-web"},
		{"name in another namespace", rb("prod", "web", "Deployment", nil, 1, nil), nil, "d-prod"},
		{"by labels, in any namespace", rb("jobs", "nightly", "Deployment", nil, 1, nil), map[string]string{"tier": "batch"}, "a-batch"},
		{"labels that do not match", rb("jobs", "nightly", "Deployment", nil, 1, nil), map[string]string{"tier": "web"}, ""},
		{"first by name when several match", rb("prod", "nightly", "Deployment", nil, 1, nil), map[string]string{"tier": "batch"}, "a-batch"},
		{"another kind", rb("prod", "db", "StatefulSet", nil, 1, nil), nil, ""},
		{"cluster-scoped binding", &workv1alpha2.ClusterResourceBinding{Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "global"}}}, map[string]string{"tier": "batch"}, "a-batch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Select(schedulers, c.binding, c.labels)
			switch {
			case c.want == "" && got != nil:
				t.Fatalf("governed by %s, want none", got.Name)
			case c.want != "" && (got == nil || got.Name != c.want):
				t.Fatalf("governed by %v, want %s", got, c.want)
			}
		})
	}
	if schedulers[0].Name != "d-prod" {
		t.Fatalf("Select reordered its input: %s first", schedulers[0].Name)
	}
	if !UsesLabels(schedulers) || UsesLabels(schedulers[:2]) {
		t.Fatal("UsesLabels must report the label selector of a-batch only")
	}
}

func TestSchedulerWithoutSelectorsGovernsEveryBinding(t *testing.T) {
	schedulers := []schedulingv1alpha1.IntelligentScheduler{
		scheduler("z-web", policyv1alpha1.ResourceSelector{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}),
		scheduler("fleet"),
	}
	for _, b := range []workv1alpha2.Binding{rb("default", "web", "Deployment", nil, 1, nil), rb("x", "cm", "ConfigMap", nil, 0, nil)} {
		if got := Select(schedulers, b, nil); got == nil || got.Name != "fleet" {
			t.Fatalf("%s: governed by %v, want fleet (before z-web by name)", b.GetName(), got)
		}
	}
	if got := Select(nil, rb("default", "web", "Deployment", nil, 1, nil), nil); got != nil {
		t.Fatalf("no schedulers, governed by %s", got.Name)
	}
}
