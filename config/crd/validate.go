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
	"slices"
	"sync"

	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// Admitter applies to a custom resource of one kind what the API server
// does on create: pruning, defaulting, list-type, OpenAPI and CEL
// validation.
type Admitter struct {
	// Version is the served and stored version.
	Version    string
	structural *structuralschema.Structural
	openAPI    apiservervalidation.SchemaValidator
	cel        *cel.Validator
}

// Admit prunes, defaults and validates obj (decoded JSON with integers as
// int64, as unstructured.Unstructured holds it) in place. It returns the
// paths of pruned fields and the validation errors.
func (a *Admitter) Admit(obj map[string]any) ([]string, field.ErrorList) {
	pruned := pruning.PruneWithOptions(obj, a.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	structuraldefaulting.Default(obj, a.structural)
	errs := apiservervalidation.ValidateCustomResource(nil, obj, a.openAPI)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, a.structural, obj)...)
	celErrs, _ := a.cel.Validate(context.Background(), nil, a.structural, obj, nil, celconfig.RuntimeCELCostBudget)
	return pruned, append(errs, celErrs...)
}

// Admitters builds an Admitter for the storage version of every embedded
// CRD of Kurator's APIs, by group and kind.
func Admitters() (map[schema.GroupKind]*Admitter, error) {
	crds, err := CRDs()
	if err != nil {
		return nil, err
	}
	out := make(map[schema.GroupKind]*Admitter, len(crds))
	for _, c := range crds {
		i := slices.IndexFunc(c.Spec.Versions, func(v apiextensionsv1.CustomResourceDefinitionVersion) bool { return v.Storage })
		if i < 0 {
			return nil, fmt.Errorf("%s: no storage version", c.Name)
		}
		a, err := newAdmitter(c, c.Spec.Versions[i])
		if err != nil {
			return nil, err
		}
		out[schema.GroupKind{Group: c.Spec.Group, Kind: c.Spec.Names.Kind}] = a
	}
	return out, nil
}

// IstioAdmitters builds an Admitter for every served version of the
// embedded Istio CRDs: Istio serves several versions with one schema each,
// and objects of any of them are created.
func IstioAdmitters() (map[schema.GroupVersionKind]*Admitter, error) {
	crds, err := IstioCRDs()
	if err != nil {
		return nil, err
	}
	out := map[schema.GroupVersionKind]*Admitter{}
	for _, c := range crds {
		for _, v := range c.Spec.Versions {
			if !v.Served {
				continue
			}
			a, err := newAdmitter(c, v)
			if err != nil {
				return nil, err
			}
			out[schema.GroupVersionKind{Group: c.Spec.Group, Version: v.Name, Kind: c.Spec.Names.Kind}] = a
		}
	}
	return out, nil
}

func newAdmitter(c *apiextensionsv1.CustomResourceDefinition, version apiextensionsv1.CustomResourceDefinitionVersion) (*Admitter, error) {
	if version.Schema == nil || version.Schema.OpenAPIV3Schema == nil {
		return nil, fmt.Errorf("%s %s: no schema", c.Name, version.Name)
	}
	internal := &apiextensionsinternal.JSONSchemaProps{}
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(version.Schema.OpenAPIV3Schema, internal, nil); err != nil {
		return nil, fmt.Errorf("%s %s: %w", c.Name, version.Name, err)
	}
	structural, err := structuralschema.NewStructural(internal)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", c.Name, version.Name, err)
	}
	openAPI, _, err := apiservervalidation.NewSchemaValidator(internal)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", c.Name, version.Name, err)
	}
	return &Admitter{
		Version:    version.Name,
		structural: structural,
		openAPI:    openAPI,
		cel:        cel.NewValidator(structural, true, celconfig.PerCallLimit),
	}, nil
}

var (
	admitters      = sync.OnceValues(Admitters)
	istioAdmitters = sync.OnceValues(IstioAdmitters)
)

// Validate checks an object of one of Kurator's kinds, or of the Istio
// kinds the control plane serves, as the API server would on create, so
// offline tools ('kurator schedule') refuse what the control plane would
// refuse, with the same messages. Kinds without an embedded CRD are not
// checked. obj is defaulted and pruned in place.
func Validate(obj map[string]any) field.ErrorList {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return field.ErrorList{field.Invalid(field.NewPath("apiVersion"), apiVersion, err.Error())}
	}
	a, served, err := admitterFor(gv.WithKind(kind))
	if err != nil {
		return field.ErrorList{field.InternalError(nil, err)}
	}
	if a == nil && served == nil {
		return nil
	}
	if a == nil {
		return field.ErrorList{field.NotSupported(field.NewPath("apiVersion"), apiVersion, served)}
	}
	_, errs := a.Admit(obj)
	return errs
}

// admitterFor returns the Admitter of gvk; when the kind has a CRD but not
// in that version, the apiVersions it has instead.
func admitterFor(gvk schema.GroupVersionKind) (*Admitter, []string, error) {
	own, err := admitters()
	if err != nil {
		return nil, nil, err
	}
	if a, ok := own[gvk.GroupKind()]; ok {
		if a.Version != gvk.Version {
			return nil, []string{gvk.Group + "/" + a.Version}, nil
		}
		return a, nil, nil
	}
	istio, err := istioAdmitters()
	if err != nil {
		return nil, nil, err
	}
	if a, ok := istio[gvk]; ok {
		return a, nil, nil
	}
	var served []string
	for other := range istio {
		if other.GroupKind() == gvk.GroupKind() {
			served = append(served, other.GroupVersion().String())
		}
	}
	slices.Sort(served)
	return nil, served, nil
}
