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
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// TestInvalidOverridePoliciesAreRejected checks the OpenAPI and CEL rules
// of the overriders of OverridePolicy and ClusterOverridePolicy.
func TestInvalidOverridePoliciesAreRejected(t *testing.T) {
	const op = `
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: o, namespace: ns}
spec:
  overrideRules:
  - overriders:
`
	const cop = `
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterOverridePolicy
metadata: {name: o}
spec:
`
	cases := []rejection{
		{
			name: "imageOverrider with an unknown component",
			yaml: op + "      imageOverrider: [{component: Digest, operator: replace, value: sha256}]\n",
			want: []string{"spec.overrideRules[0].overriders.imageOverrider[0].component", "Unsupported value"},
		},
		{
			name: "imageOverrider replace without value",
			yaml: op + "      imageOverrider: [{component: Tag, operator: replace}]\n",
			want: []string{"spec.overrideRules[0].overriders.imageOverrider[0]", "imageOverrider: value is required when operator is add or replace"},
		},
		{
			name: "imageOverrider add with an empty value",
			yaml: cop + "  overriders:\n    imageOverrider: [{component: Registry, operator: add, value: ''}]\n",
			want: []string{"spec.overriders.imageOverrider[0]", "imageOverrider: value is required when operator is add or replace"},
		},
		{
			name: "commandOverrider replace",
			yaml: op + "      commandOverrider: [{containerName: c, operator: replace, value: [a]}]\n",
			want: []string{"spec.overrideRules[0].overriders.commandOverrider[0].operator", "Unsupported value"},
		},
		{
			name: "labelsOverrider with an unknown operator",
			yaml: op + "      labelsOverrider: [{operator: merge, value: {a: b}}]\n",
			want: []string{"spec.overrideRules[0].overriders.labelsOverrider[0].operator", "Unsupported value"},
		},
		{
			name: "plaintext without path",
			yaml: op + "      plaintext: [{operator: remove}]\n",
			want: []string{"spec.overrideRules[0].overriders.plaintext[0].path", "Required value"},
		},
		{
			name: "fieldOverrider with json and yaml",
			yaml: op + "      fieldOverrider:\n      - fieldPath: /data/a\n        json: [{subPath: /x, operator: remove}]\n        yaml: [{subPath: /x, operator: remove}]\n",
			want: []string{"spec.overrideRules[0].overriders.fieldOverrider[0]", "fieldOverrider: exactly one of json or yaml must be set"},
		},
		{
			name: "fieldOverrider with neither json nor yaml",
			yaml: cop + "  overrideRules:\n  - overriders:\n      fieldOverrider: [{fieldPath: /data/a, json: []}]\n",
			want: []string{"spec.overrideRules[0].overriders.fieldOverrider[0]", "fieldOverrider: exactly one of json or yaml must be set"},
		},
		{
			name: "override rule without overriders",
			yaml: cop + "  overrideRules: [{targetCluster: {clusterNames: [a]}}]\n",
			want: []string{"spec.overrideRules[0].overriders", "Required value"},
		},
	}
	expectRejected(t, cases)
}

// TestPlaintextValueIsNotCheckedBySchema documents a limit of CRD
// validation: value may be any JSON, so it has no schema type, and CEL
// rules cannot see it. An add without value is therefore admitted, and
// policyv1alpha1.ValidateOverrideValues reports it instead.
func TestPlaintextValueIsNotCheckedBySchema(t *testing.T) {
	const doc = `
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: o, namespace: ns}
spec:
  overrideRules:
  - overriders:
      plaintext: [{path: /spec/replicas, operator: add}]
`
	obj := toUnstructured(t, []byte(doc))
	if _, errs := newAdmitters(t)[policyv1alpha1.Kind("OverridePolicy")].Admit(obj.Object); len(errs) > 0 {
		t.Fatalf("rejected by the schema; if a rule now covers value, drop this test and list the case in TestInvalidOverridePoliciesAreRejected:\n%v", errs.ToAggregate())
	}
	var policy policyv1alpha1.OverridePolicy
	if err := yaml.UnmarshalStrict([]byte(doc), &policy); err != nil {
		t.Fatal(err)
	}
	errs := policyv1alpha1.ValidateOverrideValues(&policy.Spec, field.NewPath("spec"))
	if got, want := errs.ToAggregate().Error(), "spec.overrideRules[0].overriders.plaintext[0].value: Required value: value is required when operator is add"; got != want {
		t.Errorf("ValidateOverrideValues: %q, want %q", got, want)
	}
}
