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
package policymatch

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

func template() *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("apps/v1")
	u.SetKind("Deployment")
	u.SetNamespace("prod")
	u.SetName("nginx")
	u.SetLabels(map[string]string{"app": "nginx"})
	return u
}

func sel(name string, lbls map[string]string) policyv1alpha1.ResourceSelector {
	s := policyv1alpha1.ResourceSelector{APIVersion: "apps/v1", Kind: "Deployment", Name: name}
	if lbls != nil {
		s.LabelSelector = &metav1.LabelSelector{MatchLabels: lbls}
	}
	return s
}

func TestSelector(t *testing.T) {
	obj := template()
	cases := map[string]struct {
		s    policyv1alpha1.ResourceSelector
		want Specificity
	}{
		"by name":                 {sel("nginx", nil), MatchName},
		"other name":              {sel("redis", nil), NoMatch},
		"name wins over labels":   {sel("nginx", map[string]string{"app": "other"}), MatchName},
		"by labels":               {sel("", map[string]string{"app": "nginx"}), MatchLabels},
		"labels mismatch":         {sel("", map[string]string{"app": "redis"}), NoMatch},
		"kind only":               {sel("", nil), MatchAll},
		"other kind":              {policyv1alpha1.ResourceSelector{APIVersion: "apps/v1", Kind: "StatefulSet"}, NoMatch},
		"other apiVersion":        {policyv1alpha1.ResourceSelector{APIVersion: "apps/v1beta1", Kind: "Deployment"}, NoMatch},
		"other namespace":         {policyv1alpha1.ResourceSelector{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "dev"}, NoMatch},
		"same explicit namespace": {policyv1alpha1.ResourceSelector{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "prod"}, MatchAll},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Selector(tc.s, obj); got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestBestFollowsKarmadaOrder(t *testing.T) {
	obj := template()
	spec := func(priority int32, selectors ...policyv1alpha1.ResourceSelector) *policyv1alpha1.PropagationSpec {
		return &policyv1alpha1.PropagationSpec{ResourceSelectors: selectors, Priority: ptr.To(priority)}
	}
	cases := map[string]struct {
		candidates []Candidate
		want       string
	}{
		"namespaced beats cluster-wide whatever the priority": {[]Candidate{
			{Name: "cpp", Spec: spec(100, sel("nginx", nil))},
			{Name: "pp", Namespace: "prod", Spec: spec(0, sel("", nil))},
		}, "pp"},
		"a policy of another namespace never acts": {[]Candidate{
			{Name: "other", Namespace: "dev", Spec: spec(100, sel("nginx", nil))},
			{Name: "cpp", Spec: spec(0, sel("", nil))},
		}, "cpp"},
		"explicit priority first": {[]Candidate{
			{Name: "a", Namespace: "prod", Spec: spec(1, sel("", nil))},
			{Name: "b", Namespace: "prod", Spec: spec(0, sel("nginx", nil))},
		}, "a"},
		"then name beats labels beats kind": {[]Candidate{
			{Name: "a", Namespace: "prod", Spec: spec(0, sel("", nil))},
			{Name: "b", Namespace: "prod", Spec: spec(0, sel("", map[string]string{"app": "nginx"}))},
			{Name: "c", Namespace: "prod", Spec: spec(0, sel("nginx", nil))},
		}, "c"},
		"then the smallest name": {[]Candidate{
			{Name: "zeta", Namespace: "prod", Spec: spec(0, sel("nginx", nil))},
			{Name: "alpha", Namespace: "prod", Spec: spec(0, sel("nginx", nil))},
		}, "alpha"},
		"best selector of a policy counts": {[]Candidate{
			{Name: "a", Namespace: "prod", Spec: spec(0, sel("", map[string]string{"app": "nginx"}))},
			{Name: "b", Namespace: "prod", Spec: spec(0, sel("redis", nil), sel("nginx", nil))},
		}, "b"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, ok := Best(obj, tc.candidates)
			if !ok || got.Name != tc.want {
				t.Fatalf("got %q (%v), want %q", got.Name, ok, tc.want)
			}
		})
	}
	if _, ok := Best(obj, []Candidate{{Name: "x", Spec: spec(0, sel("redis", nil))}}); ok {
		t.Fatal("no policy selects the template, want none")
	}
}
