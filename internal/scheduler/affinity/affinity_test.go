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
package affinity

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

func cluster(name string, zones ...string) *karmadaclusterv1alpha1.Cluster {
	return &karmadaclusterv1alpha1.Cluster{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"env": "prod", "tier": "gold"}},
		Spec:       karmadaclusterv1alpha1.ClusterSpec{Provider: "aws", Region: "eu-central", Zones: zones},
	}
}

func field(key string, op corev1.NodeSelectorOperator, values ...string) *policyv1alpha1.FieldSelector {
	return &policyv1alpha1.FieldSelector{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: key, Operator: op, Values: values}}}
}

func TestMatches(t *testing.T) {
	c := cluster("fra", "eu-central-1a", "eu-central-1b")
	cases := map[string]struct {
		a    *policyv1alpha1.ClusterAffinity
		c    *karmadaclusterv1alpha1.Cluster
		want bool
	}{
		"nil matches all":              {nil, c, true},
		"empty matches all":            {&policyv1alpha1.ClusterAffinity{}, c, true},
		"name listed":                  {&policyv1alpha1.ClusterAffinity{ClusterNames: []string{"x", "fra"}}, c, true},
		"name not listed":              {&policyv1alpha1.ClusterAffinity{ClusterNames: []string{"x"}}, c, false},
		"exclude wins over name":       {&policyv1alpha1.ClusterAffinity{ClusterNames: []string{"fra"}, ExcludeClusters: []string{"fra"}}, c, false},
		"label selector":               {&policyv1alpha1.ClusterAffinity{LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "prod"}}}, c, true},
		"label selector mismatch":      {&policyv1alpha1.ClusterAffinity{LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "dev"}}}, c, false},
		"parts are ANDed":              {&policyv1alpha1.ClusterAffinity{ClusterNames: []string{"fra"}, LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "dev"}}}, c, false},
		"provider In":                  {&policyv1alpha1.ClusterAffinity{FieldSelector: field("provider", corev1.NodeSelectorOpIn, "aws", "gcp")}, c, true},
		"region NotIn":                 {&policyv1alpha1.ClusterAffinity{FieldSelector: field("region", corev1.NodeSelectorOpNotIn, "eu-central")}, c, false},
		"zone In: any overlap":         {&policyv1alpha1.ClusterAffinity{FieldSelector: field("zone", corev1.NodeSelectorOpIn, "eu-central-1b")}, c, true},
		"zone In: no zones never":      {&policyv1alpha1.ClusterAffinity{FieldSelector: field("zone", corev1.NodeSelectorOpIn, "eu-central-1b")}, cluster("nz"), false},
		"zone NotIn: none listed":      {&policyv1alpha1.ClusterAffinity{FieldSelector: field("zone", corev1.NodeSelectorOpNotIn, "eu-central-1c")}, c, true},
		"zone NotIn: one listed fails": {&policyv1alpha1.ClusterAffinity{FieldSelector: field("zone", corev1.NodeSelectorOpNotIn, "eu-central-1a")}, c, false},
		"unknown field key never":      {&policyv1alpha1.ClusterAffinity{FieldSelector: field("color", corev1.NodeSelectorOpIn, "red")}, c, false},
		"bad label selector never":     {&policyv1alpha1.ClusterAffinity{LabelSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "env", Operator: "Bogus"}}}}, c, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Matches(tc.a, tc.c); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPreferredScore(t *testing.T) {
	c := cluster("fra")
	term := func(w int32, exprs []corev1.NodeSelectorRequirement, fields []corev1.NodeSelectorRequirement) policyv1alpha1.PreferredClusterTerm {
		return policyv1alpha1.PreferredClusterTerm{Weight: w, Preference: policyv1alpha1.ClusterSelectorTerm{MatchExpressions: exprs, MatchFields: fields}}
	}
	terms := []policyv1alpha1.PreferredClusterTerm{
		term(60, []corev1.NodeSelectorRequirement{{Key: "env", Operator: corev1.NodeSelectorOpIn, Values: []string{"prod"}}}, nil),
		term(30, nil, []corev1.NodeSelectorRequirement{{Key: "region", Operator: corev1.NodeSelectorOpIn, Values: []string{"eu-central"}}}),
		term(10, []corev1.NodeSelectorRequirement{{Key: "tier", Operator: corev1.NodeSelectorOpIn, Values: []string{"silver"}}}, nil),
		term(5, nil, nil), // an empty term matches nothing
	}
	if got := PreferredScore(terms, c); got != 90 {
		t.Fatalf("got %d, want 90", got)
	}
}
