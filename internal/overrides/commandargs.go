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

func applyCommandArgs(obj map[string]interface{}, field string, o policyv1alpha1.CommandArgsOverrider) error {
	if o.Operator != policyv1alpha1.OverriderOpAdd && o.Operator != policyv1alpha1.OverriderOpRemove {
		return fmt.Errorf("unsupported operator %q", o.Operator)
	}
	list, err := containers(obj)
	if err != nil {
		return err
	}
	for i, c := range list {
		m, ok := c.(map[string]interface{})
		if !ok {
			return fmt.Errorf("container %d is %T, not an object", i, c)
		}
		if name, _ := m["name"].(string); name != o.ContainerName {
			continue
		}
		var cur []interface{}
		if v, ok := m[field]; ok && v != nil {
			cur, ok = v.([]interface{})
			if !ok {
				return fmt.Errorf("container %q: %s is %T, not a list", o.ContainerName, field, v)
			}
		}
		switch o.Operator {
		case policyv1alpha1.OverriderOpAdd:
			next := make([]interface{}, 0, len(cur)+len(o.Value))
			next = append(next, cur...)
			for _, s := range o.Value {
				next = append(next, s)
			}
			m[field] = next
		case policyv1alpha1.OverriderOpRemove:
			if cur == nil {
				continue
			}
			drop := make(map[string]bool, len(o.Value))
			for _, s := range o.Value {
				drop[s] = true
			}
			next := make([]interface{}, 0, len(cur))
			for _, e := range cur {
				if s, ok := e.(string); ok && drop[s] {
					continue
				}
				next = append(next, e)
			}
			m[field] = next
		}
	}
	return nil
}
