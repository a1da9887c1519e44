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
package binding

import (
	"encoding/json"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// failbackFrom reads the replicas the clusters giving replicas back during
// a failback ran before it (workv1alpha2.FailbackFromAnnotation, which the
// scheduler writes and removes): they keep running that many until the new
// placement is healthy.
func failbackFrom(b workv1alpha2.Binding) map[string]int32 {
	raw, ok := b.GetAnnotations()[workv1alpha2.FailbackFromAnnotation]
	if !ok {
		return nil
	}
	var from map[string]int32
	if err := json.Unmarshal([]byte(raw), &from); err != nil {
		return nil
	}
	return from
}
