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
package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

func TestDescribeBindingNamesItsAffinityTerm(t *testing.T) {
	binding := func(term string, annotations map[string]string) *workv1alpha2.ResourceBinding {
		b := &workv1alpha2.ResourceBinding{}
		b.Name, b.Namespace, b.Annotations = "web-deployment", "default", annotations
		b.Spec.Placement = &policyv1alpha1.Placement{ClusterAffinities: []policyv1alpha1.ClusterAffinityTerm{{AffinityName: "primary"}, {AffinityName: "backup"}}}
		b.Status.SchedulerObservedAffinityName = term
		return b
	}
	for _, tc := range []struct {
		name    string
		binding *workv1alpha2.ResourceBinding
		want    string
	}{
		{name: "on the first term", binding: binding("primary", nil), want: "Affinity term: primary\n"},
		{name: "stays on the backup", binding: binding("backup", nil), want: "Affinity term: backup (stays, as in Karmada; 'kurator rebalance'"},
		{name: "opted in", binding: binding("backup", map[string]string{policyv1alpha1.FailbackAnnotation: "20s"}),
			want: "Affinity term: backup (returns to the earliest term that fits once its clusters have been Ready for 20s)"},
		{name: "failing back", binding: binding("backup", map[string]string{workv1alpha2.FailbackFromAnnotation: `{"sh":3}`}), want: "Affinity term: backup (failing back;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			describeBinding(&out, tc.binding, nil, time.Now())
			if !strings.Contains(out.String(), tc.want) {
				t.Fatalf("describe lacks %q:\n%s", tc.want, out.String())
			}
		})
	}
}
