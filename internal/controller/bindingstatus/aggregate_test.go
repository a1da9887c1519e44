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

package bindingstatus

import (
	"testing"
)

func TestStatusPatchRemovesWhatTheAggregationDropped(t *testing.T) {
	stored := map[string]any{"lastScheduleTime": "2026-12-07T11:00:00Z", "active": []any{map[string]any{"name": "report-1"}},
		"loadBalancer": map[string]any{"ingress": []any{map[string]any{"ip": "198.18.1.1"}}}}
	aggregated := map[string]any{"lastScheduleTime": "2026-12-07T12:00:00Z", "loadBalancer": map[string]any{}}
	cases := map[string]struct {
		stored, aggregated any
		want               string
	}{
		"dropped fields become null": {stored, aggregated,
			`{"status":{"active":null,"lastScheduleTime":"2026-12-07T12:00:00Z","loadBalancer":{"ingress":null}}}`},
		"a template without status gets the whole status": {nil, aggregated,
			`{"status":{"lastScheduleTime":"2026-12-07T12:00:00Z","loadBalancer":{}}}`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := statusPatch(tc.stored, tc.aggregated)
			if err != nil || string(got) != tc.want {
				t.Fatalf("patch %s, %v; want %s", got, err, tc.want)
			}
		})
	}
}
