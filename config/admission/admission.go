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

// Package admission embeds the objects Kurator installs on the control plane
// next to its CRDs: admission policies and the RBAC of the identities they
// name.
package admission

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

//go:embed *.yaml
var manifests embed.FS

// ProjectorUser is the identity that alone may write the ReplicaSets the
// control plane keeps as Deployment revisions (revision-projection.yaml);
// the controller impersonates it for those writes.
const ProjectorUser = "kurator:revision-projector"

// Objects decodes every embedded object, in file order and, within a file,
// in document order: RBAC before the policies that name it.
func Objects() ([]*unstructured.Unstructured, error) {
	files, err := fs.Glob(manifests, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var objs []*unstructured.Unstructured
	for _, file := range files {
		data, err := manifests.ReadFile(file)
		if err != nil {
			return nil, err
		}
		dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
		for {
			u := &unstructured.Unstructured{}
			if err := dec.Decode(&u.Object); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return nil, fmt.Errorf("decoding %s: %w", path.Base(file), err)
			}
			if len(u.Object) == 0 {
				continue
			}
			if u.GetKind() == "" || u.GetName() == "" {
				return nil, fmt.Errorf("decoding %s: an object without kind or name", path.Base(file))
			}
			objs = append(objs, u)
		}
	}
	return objs, nil
}
