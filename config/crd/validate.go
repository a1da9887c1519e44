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
package crd

import (
	"context"
	"fmt"
	"sync"

	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// versionSchema is what the API server validates one version of a kind with.
type versionSchema struct {
	structural *structuralschema.Structural
	validator  apiservervalidation.SchemaValidator
	cel        *cel.Validator
}

var (
	schemasOnce sync.Once
	schemas     map[schema.GroupVersionKind]*versionSchema
	schemasErr  error
)

func loadSchemas() {
	crds, err := CRDs()
	if err != nil {
		schemasErr = err
		return
	}
	schemas = map[schema.GroupVersionKind]*versionSchema{}
	for _, crd := range crds {
		for _, v := range crd.Spec.Versions {
			if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				continue
			}
			internal := &apiextensionsinternal.JSONSchemaProps{}
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, internal, nil); err != nil {
				schemasErr = fmt.Errorf("%s %s: %w", crd.Name, v.Name, err)
				return
			}
			structural, err := structuralschema.NewStructural(internal)
			if err != nil {
				schemasErr = fmt.Errorf("%s %s: %w", crd.Name, v.Name, err)
				return
			}
			validator, _, err := apiservervalidation.NewSchemaValidator(internal)
			if err != nil {
				schemasErr = fmt.Errorf("%s %s: %w", crd.Name, v.Name, err)
				return
			}
			gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
			schemas[gvk] = &versionSchema{structural: structural, validator: validator, cel: cel.NewValidator(structural, true, celconfig.PerCallLimit)}
		}
	}
}

// Validate checks an object of one of Kurator's kinds (decoded JSON, as
// unstructured.Unstructured holds it) as the API server would on create:
// the CRD's defaults are applied to it, then its OpenAPI schema and CEL
// rules are checked. It lets offline tools ('kurator schedule') refuse what
// the control plane would refuse, with the same messages. Kinds without an
// embedded CRD are not checked.
func Validate(ctx context.Context, obj map[string]any) field.ErrorList {
	schemasOnce.Do(loadSchemas)
	if schemasErr != nil {
		return field.ErrorList{field.InternalError(nil, schemasErr)}
	}
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return field.ErrorList{field.Invalid(field.NewPath("apiVersion"), apiVersion, err.Error())}
	}
	s, ok := schemas[gv.WithKind(kind)]
	if !ok {
		return nil
	}
	structuraldefaulting.Default(obj, s.structural)
	errs := apiservervalidation.ValidateCustomResource(nil, obj, s.validator)
	celErrs, _ := s.cel.Validate(ctx, nil, s.structural, obj, nil, celconfig.RuntimeCELCostBudget)
	return append(errs, celErrs...)
}
