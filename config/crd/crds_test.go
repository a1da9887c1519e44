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
	"context"
	"slices"
	"testing"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	crdvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestCRDs checks that every expected CRD is embedded with the intended
// names, scope, version, subresources and printer columns.
func TestCRDs(t *testing.T) {
	type want struct {
		group, version, kind, plural string
		scope                        apiextensionsv1.ResourceScope
		shortNames                   []string
		columns                      []string // printer columns that must exist
		status                       bool     // whether there is a status subresource
	}
	const (
		ns      = apiextensionsv1.NamespaceScoped
		cluster = apiextensionsv1.ClusterScoped
	)
	policyColumns := []string{"Priority", "Ready", "Age"}
	bindingColumns := []string{"Scheduled", "FullyApplied", "Age"}
	wants := []want{
		{"fleet.kurator.dev", "v1alpha1", "Fleet", "fleets", ns, []string{"fl"}, []string{"Ready", "Age"}, true},
		{"cluster.kurator.dev", "v1alpha1", "AttachedCluster", "attachedclusters", ns, []string{"ac"}, []string{"Ready", "Age"}, true},
		{"cluster.karmada.io", "v1alpha1", "Cluster", "clusters", cluster, nil, []string{"Ready", "Age"}, true},
		{"policy.karmada.io", "v1alpha1", "PropagationPolicy", "propagationpolicies", ns, []string{"pp"}, policyColumns, true},
		{"policy.karmada.io", "v1alpha1", "ClusterPropagationPolicy", "clusterpropagationpolicies", cluster, []string{"cpp"}, policyColumns, true},
		{"policy.karmada.io", "v1alpha1", "OverridePolicy", "overridepolicies", ns, []string{"op"}, []string{"Age"}, false},
		{"policy.karmada.io", "v1alpha1", "ClusterOverridePolicy", "clusteroverridepolicies", cluster, []string{"cop"}, []string{"Age"}, false},
		{"work.karmada.io", "v1alpha2", "ResourceBinding", "resourcebindings", ns, []string{"rb"}, bindingColumns, true},
		{"work.karmada.io", "v1alpha2", "ClusterResourceBinding", "clusterresourcebindings", cluster, []string{"crb"}, bindingColumns, true},
		{"work.karmada.io", "v1alpha1", "Work", "works", ns, nil, []string{"Applied", "Age"}, true},
		{"networking.kurator.dev", "v1alpha1", "TrafficPolicy", "trafficpolicies", ns, []string{"tp"}, []string{"Host", "Ready", "Metrics", "Changed", "Age"}, true},
		{"rollout.kurator.dev", "v1alpha1", "StagedUpdateStrategy", "stagedupdatestrategies", ns, []string{"sus"}, []string{"Age"}, false},
		{"rollout.kurator.dev", "v1alpha1", "StagedUpdateRun", "stagedupdateruns", ns, []string{"sur"}, []string{"Binding", "Strategy", "Phase", "Age"}, true},
		{"rollout.kurator.dev", "v1alpha1", "ApprovalRequest", "approvalrequests", ns, []string{"areq"}, []string{"Run", "Stage", "Reason", "Approved", "Age"}, true},
		{"argoproj.io", "v1alpha1", "AnalysisTemplate", "analysistemplates", ns, []string{"at"}, []string{"Age"}, false},
		{"argoproj.io", "v1alpha1", "ClusterAnalysisTemplate", "clusteranalysistemplates", cluster, []string{"cat"}, []string{"Age"}, false},
		{"autoscaling.karmada.io", "v1alpha1", "FederatedHPA", "federatedhpas", ns, []string{"fhpa"}, []string{"Reference-Kind", "Reference-Name", "MinPods", "MaxPods", "Replicas", "Age"}, true},
		{"autoscaling.karmada.io", "v1alpha1", "CronFederatedHPA", "cronfederatedhpas", ns, []string{"cronfhpa"}, []string{"Reference-Kind", "Reference-Name", "Age"}, true},
		{"config.karmada.io", "v1alpha1", "ResourceInterpreterCustomization", "resourceinterpretercustomizations", cluster, []string{"ric"}, []string{"Target-API-Version", "Target-Kind", "Ready", "Age"}, true},
		{"scheduling.kurator.dev", "v1alpha1", "IntelligentScheduler", "intelligentschedulers", cluster, []string{"isched"}, []string{"Objectives", "Budget", "Spend/day", "Workloads", "Over-Budget", "Age"}, true},
		{"karmada.io", "v1alpha1", "KarmadaConfig", "karmadaconfigs", cluster, []string{"kc"}, []string{"Parallelism", "PercentOfNodesToScore", "Applied", "Age"}, true},
	}

	crds := loadCRDs(t)
	if len(crds) != len(wants) {
		t.Errorf("got %d CRDs, want %d", len(crds), len(wants))
	}
	for _, w := range wants {
		c, ok := crds[schema.GroupKind{Group: w.group, Kind: w.kind}]
		if !ok {
			t.Errorf("no CRD for %s.%s", w.kind, w.group)
			continue
		}
		if got, want := c.Name, w.plural+"."+w.group; got != want {
			t.Errorf("%s: name = %q, want %q", w.kind, got, want)
		}
		if c.Spec.Scope != w.scope {
			t.Errorf("%s: scope = %q, want %q", w.kind, c.Spec.Scope, w.scope)
		}
		if !slices.Equal(c.Spec.Names.ShortNames, w.shortNames) {
			t.Errorf("%s: shortNames = %v, want %v", w.kind, c.Spec.Names.ShortNames, w.shortNames)
		}
		if !slices.Contains(c.Spec.Names.Categories, "kurator") {
			t.Errorf("%s: categories %v lack kurator", w.kind, c.Spec.Names.Categories)
		}
		if len(c.Spec.Versions) != 1 {
			t.Fatalf("%s: got %d versions, want 1", w.kind, len(c.Spec.Versions))
		}
		v := c.Spec.Versions[0]
		if v.Name != w.version || !v.Served || !v.Storage {
			t.Errorf("%s: version %q served=%v storage=%v, want %s served and stored", w.kind, v.Name, v.Served, v.Storage, w.version)
		}
		if hasStatus := v.Subresources != nil && v.Subresources.Status != nil; hasStatus != w.status {
			t.Errorf("%s: status subresource = %v, want %v", w.kind, hasStatus, w.status)
		}
		var columns []string
		for _, col := range v.AdditionalPrinterColumns {
			columns = append(columns, col.Name)
		}
		for _, name := range w.columns {
			if !slices.Contains(columns, name) {
				t.Errorf("%s: printer columns %v lack %s", w.kind, columns, name)
			}
		}
		if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil || v.Schema.OpenAPIV3Schema.Description == "" {
			t.Errorf("%s: schema has no description", w.kind)
		}
	}
}

// TestCRDsPassAPIServerValidation runs the API server's own CRD validation:
// structural schema, list-map keys, defaults, and compilation and cost
// estimation of every CEL rule.
func TestCRDsPassAPIServerValidation(t *testing.T) {
	for _, c := range loadCRDs(t) {
		t.Run(c.Name, func(t *testing.T) { expectValidCRD(t, c) })
	}
}

// expectValidCRD runs the API server's validation of a CRD on create.
func expectValidCRD(t *testing.T, c *apiextensionsv1.CustomResourceDefinition) {
	t.Helper()
	v1 := c.DeepCopy()
	apiextensionsv1.SetObjectDefaults_CustomResourceDefinition(v1)
	internal := &apiextensions.CustomResourceDefinition{}
	if err := apiextensionsv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(v1, internal, nil); err != nil {
		t.Fatal(err)
	}
	for _, v := range internal.Spec.Versions {
		if v.Storage {
			internal.Status.StoredVersions = []string{v.Name}
		}
	}
	if errs := crdvalidation.ValidateCustomResourceDefinition(context.Background(), internal); len(errs) > 0 {
		t.Fatalf("CRD rejected:\n%v", errs.ToAggregate())
	}
}

// TestEveryFieldIsDocumented checks that every property of every schema has
// a description, so that kubectl explain has something to say.
func TestEveryFieldIsDocumented(t *testing.T) {
	for _, c := range loadCRDs(t) {
		for _, v := range c.Spec.Versions {
			var walk func(path string, s *apiextensionsv1.JSONSchemaProps)
			walk = func(path string, s *apiextensionsv1.JSONSchemaProps) {
				for name, prop := range s.Properties {
					p := path + "." + name
					if prop.Description == "" && p != ".apiVersion" && p != ".kind" && p != ".metadata" { // controller-gen leaves the standard fields bare
						t.Errorf("%s %s: %s has no description", c.Name, v.Name, p)
					}
					walk(p, &prop)
				}
				if s.Items != nil && s.Items.Schema != nil {
					walk(path+"[]", s.Items.Schema)
				}
				if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
					walk(path+"{}", s.AdditionalProperties.Schema)
				}
			}
			walk("", v.Schema.OpenAPIV3Schema)
		}
	}
}
