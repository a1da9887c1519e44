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

package crdinstall

import (
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"kurator.dev/kurator/config/crd"
)

// A CRD as the API server stores it (defaulted, with labels others added)
// is up to date; one that lost a label or a version of ours is not.
func TestUpToDate(t *testing.T) {
	crds, err := crd.IstioCRDs()
	if err != nil {
		t.Fatal(err)
	}
	want := crds[0]
	stored := func(change func(*apiextensionsv1.CustomResourceDefinition)) *apiextensionsv1.CustomResourceDefinition {
		got := want.DeepCopy()
		apiextensionsv1.SetObjectDefaults_CustomResourceDefinition(got)
		got.ResourceVersion, got.Generation = "42", 1
		got.Labels["team"] = "mesh"
		change(got)
		return got
	}
	cases := map[string]struct {
		got  *apiextensionsv1.CustomResourceDefinition
		want bool
	}{
		"as stored":            {stored(func(*apiextensionsv1.CustomResourceDefinition) {}), true},
		"label changed":        {stored(func(c *apiextensionsv1.CustomResourceDefinition) { c.Labels["app"] = "other" }), false},
		"annotation dropped":   {stored(func(c *apiextensionsv1.CustomResourceDefinition) { c.Annotations = nil }), false},
		"version not served":   {stored(func(c *apiextensionsv1.CustomResourceDefinition) { c.Spec.Versions[1].Served = false }), false},
		"printer columns lost": {stored(func(c *apiextensionsv1.CustomResourceDefinition) { c.Spec.Versions[0].AdditionalPrinterColumns = nil }), false},
	}
	for name, tc := range cases {
		if got := upToDate(tc.got, want); got != tc.want {
			t.Errorf("%s: upToDate = %t, want %t", name, got, tc.want)
		}
	}
}

func TestMerged(t *testing.T) {
	if got := merged(nil, nil); got != nil {
		t.Errorf("merged(nil, nil) = %v, want nil", got)
	}
	got := merged(map[string]string{"a": "1", "b": "1"}, map[string]string{"b": "2"})
	if len(got) != 2 || got["a"] != "1" || got["b"] != "2" {
		t.Errorf("merged = %v, want a=1 b=2", got)
	}
}
