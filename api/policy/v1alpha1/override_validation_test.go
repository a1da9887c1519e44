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

package v1alpha1

import (
	"slices"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestValidateOverrideValues(t *testing.T) {
	value := &apiextensionsv1.JSON{Raw: []byte("3")}
	spec := &OverrideSpec{
		OverrideRules: []RuleWithCluster{{
			Overriders: Overriders{
				Plaintext: []PlaintextOverrider{
					{Path: "/spec/replicas", Operator: OverriderOpReplace, Value: value},
					{Path: "/spec/paused", Operator: OverriderOpRemove},
					{Path: "/spec/replicas", Operator: OverriderOpAdd},
				},
				FieldOverrider: []FieldOverrider{{
					FieldPath: "/data/config",
					JSON: []JSONPatchOperation{
						{SubPath: "/a", Operator: OverriderOpReplace, Value: &apiextensionsv1.JSON{}},
						{SubPath: "/b", Operator: OverriderOpAdd, Value: value},
					},
				}},
			},
		}},
		Overriders: Overriders{
			FieldOverrider: []FieldOverrider{{
				FieldPath: "/data/config",
				YAML:      []YAMLPatchOperation{{SubPath: "/c", Operator: OverriderOpAdd}},
			}},
		},
	}
	var got []string
	for _, err := range ValidateOverrideValues(spec, field.NewPath("spec")) {
		if err.Type != field.ErrorTypeRequired {
			t.Errorf("%v: type %s, want Required", err, err.Type)
		}
		got = append(got, err.Field)
	}
	want := []string{
		"spec.overrideRules[0].overriders.plaintext[2].value",
		"spec.overrideRules[0].overriders.fieldOverrider[0].json[0].value",
		"spec.overriders.fieldOverrider[0].yaml[0].value",
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors on %v, want %v", got, want)
	}
}
