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
package interpreter

import (
	"strings"
	"testing"
	"time"

	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

// A custom kind whose members' controllers write the conventional
// conditions reads, merged on the control plane, as kstatus expects.
func TestCustomKindConditionsMerge(t *testing.T) {
	const widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, generation: 2}\nspec: {size: 3}\n"
	member := func(ready, reconciling, stalled string) map[string]any {
		var conds []any
		for typ, st := range map[string]string{"Ready": ready, "Reconciling": reconciling, "Stalled": stalled} {
			if st != "" {
				conds = append(conds, map[string]any{"type": typ, "status": st, "reason": typ + "Reason", "message": typ + " says " + st})
			}
		}
		return map[string]any{"generation": int64(1), "observedGeneration": int64(1), "conditions": conds}
	}
	cases := map[string]struct {
		members []fleetMember
		want    kstatus.Status
		message string
	}{
		"ready everywhere": {[]fleetMember{{"hz", 0, member("True", "", ""), true}, {"sh", 0, member("True", "False", ""), true}}, kstatus.CurrentStatus, ""},
		"one member not ready yet": {[]fleetMember{{"hz", 0, member("True", "", ""), true}, {"sh", 0, member("False", "", ""), true}},
			kstatus.InProgressStatus, "Not ready in sh: Ready says False."},
		"one member reconciling": {[]fleetMember{{"hz", 0, member("True", "", ""), true}, {"sh", 0, member("False", "True", ""), true}},
			kstatus.InProgressStatus, "Reconciling in sh: Reconciling says True."},
		"one member stalled": {[]fleetMember{{"hz", 0, member("True", "", ""), true}, {"sh", 0, member("False", "", "True"), true}},
			kstatus.FailedStatus, "Stalled in sh: Stalled says True."},
		"one member has not reported": {[]fleetMember{{"hz", 0, member("True", "", ""), true}, {"sh", 0, nil, true}},
			kstatus.InProgressStatus, "latest observed generation is 0"},
		"one member runs an older template": {[]fleetMember{{"hz", 0, member("True", "", ""), true}, {"sh", 0, member("True", "", ""), false}},
			kstatus.InProgressStatus, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := kstatus.Compute(aggregate(t, parse(t, widget), tc.members))
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.want || !strings.Contains(res.Message, tc.message) {
				t.Fatalf("kstatus %s (%s), want %s (%s)", res.Status, res.Message, tc.want, tc.message)
			}
		})
	}
	// Members without any of the conventional conditions leave the
	// template's status to the control plane.
	status, err := For(parse(t, widget).GroupVersionKind()).AggregateStatus(parse(t, widget), []MemberStatus{reported("hz", `{"phase":"Running"}`, true, true)}, time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
	if err != nil || status != nil {
		t.Fatalf("status %v, %v; want none", status, err)
	}
}
