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
// Package plugins_test table-tests every built-in plugin without an API server.
package plugins_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
	"kurator.dev/kurator/internal/scheduler/plugins/apienablement"
	"kurator.dev/kurator/internal/scheduler/plugins/clusteraffinity"
	"kurator.dev/kurator/internal/scheduler/plugins/clusterlocality"
	"kurator.dev/kurator/internal/scheduler/plugins/spreadconstraint"
	"kurator.dev/kurator/internal/scheduler/plugins/tainttoleration"
)

func info(mutate func(*karmadaclusterv1alpha1.Cluster)) *framework.ClusterInfo {
	c := &karmadaclusterv1alpha1.Cluster{
		ObjectMeta: metav1.ObjectMeta{Name: "c1", Labels: map[string]string{"tier": "gold"}},
		Spec:       karmadaclusterv1alpha1.ClusterSpec{Region: "r1", Provider: "p1", Zones: []string{"z1"}},
		Status: karmadaclusterv1alpha1.ClusterStatus{APIEnablements: []karmadaclusterv1alpha1.APIEnablement{
			{GroupVersion: "apps/v1", Resources: []karmadaclusterv1alpha1.APIResource{{Name: "deployments", Kind: "Deployment"}}},
		}},
	}
	if mutate != nil {
		mutate(c)
	}
	return &framework.ClusterInfo{Cluster: c}
}

func state(p *policyv1alpha1.Placement, gvk schema.GroupVersionKind, previous ...framework.TargetCluster) *framework.CycleState {
	w := &framework.Workload{GVK: gvk, Placement: p, Previous: previous, Replicas: 1}
	if p != nil {
		return framework.NewCycleState(w, p.ClusterAffinity, nil)
	}
	return framework.NewCycleState(w, nil, nil)
}

var deploy = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}

func TestFilters(t *testing.T) {
	noSchedule := func(c *karmadaclusterv1alpha1.Cluster) {
		c.Spec.Taints = []corev1.Taint{{Key: "k", Value: "v", Effect: corev1.TaintEffectNoSchedule}}
	}
	cases := map[string]struct {
		plugin framework.FilterPlugin
		state  *framework.CycleState
		info   *framework.ClusterInfo
		pass   bool
	}{
		"api served":                          {apienablement.Plugin{}, state(nil, deploy), info(nil), true},
		"api not served":                      {apienablement.Plugin{}, state(nil, schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}), info(nil), false},
		"api unknown but scheduled":           {apienablement.Plugin{}, state(nil, schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}, framework.TargetCluster{Name: "c1"}), info(nil), true},
		"no taints":                           {tainttoleration.Plugin{}, state(nil, deploy), info(nil), true},
		"untolerated NoSchedule":              {tainttoleration.Plugin{}, state(nil, deploy), info(noSchedule), false},
		"tolerated by clusterTolerations":     {tainttoleration.Plugin{}, state(&policyv1alpha1.Placement{ClusterTolerations: []corev1.Toleration{{Key: "k", Operator: corev1.TolerationOpEqual, Value: "v"}}}, deploy), info(noSchedule), true},
		"tolerated by seed alias tolerations": {tainttoleration.Plugin{}, state(&policyv1alpha1.Placement{Tolerations: []corev1.Toleration{{Key: "k", Operator: corev1.TolerationOpExists}}}, deploy), info(noSchedule), true},
		"PreferNoSchedule ignored": {tainttoleration.Plugin{}, state(nil, deploy), info(func(c *karmadaclusterv1alpha1.Cluster) {
			c.Spec.Taints = []corev1.Taint{{Key: "k", Effect: corev1.TaintEffectPreferNoSchedule}}
		}), true},
		"taint on a scheduled cluster": {tainttoleration.Plugin{}, state(nil, deploy, framework.TargetCluster{Name: "c1", Replicas: 1}), info(noSchedule), true},
		"affinity matches":             {clusteraffinity.Plugin{}, state(&policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"c1"}}}, deploy), info(nil), true},
		"affinity mismatch":            {clusteraffinity.Plugin{}, state(&policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"c2"}}}, deploy), info(nil), false},
		"spread by region, has one":    {spreadconstraint.Plugin{}, state(&policyv1alpha1.Placement{SpreadConstraints: []policyv1alpha1.SpreadConstraint{{SpreadByField: "region"}}}, deploy), info(nil), true},
		"spread by zone, has none": {spreadconstraint.Plugin{}, state(&policyv1alpha1.Placement{SpreadConstraints: []policyv1alpha1.SpreadConstraint{{SpreadByField: "zone"}}}, deploy),
			info(func(c *karmadaclusterv1alpha1.Cluster) { c.Spec.Zones = nil }), false},
		"spread by provider, has none": {spreadconstraint.Plugin{}, state(&policyv1alpha1.Placement{SpreadConstraints: []policyv1alpha1.SpreadConstraint{{SpreadByField: "provider"}}}, deploy),
			info(func(c *karmadaclusterv1alpha1.Cluster) { c.Spec.Provider = "" }), false},
		"spread by label, has it":   {spreadconstraint.Plugin{}, state(&policyv1alpha1.Placement{SpreadConstraints: []policyv1alpha1.SpreadConstraint{{SpreadByLabel: "tier"}}}, deploy), info(nil), true},
		"spread by label, lacks it": {spreadconstraint.Plugin{}, state(&policyv1alpha1.Placement{SpreadConstraints: []policyv1alpha1.SpreadConstraint{{SpreadByLabel: "rack", MaxGroups: 2}}}, deploy), info(nil), false},
		// A label constraint that neither chooses groups nor bounds skew does
		// nothing, as in Karmada, and rejects no cluster.
		"spread by label without bounds, lacks it": {spreadconstraint.Plugin{}, state(&policyv1alpha1.Placement{SpreadConstraints: []policyv1alpha1.SpreadConstraint{{SpreadByLabel: "rack"}}}, deploy), info(nil), true},
		"spread by label under static weights, lacks it": {spreadconstraint.Plugin{}, state(&policyv1alpha1.Placement{SpreadConstraints: []policyv1alpha1.SpreadConstraint{{SpreadByLabel: "rack", MaxGroups: 2}},
			ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: policyv1alpha1.ReplicaSchedulingTypeDivided}}, deploy), info(nil), true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			st := tc.plugin.Filter(context.Background(), tc.state, tc.info)
			if st.IsSuccess() != tc.pass {
				t.Fatalf("pass = %v, want %v (%s)", st.IsSuccess(), tc.pass, st.Message())
			}
			if !tc.pass && len(st.Reasons) == 0 {
				t.Fatal("a rejection must give a reason")
			}
		})
	}
}

func TestScores(t *testing.T) {
	preferred := &policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{Preferred: []policyv1alpha1.PreferredClusterTerm{
		{Weight: 60, Preference: policyv1alpha1.ClusterSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "tier", Operator: corev1.NodeSelectorOpIn, Values: []string{"gold"}}}}},
		{Weight: 40, Preference: policyv1alpha1.ClusterSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "tier", Operator: corev1.NodeSelectorOpIn, Values: []string{"silver"}}}}},
	}}}
	cases := map[string]struct {
		plugin framework.ScorePlugin
		state  *framework.CycleState
		want   int64
	}{
		"preferred share":          {clusteraffinity.Plugin{}, state(preferred, deploy), 60},
		"no preference":            {clusteraffinity.Plugin{}, state(nil, deploy), 0},
		"locality: already there":  {clusterlocality.Plugin{}, state(nil, deploy, framework.TargetCluster{Name: "c1", Replicas: 2}), framework.MaxScore},
		"locality: elsewhere":      {clusterlocality.Plugin{}, state(nil, deploy, framework.TargetCluster{Name: "c2", Replicas: 2}), 0},
		"locality: first decision": {clusterlocality.Plugin{}, state(nil, deploy), 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, st := tc.plugin.Score(context.Background(), tc.state, info(nil))
			if !st.IsSuccess() || got != tc.want {
				t.Fatalf("got %d (%s), want %d", got, st.Message(), tc.want)
			}
		})
	}
}
