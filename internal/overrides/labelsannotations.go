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
	"fmt"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

func applyStringMap(obj map[string]interface{}, field string, o policyv1alpha1.LabelAnnotationOverrider) error {
	switch o.Operator {
	case policyv1alpha1.OverriderOpAdd, policyv1alpha1.OverriderOpRemove, policyv1alpha1.OverriderOpReplace:
	default:
		return fmt.Errorf("unsupported operator %q", o.Operator)
	}
	var meta map[string]interface{}
	if v, ok := obj["metadata"]; ok && v != nil {
		meta, ok = v.(map[string]interface{})
		if !ok {
			return fmt.Errorf("metadata is %T, not an object", v)
		}
	}
	var cur map[string]interface{}
	if meta != nil {
		if v, ok := meta[field]; ok && v != nil {
			cur, ok = v.(map[string]interface{})
			if !ok {
				return fmt.Errorf("metadata.%s is %T, not an object", field, v)
			}
		}
	}
	if o.Operator != policyv1alpha1.OverriderOpAdd && cur == nil {
		return nil
	}
	if cur == nil {
		if len(o.Value) == 0 {
			return nil
		}
		cur = map[string]interface{}{}
		if meta == nil {
			meta = map[string]interface{}{}
			obj["metadata"] = meta
		}
		meta[field] = cur
	}
	for k, v := range o.Value {
		_, exists := cur[k]
		switch o.Operator {
		case policyv1alpha1.OverriderOpAdd:
			cur[k] = v
		case policyv1alpha1.OverriderOpReplace:
			if exists {
				cur[k] = v
			}
		case policyv1alpha1.OverriderOpRemove:
			delete(cur, k)
		}
	}
	return nil
}
