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

// Package crd embeds the generated CustomResourceDefinitions of Kurator's
// APIs (config/crd/bases, written by "make generate") and the Istio
// networking CRDs the fleet serves so that routing objects can be
// propagated (config/crd/istio, extracted from istio.io/api by "make
// generate").
package crd

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

//go:embed bases/*.yaml
var bases embed.FS

//go:embed istio/*.yaml
var istio embed.FS

// CRDs decodes and returns every embedded CustomResourceDefinition of
// Kurator's own APIs, sorted by name. Each call returns fresh objects that
// the caller may modify.
func CRDs() ([]*apiextensionsv1.CustomResourceDefinition, error) {
	return decodeAll(bases, "bases/*.yaml")
}

// IstioCRDs decodes and returns Istio's networking CRDs (VirtualService,
// DestinationRule, ServiceEntry, Gateway, every version Istio serves),
// sorted by name. The control plane serves them so that they can be
// propagated, and every member so that it can receive them. Each call
// returns fresh objects that the caller may modify.
func IstioCRDs() ([]*apiextensionsv1.CustomResourceDefinition, error) {
	return decodeAll(istio, "istio/*.yaml")
}

func decodeAll(files fs.FS, pattern string) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	names, err := fs.Glob(files, pattern)
	if err != nil {
		return nil, err
	}
	crds := make([]*apiextensionsv1.CustomResourceDefinition, 0, len(names))
	for _, file := range names {
		data, err := fs.ReadFile(files, file)
		if err != nil {
			return nil, err
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(data, crd); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", path.Base(file), err)
		}
		if crd.Name == "" {
			return nil, fmt.Errorf("decoding %s: not a CustomResourceDefinition", path.Base(file))
		}
		crds = append(crds, crd)
	}
	sort.Slice(crds, func(i, j int) bool { return crds[i].Name < crds[j].Name })
	return crds, nil
}
