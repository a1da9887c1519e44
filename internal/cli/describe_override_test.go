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
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/overrideusage"
)

func seed03Policy(t *testing.T) *policyv1alpha1.OverridePolicy {
	t.Helper()
	data, err := os.ReadFile("../../examples/seed/03-cross-cloud-override.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := &policyv1alpha1.OverridePolicy{}
	if err := yaml.UnmarshalStrict(data, p); err != nil {
		t.Fatal(err)
	}
	p.Namespace, p.UID = "default", "op-uid"
	return p
}

func TestDescribeOverridePolicy(t *testing.T) {
	op := seed03Policy(t)
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	u := &overrideusage.Usage{
		Applied: []overrideusage.Applied{
			{Template: "Deployment default/global-app", Cluster: "cluster-frankfurt", Rules: []int{1}},
			{Template: "Deployment default/global-app", Cluster: "cluster-hangzhou", Rules: []int{0}},
		},
		Failures: []overrideusage.Failure{{Binding: "default/web-deployment", Cluster: "cluster-tokyo", Message: "policy default/cross-cloud-config: overrideRules[0]: imageOverrider[0]: container 0: bad"}},
		Events: []eventsv1.Event{{EventTime: metav1.NewMicroTime(now.Add(-time.Minute)), Type: "Warning", Reason: "OverrideFailed",
			ReportingController: "kurator-binding", Note: "cluster-tokyo: policy default/cross-cloud-config: overrideRules[0]: imageOverrider[0]: container 0: bad"}},
	}
	var out bytes.Buffer
	describeOverridePolicy(&out, "OverridePolicy", op.Namespace, op.Name, &op.Spec, u, now)
	want := `Name:         cross-cloud-config
Namespace:    default
Kind:         OverridePolicy
Selectors:
  apps/v1 Deployment name=global-app
Rules:
  [0] clusters: cluster-hangzhou
      image: replace Registry registry.cn-hangzhou.aliyuncs.com/company
      command: add --region=asia-east (container app)
  [1] clusters: cluster-frankfurt
      image: replace Registry registry.eu-central.example.com/company
      command: add --region=eu-central --compliance=gdpr (container app)
Applied to:
  TEMPLATE                       CLUSTER            RULES
  Deployment default/global-app  cluster-frankfurt  1
  Deployment default/global-app  cluster-hangzhou   0
Failed (Rendered=False):
  BINDING                 CLUSTER        ERROR
  default/web-deployment  cluster-tokyo  policy default/cross-cloud-config: overrideRules[0]: imageOverrider[0]: container 0: bad
Events:
  TYPE     REASON          AGE  FROM             MESSAGE
  Warning  OverrideFailed  60s  kurator-binding  cluster-tokyo: policy default/cross-cloud-config: overrideRules[0]: imageOverrider[0]: container 0: bad
`
	if d := cmp.Diff(want, out.String()); d != "" {
		t.Fatalf("describe (-want +got):\n%s", d)
	}

	// A ClusterOverridePolicy in the deprecated form, used nowhere.
	out.Reset()
	spec := &policyv1alpha1.OverrideSpec{
		TargetCluster: &policyv1alpha1.ClusterAffinity{ExcludeClusters: []string{"cluster-frankfurt"}},
		Overriders: policyv1alpha1.Overriders{AnnotationsOverrider: []policyv1alpha1.LabelAnnotationOverrider{
			{Operator: policyv1alpha1.OverriderOpRemove, Value: map[string]string{"b": "", "a": ""}}}},
	}
	describeOverridePolicy(&out, "ClusterOverridePolicy", "", "strip", spec, &overrideusage.Usage{}, now)
	want = `Name:         strip
Kind:         ClusterOverridePolicy
Selectors:    <none: every resource>
Rules:
  [-1] clusters: except cluster-frankfurt
      annotations: remove a, b
Applied to:   <none>
Failed:       <none>
Events:       <none>
`
	if d := cmp.Diff(want, out.String()); d != "" {
		t.Fatalf("describe (-want +got):\n%s", d)
	}
}

func TestOverrideSummaries(t *testing.T) {
	value := func(s string) *apiextensionsv1.JSON { return &apiextensionsv1.JSON{Raw: []byte(s)} }
	o := &policyv1alpha1.Overriders{
		ImageOverrider: []policyv1alpha1.ImageOverrider{
			{Component: policyv1alpha1.ImageComponentTag, Operator: policyv1alpha1.OverriderOpRemove},
			{Component: policyv1alpha1.ImageComponentRepository, Operator: policyv1alpha1.OverriderOpReplace, Value: "lib/x",
				Predicate: &policyv1alpha1.ImagePredicate{Path: "/spec/template/spec/initContainers/0/image"}},
		},
		ArgsOverrider: []policyv1alpha1.CommandArgsOverrider{{ContainerName: "c", Operator: policyv1alpha1.OverriderOpRemove, Value: []string{"-v"}}},
		LabelsOverrider: []policyv1alpha1.LabelAnnotationOverrider{
			{Operator: policyv1alpha1.OverriderOpAdd, Value: map[string]string{"z": "1", "a": "2"}}},
		FieldOverrider: []policyv1alpha1.FieldOverrider{
			{FieldPath: "/data/config.yaml", YAML: []policyv1alpha1.YAMLPatchOperation{{SubPath: "/log/level", Operator: policyv1alpha1.OverriderOpReplace, Value: value(`"debug"`)}}},
			{FieldPath: "/data/config.json", JSON: []policyv1alpha1.JSONPatchOperation{{SubPath: "/list/0", Operator: policyv1alpha1.OverriderOpRemove}}},
		},
		Plaintext: []policyv1alpha1.PlaintextOverrider{
			{Path: "/spec/replicas", Operator: policyv1alpha1.OverriderOpReplace, Value: value("3")},
			{Path: "/metadata/annotations/long", Operator: policyv1alpha1.OverriderOpAdd, Value: value(`"` + strings.Repeat("x", 80) + `"`)},
		},
	}
	want := []string{
		"image: remove Tag",
		"image: replace Repository lib/x at /spec/template/spec/initContainers/0/image",
		"args: remove -v (container c)",
		"labels: add a=2, z=1",
		`field: /data/config.yaml (yaml) replace /log/level = "debug"`,
		"field: /data/config.json (json) remove /list/0",
		"plaintext: replace /spec/replicas = 3",
		`plaintext: add /metadata/annotations/long = "` + strings.Repeat("x", 56) + "...",
	}
	if d := cmp.Diff(want, overriderLines(o)); d != "" {
		t.Errorf("overriders (-want +got):\n%s", d)
	}
	targets := map[string]*policyv1alpha1.ClusterAffinity{
		"all": nil,
		"a, b; labels region=asia-east; fields region in (asia-east,eu), provider notin (aws); except c": {
			ClusterNames:  []string{"a", "b"},
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"region": "asia-east"}},
			FieldSelector: &policyv1alpha1.FieldSelector{MatchExpressions: []corev1.NodeSelectorRequirement{
				{Key: "region", Operator: corev1.NodeSelectorOpIn, Values: []string{"asia-east", "eu"}},
				{Key: "provider", Operator: corev1.NodeSelectorOpNotIn, Values: []string{"aws"}}}},
			ExcludeClusters: []string{"c"},
		},
	}
	for want, a := range targets {
		if got := targetString(a); got != want {
			t.Errorf("targetString = %q, want %q", got, want)
		}
	}
	if got := selectorString(policyv1alpha1.ResourceSelector{APIVersion: "v1", Kind: "ConfigMap", Namespace: "prod",
		LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}}}); got != "v1 ConfigMap namespace=prod labels=app=x" {
		t.Errorf("selectorString = %q", got)
	}
}

func TestDescribeOverridePolicyUsage(t *testing.T) {
	for _, args := range [][]string{{"describe", "op"}, {"describe", "cop", "a", "b"}, {"describe", "clusteroverridepolicy"}} {
		if code, out := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2:\n%s", args, code, out)
		}
	}
}
