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

package render

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/overrides"
)

// Tests of the overrides applied after the division, and of their record
// on the manifest. The templates and helpers are in render_test.go.

func jsonValue(s string) *apiextensionsv1.JSON { return &apiextensionsv1.JSON{Raw: []byte(s)} }

func TestOverridesRunAfterTheDivision(t *testing.T) {
	hz, sh := workv1alpha2.TargetCluster{Name: "hz", Replicas: 6}, workv1alpha2.TargetCluster{Name: "sh", Replicas: 4}
	policies := []overrides.Policy{{Name: "pin", Namespace: "default", Spec: &policyv1alpha1.OverrideSpec{
		OverrideRules: []policyv1alpha1.RuleWithCluster{
			{TargetCluster: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"sh"}}, Overriders: policyv1alpha1.Overriders{
				LabelsOverrider: []policyv1alpha1.LabelAnnotationOverrider{{Operator: policyv1alpha1.OverriderOpAdd, Value: map[string]string{"x": "y"}}},
			}},
			{TargetCluster: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"hz"}}, Overriders: policyv1alpha1.Overriders{
				Plaintext: []policyv1alpha1.PlaintextOverrider{{Path: "/spec/replicas", Operator: policyv1alpha1.OverriderOpReplace, Value: jsonValue("3")}},
			}},
		},
	}}}
	cases := map[string]struct {
		target      workv1alpha2.TargetCluster
		replicas    int64
		applied     []overrides.Applied
		annotation  string
		annotations bool
	}{
		"plaintext replace wins over the share": {hz, 3, []overrides.Applied{{Policy: "pin", Namespace: "default", Rule: 1}}, `[{"policy":"default/pin","rules":[1]}]`, true},
		"another rule keeps the share":          {sh, 4, []overrides.Applied{{Policy: "pin", Namespace: "default", Rule: 0}}, `[{"policy":"default/pin","rules":[0]}]`, true},
		"no rule for the cluster":               {workv1alpha2.TargetCluster{Name: "fra", Replicas: 2}, 2, nil, "", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, applied, err := manifest(t, obj(t, controlPlaneDeployment), divided(10, hz, sh), tc.target, nil, policies)
			if err != nil {
				t.Fatal(err)
			}
			if got, _, _ := unstructured.NestedInt64(m.Object, "spec", "replicas"); got != tc.replicas {
				t.Fatalf("replicas %d, want %d", got, tc.replicas)
			}
			if d := cmp.Diff(tc.applied, applied); d != "" {
				t.Fatalf("applied (-want +got):\n%s", d)
			}
			got, found := m.GetAnnotations()[AppliedOverridesAnnotation]
			if found != tc.annotations || got != tc.annotation {
				t.Fatalf("annotation %q (present %t), want %q (present %t)", got, found, tc.annotation, tc.annotations)
			}
		})
	}
}

func TestAppliedAnnotationRoundTrip(t *testing.T) {
	cases := map[string]struct {
		applied []overrides.Applied
		want    []AppliedPolicy
		encoded string
	}{
		"none": {nil, nil, "null"},
		"one rule of a namespaced policy": {
			[]overrides.Applied{{Policy: "p", Namespace: "ns", Rule: 0}},
			[]AppliedPolicy{{Policy: "ns/p", Rules: []int{0}}}, `[{"policy":"ns/p","rules":[0]}]`,
		},
		"cluster policy first, rules of one policy grouped, deprecated rule": {
			[]overrides.Applied{{Policy: "global", Rule: overrides.DeprecatedRule}, {Policy: "p", Namespace: "ns", Rule: 0}, {Policy: "p", Namespace: "ns", Rule: 2}},
			[]AppliedPolicy{{Policy: "global", Rules: []int{-1}}, {Policy: "ns/p", Rules: []int{0, 2}}},
			`[{"policy":"global","rules":[-1]},{"policy":"ns/p","rules":[0,2]}]`,
		},
		"same name in a cluster policy and a namespaced one stays apart": {
			[]overrides.Applied{{Policy: "p", Rule: 1}, {Policy: "p", Namespace: "ns", Rule: 1}},
			[]AppliedPolicy{{Policy: "p", Rules: []int{1}}, {Policy: "ns/p", Rules: []int{1}}},
			`[{"policy":"p","rules":[1]},{"policy":"ns/p","rules":[1]}]`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			enc := EncodeApplied(tc.applied)
			if enc != tc.encoded {
				t.Fatalf("encoded %s, want %s", enc, tc.encoded)
			}
			got, err := DecodeApplied(enc)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("decoded (-want +got):\n%s", d)
			}
		})
	}
	for _, bad := range []string{"", "{", `{"policy":"p"}`, `[{"policy":"p","rules":"0"}]`} {
		if _, err := DecodeApplied(bad); err == nil || !strings.Contains(err.Error(), AppliedOverridesAnnotation) {
			t.Errorf("DecodeApplied(%q) = %v, want an error naming the annotation", bad, err)
		}
	}
}

func TestManifestWithoutTheCluster(t *testing.T) {
	byName := &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"hz"}}
	byLabel := &policyv1alpha1.ClusterAffinity{LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"region": "asia-east"}}}
	policy := func(target *policyv1alpha1.ClusterAffinity) []overrides.Policy {
		return []overrides.Policy{{Name: "global", Spec: &policyv1alpha1.OverrideSpec{OverrideRules: []policyv1alpha1.RuleWithCluster{{
			TargetCluster: target,
			Overriders: policyv1alpha1.Overriders{AnnotationsOverrider: []policyv1alpha1.LabelAnnotationOverrider{
				{Operator: policyv1alpha1.OverriderOpAdd, Value: map[string]string{"touched": "yes"}}}},
		}}}}}
	}
	hz := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "hz", Labels: map[string]string{"region": "asia-east"}}}
	target := workv1alpha2.TargetCluster{Name: "hz", Replicas: 10}
	cases := map[string]struct {
		cluster  *karmadaclusterv1alpha1.Cluster
		affinity *policyv1alpha1.ClusterAffinity
		touched  bool
	}{
		"nil cluster matched by the target's name":       {nil, byName, true},
		"nil cluster has no labels to match":             {nil, byLabel, false},
		"known cluster matched by its labels":            {hz, byLabel, true},
		"nil target cluster of a rule matches every one": {nil, nil, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, _, err := manifest(t, obj(t, controlPlaneDeployment), duplicated(10, target), target, tc.cluster, policy(tc.affinity))
			if err != nil {
				t.Fatal(err)
			}
			if got := m.GetAnnotations()["touched"] == "yes"; got != tc.touched {
				t.Fatalf("override applied: %t, want %t", got, tc.touched)
			}
			if _, recorded := m.GetAnnotations()[AppliedOverridesAnnotation]; recorded != tc.touched {
				t.Fatalf("applied annotation present: %t, want %t", recorded, tc.touched)
			}
		})
	}
}

func TestManifestErrorsReturnNoObject(t *testing.T) {
	target := workv1alpha2.TargetCluster{Name: "hz", Replicas: 6}
	failing := []overrides.Policy{{Name: "broken", Namespace: "default", Spec: &policyv1alpha1.OverrideSpec{OverrideRules: []policyv1alpha1.RuleWithCluster{{
		Overriders: policyv1alpha1.Overriders{Plaintext: []policyv1alpha1.PlaintextOverrider{
			{Path: "/spec/nothing/here", Operator: policyv1alpha1.OverriderOpReplace, Value: jsonValue("1")}}},
	}}}}}
	cases := map[string]struct {
		tpl      string
		policies []overrides.Policy
		want     string
	}{
		"failing override":      {controlPlaneDeployment, failing, "policy default/broken: overrideRules[0]: plaintext[0]"},
		"spec is not an object": {"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec: oops\n", nil, "spec"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, applied, err := manifest(t, obj(t, tc.tpl), divided(10, target), target, nil, tc.policies)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want one containing %q", err, tc.want)
			}
			if m != nil || applied != nil {
				t.Fatalf("got object %v and applied %v with the error", m, applied)
			}
		})
	}
}
