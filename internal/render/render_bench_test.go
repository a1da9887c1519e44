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
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/overrides"
)

// fiveRules are the policies of BenchmarkRenderDeploymentFiveRules: a
// ClusterOverridePolicy with two rules (labels, annotations) and an
// OverridePolicy with three (image, command, plaintext), all matching
// cluster-hangzhou by name, label or region.
func fiveRules() []overrides.Policy {
	hz := &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"cluster-hangzhou"}}
	asia := &policyv1alpha1.ClusterAffinity{LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"region": "asia-east"}}}
	cop := &policyv1alpha1.OverrideSpec{
		ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment"}},
		OverrideRules: []policyv1alpha1.RuleWithCluster{
			{TargetCluster: asia, Overriders: policyv1alpha1.Overriders{LabelsOverrider: []policyv1alpha1.LabelAnnotationOverrider{
				{Operator: policyv1alpha1.OverriderOpAdd, Value: map[string]string{"region": "asia-east", "tier": "edge"}}}}},
			{Overriders: policyv1alpha1.Overriders{AnnotationsOverrider: []policyv1alpha1.LabelAnnotationOverrider{
				{Operator: policyv1alpha1.OverriderOpAdd, Value: map[string]string{"owner": "platform"}}}}},
		},
	}
	op := &policyv1alpha1.OverrideSpec{
		ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}},
		OverrideRules: []policyv1alpha1.RuleWithCluster{
			{TargetCluster: hz, Overriders: policyv1alpha1.Overriders{ImageOverrider: []policyv1alpha1.ImageOverrider{
				{Component: policyv1alpha1.ImageComponentRegistry, Operator: policyv1alpha1.OverriderOpReplace, Value: "registry.cn-hangzhou.aliyuncs.com/company"}}}},
			{TargetCluster: hz, Overriders: policyv1alpha1.Overriders{CommandOverrider: []policyv1alpha1.CommandArgsOverrider{
				{ContainerName: "app", Operator: policyv1alpha1.OverriderOpAdd, Value: []string{"--region=asia-east"}}}}},
			{TargetCluster: &policyv1alpha1.ClusterAffinity{FieldSelector: &policyv1alpha1.FieldSelector{MatchExpressions: []corev1.NodeSelectorRequirement{
				{Key: "region", Operator: corev1.NodeSelectorOpIn, Values: []string{"asia-east"}}}}}, Overriders: policyv1alpha1.Overriders{
				Plaintext: []policyv1alpha1.PlaintextOverrider{{Path: "/spec/minReadySeconds", Operator: policyv1alpha1.OverriderOpAdd, Value: jsonValue("5")}}}},
		},
	}
	return []overrides.Policy{{Name: "global-defaults", Spec: cop}, {Name: "web-overrides", Namespace: "default", Spec: op}}
}

// BenchmarkRenderDeploymentFiveRules renders a Deployment for one cluster
// of a divided binding through five override rules of two policies.
func BenchmarkRenderDeploymentFiveRules(b *testing.B) {
	tpl := obj(b, controlPlaneDeployment)
	tpl.SetName("web")
	binding := divided(10, workv1alpha2.TargetCluster{Name: "cluster-hangzhou", Replicas: 6}, workv1alpha2.TargetCluster{Name: "cluster-shanghai", Replicas: 4})
	target := binding.Spec.Clusters[0]
	cluster := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "cluster-hangzhou", Labels: map[string]string{"region": "asia-east"}},
		Spec: karmadaclusterv1alpha1.ClusterSpec{Region: "asia-east"}}
	policies := fiveRules()
	if _, applied, err := Manifest(tpl, binding, target, cluster, policies); err != nil || len(applied) != 5 {
		b.Fatalf("applied %v, err %v: want all five rules", applied, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Manifest(tpl, binding, target, cluster, policies); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "manifests/s")
}
