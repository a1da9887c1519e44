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
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ValidateOverrideValues checks what the CRD schema cannot: that every
// plaintext and fieldOverrider operation whose operator is add or replace
// has a value. (value may be any JSON, so it has no schema type, and CEL
// rules cannot see fields without one.) path is the path of spec, for
// example field.NewPath("spec").
func ValidateOverrideValues(spec *OverrideSpec, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i := range spec.OverrideRules {
		errs = append(errs, validateOverriderValues(&spec.OverrideRules[i].Overriders, path.Child("overrideRules").Index(i).Child("overriders"))...)
	}
	return append(errs, validateOverriderValues(&spec.Overriders, path.Child("overriders"))...)
}

func validateOverriderValues(o *Overriders, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, p := range o.Plaintext {
		errs = append(errs, validateValue(p.Operator, p.Value, path.Child("plaintext").Index(i))...)
	}
	for i, f := range o.FieldOverrider {
		fieldPath := path.Child("fieldOverrider").Index(i)
		for j, op := range f.JSON {
			errs = append(errs, validateValue(op.Operator, op.Value, fieldPath.Child("json").Index(j))...)
		}
		for j, op := range f.YAML {
			errs = append(errs, validateValue(op.Operator, op.Value, fieldPath.Child("yaml").Index(j))...)
		}
	}
	return errs
}

func validateValue(op OverriderOperator, value *apiextensionsv1.JSON, path *field.Path) field.ErrorList {
	if op == OverriderOpRemove || (value != nil && len(value.Raw) > 0) {
		return nil
	}
	return field.ErrorList{field.Required(path.Child("value"), "value is required when operator is "+string(op))}
}
