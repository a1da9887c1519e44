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

package crd_test

import (
	"strings"
	"testing"
)

// TestInvalidObjectsAreRejected checks OpenAPI, list-map and CEL rules
// (evaluated here, offline, with the API server's CEL validator).
func TestInvalidObjectsAreRejected(t *testing.T) {
	const fleet = `
apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata: {name: f, namespace: ns}
spec:
`
	const attached = `
apiVersion: cluster.kurator.dev/v1alpha1
kind: AttachedCluster
metadata: {name: a, namespace: ns}
spec:
`
	const cluster = `
apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata: {name: c}
spec:
`
	cases := []struct {
		name string
		yaml string
		want string // substring of the error
	}{
		{
			name: "spreadByField and spreadByLabel together",
			yaml: fleet + "  placement:\n    spreadConstraints:\n    - {spreadByField: region, spreadByLabel: topology.kubernetes.io/region, maxGroups: 2}\n",
			want: "spreadByField and spreadByLabel are mutually exclusive",
		},
		{
			name: "maxGroups below minGroups",
			yaml: fleet + "  placement:\n    spreadConstraints:\n    - {maxGroups: 1, minGroups: 2}\n",
			want: "maxGroups must be greater than or equal to minGroups",
		},
		{
			name: "negative minGroups",
			yaml: fleet + "  placement:\n    spreadConstraints:\n    - {minGroups: -1}\n",
			want: "minGroups",
		},
		{
			name: "repeated spreadByField",
			yaml: fleet + "  placement:\n    spreadConstraints:\n    - {spreadByField: region}\n    - {spreadByField: region}\n",
			want: "each spreadByField may appear in at most one spread constraint",
		},
		{
			name: "unknown spreadByField",
			yaml: fleet + "  placement:\n    spreadConstraints:\n    - {spreadByField: rack}\n",
			want: "Unsupported value",
		},
		{
			name: "preference weight out of range",
			yaml: fleet + "  placement:\n    clusterAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - {weight: 101, preference: {}}\n",
			want: "weight",
		},
		{
			name: "field selector on an unknown field",
			yaml: fleet + "  placement:\n    clusterAffinity:\n      fieldSelector:\n        matchExpressions:\n        - {key: color, operator: In, values: [blue]}\n",
			want: "key must be one of provider, region, zone",
		},
		{
			name: "duplicate member cluster",
			yaml: fleet + "  clusters:\n  - name: a\n  - name: a\n",
			want: "Duplicate value",
		},
		{
			name: "unknown member kind",
			yaml: fleet + "  clusters:\n  - {name: a, kind: Machine}\n",
			want: "Unsupported value",
		},
		{
			name: "kubeconfig with secretRef and name",
			yaml: attached + "  kubeconfig:\n    secretRef: {name: s}\n    name: s\n",
			want: "exactly one of secretRef or name must be set",
		},
		{
			name: "kubeconfig with neither secretRef nor name",
			yaml: attached + "  kubeconfig:\n    key: kubeconfig\n",
			want: "exactly one of secretRef or name must be set",
		},
		{
			name: "kubeconfig key beside secretRef",
			yaml: attached + "  kubeconfig:\n    secretRef: {name: s}\n    key: kubeconfig\n",
			want: "key cannot be used with secretRef",
		},
		{
			name: "missing kubeconfig",
			yaml: attached + "  context: admin\n",
			want: "spec.kubeconfig: Required value",
		},
		{
			name: "unknown sync mode",
			yaml: cluster + "  syncMode: Poll\n",
			want: "Unsupported value",
		},
		{
			name: "too many zones",
			yaml: cluster + "  zones: [" + strings.Repeat("z,", 64) + "z]\n",
			want: "Too many",
		},
	}

	admitters := newAdmitters(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := toUnstructured(t, []byte(tc.yaml))
			_, errs := admitters[obj.GroupVersionKind().GroupKind()].Admit(obj.Object)
			if len(errs) == 0 {
				t.Fatalf("accepted, want an error containing %q", tc.want)
			}
			if got := errs.ToAggregate().Error(); !strings.Contains(got, tc.want) {
				t.Errorf("error %q does not contain %q", got, tc.want)
			}
		})
	}
}
