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

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

func TestAwaitingScheduleSaysWhy(t *testing.T) {
	for _, tc := range []struct {
		name      string
		scheduled *metav1.Condition
		want      string
	}{
		{name: "not decided", want: "waiting for a schedule: no cluster is chosen yet"},
		{name: "unschedulable", scheduled: &metav1.Condition{Type: workv1alpha2.ConditionScheduled, Status: metav1.ConditionFalse,
			Reason: workv1alpha2.BindingReasonNoClusterFit, Message: "0/3 clusters are available"},
			want: "waiting for a schedule: NoClusterFit: 0/3 clusters are available"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status := &workv1alpha2.ResourceBindingStatus{}
			if tc.scheduled != nil {
				status.Conditions = []metav1.Condition{*tc.scheduled}
			}
			if got := awaitingSchedule(status); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
