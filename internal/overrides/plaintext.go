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

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// applyPlaintext applies a rule's plaintext overriders, RFC 6902 operations
// on the whole object, to obj in place. The object round-trips through JSON
// only when there are operations to apply.
func applyPlaintext(obj *unstructured.Unstructured, ops []policyv1alpha1.PlaintextOverrider) error {
	if len(ops) == 0 {
		return nil
	}
	doc, err := json.Marshal(obj.Object)
	if err != nil {
		return fmt.Errorf("plaintext: %w", err)
	}
	for i, p := range ops {
		doc, err = patch(doc, string(p.Operator), p.Path, p.Value)
		if err != nil {
			return fmt.Errorf("plaintext[%d]: path %q: %w", i, p.Path, err)
		}
	}
	var m map[string]interface{}
	if err := utiljson.Unmarshal(doc, &m); err != nil {
		return fmt.Errorf("plaintext: %w", err)
	}
	if m == nil {
		return fmt.Errorf("plaintext: the result is not a JSON object")
	}
	obj.Object = m
	return nil
}
