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
package overrides

import (
	"encoding/json"
	"fmt"

	"sigs.k8s.io/yaml"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

func applyField(obj map[string]interface{}, f policyv1alpha1.FieldOverrider) error {
	if len(f.JSON) > 0 && len(f.YAML) > 0 {
		return fmt.Errorf("fieldPath %q: exactly one of json or yaml must be set", f.FieldPath)
	}
	if len(f.JSON) == 0 && len(f.YAML) == 0 {
		return nil
	}
	content, err := getString(obj, f.FieldPath)
	if err != nil {
		return err
	}
	var doc []byte
	if len(f.JSON) > 0 {
		if !json.Valid([]byte(content)) {
			return fmt.Errorf("fieldPath %q does not hold a JSON document", f.FieldPath)
		}
		doc = []byte(content)
		for i, op := range f.JSON {
			doc, err = patch(doc, string(op.Operator), op.SubPath, op.Value)
			if err != nil {
				return fmt.Errorf("fieldPath %q: json[%d]: subPath %q: %w", f.FieldPath, i, op.SubPath, err)
			}
		}
		return setExisting(obj, f.FieldPath, string(doc))
	}
	doc, err = yaml.YAMLToJSON([]byte(content))
	if err != nil {
		return fmt.Errorf("fieldPath %q does not hold a YAML document: %w", f.FieldPath, err)
	}
	for i, op := range f.YAML {
		doc, err = patch(doc, string(op.Operator), op.SubPath, op.Value)
		if err != nil {
			return fmt.Errorf("fieldPath %q: yaml[%d]: subPath %q: %w", f.FieldPath, i, op.SubPath, err)
		}
	}
	out, err := yaml.JSONToYAML(doc)
	if err != nil {
		return fmt.Errorf("fieldPath %q: %w", f.FieldPath, err)
	}
	return setExisting(obj, f.FieldPath, string(out))
}
