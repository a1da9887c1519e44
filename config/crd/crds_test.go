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
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	crdvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/config/crd"
)

const (
	examplesDir = "../../examples"
	seedDir     = examplesDir + "/seed"
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
		t.Run(c.Name, func(t *testing.T) {
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
		})
	}
}

// TestExamplesAreAdmitted admits every example (the seed and our own
// additions under examples/) whose kind has a CRD here, and our own examples
// in testdata: nothing may be pruned, and OpenAPI and CEL validation must
// pass. Each is also strictly decoded into the Go types.
func TestExamplesAreAdmitted(t *testing.T) {
	admitters := newAdmitters(t)
	scheme := newScheme(t)

	var files []string
	for _, pattern := range []string{filepath.Join(examplesDir, "*", "*.yaml"), filepath.Join("testdata", "*.yaml")} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}

	admitted := map[string][]string{} // file name to the kinds admitted from it
	for _, file := range files {
		for i, doc := range readDocuments(t, file) {
			obj := toUnstructured(t, doc)
			gk := obj.GroupVersionKind().GroupKind()
			a, ok := admitters[gk]
			if !ok {
				continue // not one of our kinds
			}
			name := filepath.Base(file)
			t.Run(name, func(t *testing.T) {
				if got, want := obj.GroupVersionKind().Version, a.version; got != want {
					t.Errorf("document %d: version %s, want %s", i, got, want)
				}
				pruned, errs := a.admit(obj.Object)
				if len(pruned) > 0 {
					t.Errorf("document %d: fields pruned: %v", i, pruned)
				}
				if len(errs) > 0 {
					t.Errorf("document %d rejected:\n%v", i, errs.ToAggregate())
				}
				typed, err := scheme.New(obj.GroupVersionKind())
				if err != nil {
					t.Fatal(err)
				}
				if err := yaml.UnmarshalStrict(doc, typed); err != nil {
					t.Errorf("document %d: strict decoding into %T: %v", i, typed, err)
				}
			})
			admitted[name] = append(admitted[name], gk.Kind)
		}
	}
	wants := map[string][]string{
		"01-fleet.yaml":                           {"Fleet"},
		"02-inference-weighted-policy.yaml":       {"PropagationPolicy"},
		"03-cross-cloud-override.yaml":            {"OverridePolicy"},
		"05-attached-cluster.yaml":                {"AttachedCluster"},
		"06-nginx-weighted.yaml":                  {"PropagationPolicy"},
		"07-reviews-canary.yaml":                  {"PropagationPolicy"},
		"09-hierarchical-scheduling.yaml":         {"PropagationPolicy"},
		"11-cost-optimization.yaml":               {"PropagationPolicy"},
		"karmada-cluster.yaml":                    {"Cluster"},
		"karmada-cluster-propagation-policy.yaml": {"ClusterPropagationPolicy"},
		"karmada-cluster-override-policy.yaml":    {"ClusterOverridePolicy"},
		"karmada-resource-binding.yaml":           {"ResourceBinding"},
		"karmada-work.yaml":                       {"Work"},
		"propagation-failover-tiers.yaml":         {"PropagationPolicy", "OverridePolicy"},
		"kurator-fleet.yaml":                      {"Fleet"},
		"kurator-attached-cluster.yaml":           {"AttachedCluster"},
	}
	for name, kinds := range wants {
		if !slices.Equal(admitted[name], kinds) {
			t.Errorf("%s: checked %v, want %v", name, admitted[name], kinds)
		}
	}
}

// TestSeedFieldsSurvive checks the seed's fields that real Kurator's schema
// would prune.
func TestSeedFieldsSurvive(t *testing.T) {
	admitters := newAdmitters(t)

	fleet := toUnstructured(t, readDocuments(t, filepath.Join(seedDir, "01-fleet.yaml"))[0])
	if _, errs := admitters[fleetv1alpha1.Kind("Fleet")].admit(fleet.Object); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	clusters, _, _ := unstructured.NestedSlice(fleet.Object, "spec", "clusters")
	if len(clusters) != 3 {
		t.Fatalf("got %d clusters, want 3", len(clusters))
	}
	if region, _, _ := unstructured.NestedString(clusters[0].(map[string]any), "labels", "region"); region != "asia-east" {
		t.Errorf("spec.clusters[0].labels.region = %q, want asia-east", region)
	}
	spread, _, _ := unstructured.NestedSlice(fleet.Object, "spec", "placement", "spreadConstraints")
	if len(spread) != 1 || spread[0].(map[string]any)["maxGroups"] != int64(2) || spread[0].(map[string]any)["minGroups"] != int64(1) {
		t.Errorf("spec.placement.spreadConstraints = %v, want maxGroups 2, minGroups 1", spread)
	}
	preferred, _, _ := unstructured.NestedSlice(fleet.Object, "spec", "placement", "clusterAffinity", "preferredDuringSchedulingIgnoredDuringExecution")
	if len(preferred) != 1 || preferred[0].(map[string]any)["weight"] != int64(60) {
		t.Errorf("preferredDuringSchedulingIgnoredDuringExecution = %v, want one term of weight 60", preferred)
	}

	ac := toUnstructured(t, readDocuments(t, filepath.Join(seedDir, "05-attached-cluster.yaml"))[0])
	if _, errs := admitters[clusterv1alpha1.Kind("AttachedCluster")].admit(ac.Object); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	if name, _, _ := unstructured.NestedString(ac.Object, "spec", "kubeconfig", "secretRef", "name"); name != "cluster-01-kubeconfig" {
		t.Errorf("spec.kubeconfig.secretRef.name = %q, want cluster-01-kubeconfig", name)
	}
	if env, _, _ := unstructured.NestedString(ac.Object, "spec", "labels", "env"); env != "production" {
		t.Errorf("spec.labels.env = %q, want production", env)
	}

	// 09 uses the maxSkew extension and the tolerations alias.
	pp := admitSeed(t, admitters, "09-hierarchical-scheduling.yaml")
	spread, _, _ = unstructured.NestedSlice(pp.Object, "spec", "placement", "spreadConstraints")
	if len(spread) != 2 || spread[0].(map[string]any)["maxSkew"] != int64(2) || spread[1].(map[string]any)["maxSkew"] != int64(1) {
		t.Errorf("09: spec.placement.spreadConstraints = %v, want maxSkew 2 and 1", spread)
	}
	tolerations, _, _ := unstructured.NestedSlice(pp.Object, "spec", "placement", "tolerations")
	if len(tolerations) != 1 || tolerations[0].(map[string]any)["key"] != "dedicated" {
		t.Errorf("09: spec.placement.tolerations = %v, want the dedicated toleration", tolerations)
	}
	var typed policyv1alpha1.PropagationPolicy
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(pp.Object, &typed); err != nil {
		t.Fatal(err)
	}
	if got := typed.Spec.Placement.EffectiveClusterTolerations(); len(got) != 1 || got[0].Value != "special" {
		t.Errorf("09: EffectiveClusterTolerations() = %v, want the dedicated=special toleration", got)
	}

	// 06 and 11 omit replicaSchedulingType: the schema defaults it to Divided.
	for _, file := range []string{"06-nginx-weighted.yaml", "11-cost-optimization.yaml"} {
		pp := admitSeed(t, admitters, file)
		if got, _, _ := unstructured.NestedString(pp.Object, "spec", "placement", "replicaScheduling", "replicaSchedulingType"); got != "Divided" {
			t.Errorf("%s: replicaSchedulingType = %q, want the default Divided", file, got)
		}
	}
	pp = admitSeed(t, admitters, "02-inference-weighted-policy.yaml")
	weights, _, _ := unstructured.NestedSlice(pp.Object, "spec", "placement", "replicaScheduling", "weightPreference", "staticWeightList")
	if len(weights) != 2 || weights[0].(map[string]any)["weight"] != int64(70) || weights[1].(map[string]any)["weight"] != int64(30) {
		t.Errorf("02: staticWeightList = %v, want weights 70 and 30", weights)
	}

	op := admitSeed(t, admitters, "03-cross-cloud-override.yaml")
	rules, _, _ := unstructured.NestedSlice(op.Object, "spec", "overrideRules")
	if len(rules) != 2 {
		t.Fatalf("03: got %d override rules, want 2", len(rules))
	}
	overriders := rules[1].(map[string]any)["overriders"].(map[string]any)
	cmd := overriders["commandOverrider"].([]any)[0].(map[string]any)["value"].([]any)
	if len(cmd) != 2 || cmd[1] != "--compliance=gdpr" {
		t.Errorf("03: overrideRules[1].overriders.commandOverrider[0].value = %v, want two flags", cmd)
	}
}

// admitSeed admits the first document of a seed file whose kind has a CRD
// here, and returns it.
func admitSeed(t *testing.T, admitters map[schema.GroupKind]*admitter, file string) *unstructured.Unstructured {
	t.Helper()
	for _, doc := range readDocuments(t, filepath.Join(seedDir, file)) {
		obj := toUnstructured(t, doc)
		a, ok := admitters[obj.GroupVersionKind().GroupKind()]
		if !ok {
			continue
		}
		if _, errs := a.admit(obj.Object); len(errs) > 0 {
			t.Fatalf("%s: %v", file, errs.ToAggregate())
		}
		return obj
	}
	t.Fatalf("%s has no document of our kinds", file)
	return nil
}

// TestUnknownFieldsArePruned checks that the admission helper reports
// pruned fields, so that TestExamplesAreAdmitted can rely on it.
func TestUnknownFieldsArePruned(t *testing.T) {
	admitters := newAdmitters(t)
	obj := toUnstructured(t, []byte(`
apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata: {name: f, namespace: ns}
spec:
  clusters:
  - name: a
    uid: 1234
  placement:
    replicaScheduling: {replicaSchedulingType: Divided}
    rebalanceEvery: 5m
`))
	pruned, errs := admitters[fleetv1alpha1.Kind("Fleet")].admit(obj.Object)
	if len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	want := []string{"spec.clusters[0].uid", "spec.placement.rebalanceEvery"}
	if !slices.Equal(pruned, want) {
		t.Errorf("pruned %v, want %v", pruned, want)
	}

	cases := []struct {
		name string
		yaml string
		want []string
	}{
		{
			name: "unknown PropagationPolicy fields",
			yaml: `
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: p, namespace: ns}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, uid: x}]
  placement:
    clusterAffinity: {clusterNames: [a], zones: [z]}
  replicas: 3
`,
			want: []string{"spec.placement.clusterAffinity.zones", "spec.replicas", "spec.resourceSelectors[0].uid"},
		},
		{
			name: "embedded objects and JSON values are kept",
			yaml: `
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: o, namespace: ns}
spec:
  overrideRules:
  - overriders:
      plaintext:
      - {path: /spec/template, operator: add, value: {anything: [1, {goes: here}]}}
      fieldOverrider:
      - fieldPath: /data/a
        yaml: [{subPath: /b, operator: replace, value: {c: d}}]
`,
		},
		{
			name: "Work manifests and statuses are kept",
			yaml: `
apiVersion: work.karmada.io/v1alpha1
kind: Work
metadata: {name: w, namespace: karmada-es-m1}
spec:
  workload:
    manifests:
    - {apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {anything: {goes: here}}}
status:
  manifestStatuses:
  - identifier: {ordinal: 0, group: example.com, version: v1, kind: Widget, resource: widgets, name: w}
    status: {phase: Running, custom: {deep: [1, 2]}}
`,
		},
		{
			name: "ResourceBinding aggregated status is kept",
			yaml: `
apiVersion: work.karmada.io/v1alpha2
kind: ResourceBinding
metadata: {name: b, namespace: ns}
spec:
  resource: {apiVersion: example.com/v1, kind: Widget, name: w, color: blue}
status:
  aggregatedStatus:
  - clusterName: m1
    status: {phase: Running, custom: {deep: [1, 2]}}
`,
			want: []string{"spec.resource.color"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := toUnstructured(t, []byte(tc.yaml))
			pruned, errs := admitters[obj.GroupVersionKind().GroupKind()].admit(obj.Object)
			if len(errs) > 0 {
				t.Fatal(errs.ToAggregate())
			}
			slices.Sort(pruned)
			if !slices.Equal(pruned, tc.want) {
				t.Errorf("pruned %v, want %v", pruned, tc.want)
			}
		})
	}
}

// TestDefaults checks the schema defaults.
func TestDefaults(t *testing.T) {
	admitters := newAdmitters(t)
	obj := toUnstructured(t, []byte(`
apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata:
  name: member2
spec:
  apiEndpoint: https://10.0.0.1:6443
`))
	if _, errs := admitters[karmadaclusterv1alpha1.Kind("Cluster")].admit(obj.Object); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	if mode, _, _ := unstructured.NestedString(obj.Object, "spec", "syncMode"); mode != string(karmadaclusterv1alpha1.Push) {
		t.Errorf("spec.syncMode = %q, want Push", mode)
	}

	pp := toUnstructured(t, []byte(`
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: p, namespace: ns}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]
  placement:
    replicaScheduling: {replicaDivisionPreference: Aggregated}
  failover:
    application: {}
    cluster: {}
`))
	if _, errs := admitters[policyv1alpha1.Kind("PropagationPolicy")].admit(pp.Object); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	wants := []struct {
		path []string
		want any
	}{
		{[]string{"spec", "priority"}, int64(0)},
		{[]string{"spec", "preemption"}, string(policyv1alpha1.PreemptNever)},
		{[]string{"spec", "schedulerName"}, policyv1alpha1.DefaultSchedulerName},
		{[]string{"spec", "conflictResolution"}, string(policyv1alpha1.ConflictAbort)},
		{[]string{"spec", "placement", "replicaScheduling", "replicaSchedulingType"}, string(policyv1alpha1.ReplicaSchedulingTypeDivided)},
		{[]string{"spec", "failover", "application", "decisionConditions", "tolerationSeconds"}, int64(policyv1alpha1.DefaultApplicationFailoverTolerationSeconds)},
		{[]string{"spec", "failover", "application", "purgeMode"}, string(policyv1alpha1.PurgeModeGracefully)},
		{[]string{"spec", "failover", "cluster", "purgeMode"}, string(policyv1alpha1.ClusterFailoverPurgeModeGracefully)},
	}
	for _, w := range wants {
		got, _, _ := unstructured.NestedFieldNoCopy(pp.Object, w.path...)
		if got != w.want {
			t.Errorf("%s = %v, want %v", strings.Join(w.path, "."), got, w.want)
		}
	}
	// Defaulting does not create a replicaScheduling block, so a placement
	// without one keeps duplicating.
	canary := admitSeed(t, admitters, "07-reviews-canary.yaml")
	if _, found, _ := unstructured.NestedFieldNoCopy(canary.Object, "spec", "placement", "replicaScheduling"); found {
		t.Error("07: spec.placement.replicaScheduling was created by defaulting")
	}

	rb := toUnstructured(t, []byte(`
apiVersion: work.karmada.io/v1alpha2
kind: ResourceBinding
metadata: {name: b, namespace: ns}
spec:
  resource: {apiVersion: apps/v1, kind: Deployment, name: d}
`))
	if _, errs := admitters[workv1alpha2.Kind("ResourceBinding")].admit(rb.Object); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	if got, _, _ := unstructured.NestedString(rb.Object, "spec", "conflictResolution"); got != string(policyv1alpha1.ConflictAbort) {
		t.Errorf("ResourceBinding spec.conflictResolution = %q, want Abort", got)
	}
}

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
			_, errs := admitters[obj.GroupVersionKind().GroupKind()].admit(obj.Object)
			if len(errs) == 0 {
				t.Fatalf("accepted, want an error containing %q", tc.want)
			}
			if got := errs.ToAggregate().Error(); !strings.Contains(got, tc.want) {
				t.Errorf("error %q does not contain %q", got, tc.want)
			}
		})
	}
}

// TestInvalidKarmadaObjectsAreRejected checks the OpenAPI and CEL rules of
// the policy.karmada.io and work.karmada.io kinds: every error must name
// the offending field (its path, and for CEL rules a message that names
// it) and say why.
func TestInvalidKarmadaObjectsAreRejected(t *testing.T) {
	const pp = `
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: p, namespace: ns}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]
`
	const cpp = `
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: {name: p}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]
`
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
	const rb = `
apiVersion: work.karmada.io/v1alpha2
kind: ResourceBinding
metadata: {name: b, namespace: ns}
spec:
  resource: {apiVersion: apps/v1, kind: Deployment, name: d}
`
	const work = `
apiVersion: work.karmada.io/v1alpha1
kind: Work
metadata: {name: w, namespace: karmada-es-m1}
spec: {}
`
	cases := []struct {
		name string
		yaml string
		want []string // substrings of the errors
	}{
		// Placement.
		{
			name: "spreadByField and spreadByLabel together",
			yaml: pp + "  placement:\n    spreadConstraints: [{spreadByField: region, spreadByLabel: topology.kubernetes.io/region}]\n",
			want: []string{"spec.placement.spreadConstraints[0]", "spreadByField and spreadByLabel are mutually exclusive"},
		},
		{
			name: "maxGroups below minGroups",
			yaml: pp + "  placement:\n    spreadConstraints: [{spreadByField: cluster, maxGroups: 1, minGroups: 2}]\n",
			want: []string{"spec.placement.spreadConstraints[0]", "maxGroups must be greater than or equal to minGroups"},
		},
		{
			name: "negative minGroups",
			yaml: pp + "  placement:\n    spreadConstraints: [{minGroups: -1}]\n",
			want: []string{"spec.placement.spreadConstraints[0].minGroups", "greater than or equal to 0"},
		},
		{
			name: "negative maxSkew",
			yaml: pp + "  placement:\n    spreadConstraints: [{spreadByField: zone, maxSkew: -1}]\n",
			want: []string{"spec.placement.spreadConstraints[0].maxSkew", "greater than or equal to 0"},
		},
		{
			name: "repeated spreadByField",
			yaml: pp + "  placement:\n    spreadConstraints: [{spreadByField: region}, {spreadByField: zone}, {spreadByField: region}]\n",
			want: []string{"spec.placement.spreadConstraints", "each spreadByField may appear in at most one spread constraint"},
		},
		{
			name: "unknown spreadByField",
			yaml: pp + "  placement:\n    spreadConstraints: [{spreadByField: rack}]\n",
			want: []string{"spec.placement.spreadConstraints[0].spreadByField", "Unsupported value"},
		},
		{
			name: "static weight 0",
			yaml: pp + "  placement:\n    replicaScheduling:\n      weightPreference:\n        staticWeightList: [{targetCluster: {clusterNames: [a]}, weight: 0}]\n",
			want: []string{"spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight", "greater than or equal to 1"},
		},
		{
			name: "negative static weight",
			yaml: pp + "  placement:\n    replicaScheduling:\n      weightPreference:\n        staticWeightList: [{targetCluster: {clusterNames: [a]}, weight: 1}, {targetCluster: {clusterNames: [b]}, weight: -3}]\n",
			want: []string{"spec.placement.replicaScheduling.weightPreference.staticWeightList[1].weight", "greater than or equal to 1"},
		},
		{
			name: "unknown replicaSchedulingType",
			yaml: pp + "  placement:\n    replicaScheduling: {replicaSchedulingType: Spread}\n",
			want: []string{"spec.placement.replicaScheduling.replicaSchedulingType", "Unsupported value"},
		},
		{
			name: "unknown dynamicWeight",
			yaml: pp + "  placement:\n    replicaScheduling:\n      weightPreference: {dynamicWeight: FreeCPU}\n",
			want: []string{"spec.placement.replicaScheduling.weightPreference.dynamicWeight", "Unsupported value"},
		},
		{
			name: "clusterAffinity with clusterAffinities",
			yaml: pp + "  placement:\n    clusterAffinity: {clusterNames: [a]}\n    clusterAffinities: [{affinityName: x, clusterNames: [b]}]\n",
			want: []string{"spec.placement", "clusterAffinity and clusterAffinities are mutually exclusive"},
		},
		{
			name: "duplicate affinityName",
			yaml: cpp + "  placement:\n    clusterAffinities: [{affinityName: x, clusterNames: [a]}, {affinityName: x, clusterNames: [b]}]\n",
			want: []string{"spec.placement.clusterAffinities", "affinityName must be unique"},
		},
		{
			name: "affinityName too long",
			yaml: cpp + "  placement:\n    clusterAffinities: [{affinityName: " + strings.Repeat("a", 33) + "}]\n",
			want: []string{"spec.placement.clusterAffinities[0].affinityName", "Too long"},
		},
		{
			name: "duplicate overflow affinityName",
			yaml: cpp + "  placement:\n    clusterAffinities:\n    - affinityName: x\n      clusterNames: [a]\n      overflowAffinities: [{affinityName: burst, clusterNames: [b]}, {affinityName: burst, clusterNames: [c]}]\n",
			want: []string{"spec.placement.clusterAffinities[0].overflowAffinities", "affinityName must be unique"},
		},
		{
			name: "overflow tiers on a term that selects every cluster",
			yaml: cpp + "  placement:\n    clusterAffinities:\n    - affinityName: x\n      overflowAffinities: [{affinityName: burst, clusterNames: [b]}]\n",
			want: []string{"spec.placement.clusterAffinities[0]", "overflowAffinities: the term must itself select clusters"},
		},
		{
			name: "field selector on an unknown field",
			yaml: pp + "  placement:\n    clusterAffinity:\n      fieldSelector:\n        matchExpressions: [{key: color, operator: In, values: [blue]}]\n",
			want: []string{"spec.placement.clusterAffinity.fieldSelector.matchExpressions", "fieldSelector.matchExpressions: key must be one of provider, region, zone"},
		},
		{
			name: "field selector with Exists",
			yaml: pp + "  placement:\n    clusterAffinities:\n    - affinityName: x\n      fieldSelector:\n        matchExpressions: [{key: region, operator: Exists}]\n",
			want: []string{"spec.placement.clusterAffinities[0].fieldSelector.matchExpressions", "operator must be In or NotIn"},
		},
		{
			name: "preference on an unknown field",
			yaml: pp + "  placement:\n    clusterAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 10\n        preference:\n          matchFields: [{key: color, operator: In, values: [blue]}]\n",
			want: []string{"preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchFields", "matchFields: key must be one of provider, region, zone"},
		},
		{
			name: "preference with Gt on a field",
			yaml: pp + "  placement:\n    clusterAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 10\n        preference:\n          matchFields: [{key: zone, operator: Gt, values: ['1']}]\n",
			want: []string{"preference.matchFields", "matchFields: operator must be In or NotIn"},
		},
		{
			name: "preference weight out of range",
			yaml: pp + "  placement:\n    clusterAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution: [{weight: 0, preference: {}}]\n",
			want: []string{"preferredDuringSchedulingIgnoredDuringExecution[0].weight", "greater than or equal to 1"},
		},

		// PropagationSpec.
		{
			name: "no resourceSelectors",
			yaml: "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: p, namespace: ns}\nspec:\n  resourceSelectors: []\n",
			want: []string{"spec.resourceSelectors", "should have at least 1 items"},
		},
		{
			name: "resourceSelector without kind",
			yaml: "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: p, namespace: ns}\nspec:\n  resourceSelectors: [{apiVersion: v1}]\n",
			want: []string{"spec.resourceSelectors[0].kind", "Required value"},
		},
		{
			name: "unknown preemption",
			yaml: pp + "  preemption: Sometimes\n",
			want: []string{"spec.preemption", "Unsupported value"},
		},
		{
			name: "unknown conflictResolution",
			yaml: pp + "  conflictResolution: Merge\n",
			want: []string{"spec.conflictResolution", "Unsupported value"},
		},
		{
			name: "unknown activationPreference",
			yaml: pp + "  activationPreference: Eager\n",
			want: []string{"spec.activationPreference", "Unsupported value"},
		},
		{
			name: "suspension with dispatching and dispatchingOnClusters",
			yaml: pp + "  suspension:\n    dispatching: true\n    dispatchingOnClusters: {clusterNames: [a]}\n",
			want: []string{"spec.suspension", "suspension: dispatching and dispatchingOnClusters are mutually exclusive"},
		},
		{
			name: "unknown application purgeMode",
			yaml: pp + "  failover:\n    application: {purgeMode: Immediately}\n",
			want: []string{"spec.failover.application.purgeMode", "Unsupported value"},
		},
		{
			name: "cluster failover purgeMode Never",
			yaml: pp + "  failover:\n    cluster: {purgeMode: Never}\n",
			want: []string{"spec.failover.cluster.purgeMode", "Unsupported value"},
		},
		{
			name: "gracePeriodSeconds with purgeMode Directly",
			yaml: pp + "  failover:\n    application: {purgeMode: Directly, gracePeriodSeconds: 60}\n",
			want: []string{"spec.failover.application", "gracePeriodSeconds may only be set when purgeMode is Gracefully"},
		},
		{
			name: "negative tolerationSeconds",
			yaml: pp + "  failover:\n    application:\n      decisionConditions: {tolerationSeconds: -1}\n",
			want: []string{"spec.failover.application.decisionConditions.tolerationSeconds", "greater than or equal to 0"},
		},
		{
			name: "statePreservation without rules",
			yaml: pp + "  failover:\n    cluster:\n      statePreservation: {rules: []}\n",
			want: []string{"spec.failover.cluster.statePreservation.rules", "should have at least 1 items"},
		},
		{
			name: "unknown priorityClassSource",
			yaml: pp + "  schedulePriority: {priorityClassSource: PodPriority, priorityClassName: high}\n",
			want: []string{"spec.schedulePriority.priorityClassSource", "Unsupported value"},
		},

		// Overriders.
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

		// Bindings and Works.
		{
			name: "binding without resource name",
			yaml: "apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\nmetadata: {name: b, namespace: ns}\nspec:\n  resource: {apiVersion: v1, kind: ConfigMap}\n",
			want: []string{"spec.resource.name", "Required value"},
		},
		{
			name: "binding with negative replicas for a cluster",
			yaml: rb + "  clusters: [{name: a, replicas: -1}]\n",
			want: []string{"spec.clusters[0].replicas", "greater than or equal to 0"},
		},
		{
			name: "binding placement keeps the placement rules",
			yaml: rb + "  placement:\n    replicaScheduling:\n      weightPreference:\n        staticWeightList: [{targetCluster: {}, weight: 0}]\n",
			want: []string{"spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight", "greater than or equal to 1"},
		},
		{
			name: "binding suspension keeps the policy rule",
			yaml: rb + "  suspension: {scheduling: true, dispatching: true, dispatchingOnClusters: {clusterNames: [a]}}\n",
			want: []string{"spec.suspension", "suspension: dispatching and dispatchingOnClusters are mutually exclusive"},
		},
		{
			name: "binding with an unknown health",
			yaml: rb + "status:\n  aggregatedStatus: [{clusterName: a, health: Sick}]\n",
			want: []string{"status.aggregatedStatus[0].health", "Unsupported value"},
		},
		{
			name: "binding explanation division too long",
			yaml: rb + "status:\n  schedulingExplanation: {division: " + strings.Repeat("x", 4097) + "}\n",
			want: []string{"status.schedulingExplanation.division", "Too long"},
		},
		{
			name: "work manifest status without kind",
			yaml: work + "status:\n  manifestStatuses: [{identifier: {ordinal: 0, version: v1, resource: configmaps, name: c}}]\n",
			want: []string{"status.manifestStatuses[0].identifier.kind", "Required value"},
		},
		{
			name: "work manifest status with a negative ordinal",
			yaml: work + "status:\n  manifestStatuses: [{identifier: {ordinal: -1, version: v1, kind: ConfigMap, resource: configmaps, name: c}}]\n",
			want: []string{"status.manifestStatuses[0].identifier.ordinal", "greater than or equal to 0"},
		},
	}

	admitters := newAdmitters(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := toUnstructured(t, []byte(tc.yaml))
			_, errs := admitters[obj.GroupVersionKind().GroupKind()].admit(obj.Object)
			if len(errs) == 0 {
				t.Fatalf("accepted, want an error containing %q", tc.want)
			}
			if len(errs) != 1 {
				t.Errorf("got %d errors, want exactly one:\n%v", len(errs), errs.ToAggregate())
			}
			got := errs.ToAggregate().Error()
			for _, want := range tc.want {
				if !strings.Contains(got, want) {
					t.Errorf("error %q does not contain %q", got, want)
				}
			}
		})
	}
}

// TestLenientKarmadaObjectsAreAdmitted pins the places where our schema is
// deliberately more lenient than Karmada's webhook, or where a rule must not
// fire.
func TestLenientKarmadaObjectsAreAdmitted(t *testing.T) {
	const pp = `
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: p, namespace: ns}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]
`
	cases := []struct {
		name string
		yaml string
	}{
		{"region spread without a cluster constraint", pp + "  placement:\n    spreadConstraints: [{spreadByField: region, minGroups: 2, maxGroups: 3}]\n"},
		{"maxGroups 0 means no limit", pp + "  placement:\n    spreadConstraints: [{spreadByField: cluster, minGroups: 2, maxGroups: 0}]\n"},
		{"spreadByLabel alone", pp + "  placement:\n    spreadConstraints: [{spreadByLabel: topology.kubernetes.io/zone, minGroups: 1}]\n"},
		{"empty clusterAffinities beside clusterAffinity", pp + "  placement:\n    clusterAffinity: {clusterNames: [a]}\n    clusterAffinities: []\n"},
		{"dispatching false beside dispatchingOnClusters", pp + "  suspension:\n    dispatching: false\n    dispatchingOnClusters: {clusterNames: [a]}\n"},
		{"empty activationPreference", pp + "  activationPreference: \"\"\n"},
		{"gracePeriodSeconds with the default purgeMode", pp + "  failover:\n    application: {gracePeriodSeconds: 60}\n"},
		{"clusterTolerations and the tolerations alias", pp + "  placement:\n    clusterTolerations: [{key: a, operator: Exists}]\n    tolerations: [{key: b, operator: Exists}]\n"},
		{"workloadAffinity", pp + "  placement:\n    workloadAffinity:\n      affinity: {groupByLabelKey: app.example.com/group}\n      antiAffinity: {groupByLabelKey: app.example.com/replica-set}\n"},
		{"deprecated association", pp + "  association: true\n"},
		{"plaintext and field removals without value", `
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterOverridePolicy
metadata: {name: o}
spec:
  targetCluster: {clusterNames: [a]}
  overriders:
    plaintext: [{path: /spec/paused, operator: remove}]
    imageOverrider: [{component: Tag, operator: remove}]
    fieldOverrider: [{fieldPath: /data/a, yaml: [{subPath: /b, operator: remove}]}]
`},
	}
	admitters := newAdmitters(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := toUnstructured(t, []byte(tc.yaml))
			pruned, errs := admitters[obj.GroupVersionKind().GroupKind()].admit(obj.Object)
			if len(errs) > 0 {
				t.Errorf("rejected:\n%v", errs.ToAggregate())
			}
			if len(pruned) > 0 {
				t.Errorf("fields pruned: %v", pruned)
			}
		})
	}
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
	if _, errs := newAdmitters(t)[policyv1alpha1.Kind("OverridePolicy")].admit(obj.Object); len(errs) > 0 {
		t.Fatalf("rejected by the schema; if a rule now covers value, drop this test and list the case in TestInvalidKarmadaObjectsAreRejected:\n%v", errs.ToAggregate())
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

// admitter applies to a custom resource what the API server does on
// create: pruning, defaulting, list-type, OpenAPI and CEL validation.
type admitter struct {
	version    string // the served and stored version
	structural *structuralschema.Structural
	openAPI    apiservervalidation.SchemaValidator
	cel        *cel.Validator
}

// admit prunes, defaults and validates obj in place. It returns the paths
// of pruned fields and the validation errors.
func (a *admitter) admit(obj map[string]any) ([]string, field.ErrorList) {
	pruned := pruning.PruneWithOptions(obj, a.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	structuraldefaulting.Default(obj, a.structural)

	errs := apiservervalidation.ValidateCustomResource(nil, obj, a.openAPI)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, a.structural, obj)...)
	if a.cel != nil {
		celErrs, _ := a.cel.Validate(context.Background(), nil, a.structural, obj, nil, celconfig.RuntimeCELCostBudget)
		errs = append(errs, celErrs...)
	}
	return pruned, errs
}

func newAdmitters(t *testing.T) map[schema.GroupKind]*admitter {
	t.Helper()
	admitters := map[schema.GroupKind]*admitter{}
	for gk, c := range loadCRDs(t) {
		i := slices.IndexFunc(c.Spec.Versions, func(v apiextensionsv1.CustomResourceDefinitionVersion) bool { return v.Storage })
		if i < 0 {
			t.Fatalf("%s: no storage version", c.Name)
		}
		version := c.Spec.Versions[i]
		internal := &apiextensions.JSONSchemaProps{}
		if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(version.Schema.OpenAPIV3Schema, internal, nil); err != nil {
			t.Fatal(err)
		}
		structural, err := structuralschema.NewStructural(internal)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		openAPI, _, err := apiservervalidation.NewSchemaValidator(internal)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		admitters[gk] = &admitter{
			version:    version.Name,
			structural: structural,
			openAPI:    openAPI,
			cel:        cel.NewValidator(structural, true, celconfig.PerCallLimit),
		}
	}
	return admitters
}

func loadCRDs(t *testing.T) map[schema.GroupKind]*apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	list, err := crd.CRDs()
	if err != nil {
		t.Fatal(err)
	}
	crds := map[schema.GroupKind]*apiextensionsv1.CustomResourceDefinition{}
	for _, c := range list {
		crds[schema.GroupKind{Group: c.Spec.Group, Kind: c.Spec.Names.Kind}] = c
	}
	return crds
}

func newScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		fleetv1alpha1.AddToScheme,
		clusterv1alpha1.AddToScheme,
		karmadaclusterv1alpha1.AddToScheme,
		policyv1alpha1.AddToScheme,
		workv1alpha1.AddToScheme,
		workv1alpha2.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	return scheme
}

// readDocuments splits a YAML file into its non-empty documents.
func readDocuments(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(bytes.TrimSpace(doc)) > 0 {
			docs = append(docs, doc)
		}
	}
}

// toUnstructured decodes YAML the way the API server decodes JSON: integers
// become int64.
func toUnstructured(t *testing.T, doc []byte) *unstructured.Unstructured {
	t.Helper()
	data, err := yaml.YAMLToJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	obj := map[string]any{}
	if err := utiljson.Unmarshal(data, &obj); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: obj}
}
