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

	jsonpatch "github.com/evanphx/json-patch/v5"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// patch applies one RFC 6902 operation to a JSON document.
func patch(doc []byte, op, path string, value *apiextensionsv1.JSON) ([]byte, error) {
	switch op {
	case "add", "replace", "remove":
	default:
		return nil, fmt.Errorf("unsupported operator %q", op)
	}
	if _, err := splitPointer(path); err != nil {
		return nil, err
	}
	operation := map[string]interface{}{"op": op, "path": path}
	if op != "remove" {
		raw, err := rawValue(value)
		if err != nil {
			return nil, err
		}
		operation["value"] = raw
	}
	pb, err := json.Marshal([]interface{}{operation})
	if err != nil {
		return nil, err
	}
	pt, err := jsonpatch.DecodePatch(pb)
	if err != nil {
		return nil, err
	}
	opts := jsonpatch.NewApplyOptions()
	opts.SupportNegativeIndices = false // RFC 6902: no negative indices
	return pt.ApplyWithOptions(doc, opts)
}

// rawValue returns the JSON of a patch value, which add and replace need.
func rawValue(v *apiextensionsv1.JSON) (json.RawMessage, error) {
	if v == nil || len(v.Raw) == 0 {
		return nil, fmt.Errorf("value is required for add and replace")
	}
	if !json.Valid(v.Raw) {
		return nil, fmt.Errorf("value is not valid JSON")
	}
	return json.RawMessage(v.Raw), nil
}
