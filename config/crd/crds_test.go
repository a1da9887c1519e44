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
	"kurator.dev/kurator/config/crd"
)

const seedDir = "../../examples/seed"

// TestCRDs checks that every expected CRD is embedded with the intended
// names, scope, subresources and printer columns.
func TestCRDs(t *testing.T) {
	type want struct {
		group, kind, plural string
		scope               apiextensionsv1.ResourceScope
		shortNames          []string
	}
	wants := []want{
		{"fleet.kurator.dev", "Fleet", "fleets", apiextensionsv1.NamespaceScoped, []string{"fl"}},
		{"cluster.kurator.dev", "AttachedCluster", "attachedclusters", apiextensionsv1.NamespaceScoped, []string{"ac"}},
		{"cluster.karmada.io", "Cluster", "clusters", apiextensionsv1.ClusterScoped, nil},
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
		if v.Name != "v1alpha1" || !v.Served || !v.Storage {
			t.Errorf("%s: version %q served=%v storage=%v, want v1alpha1 served and stored", w.kind, v.Name, v.Served, v.Storage)
		}
		if v.Subresources == nil || v.Subresources.Status == nil {
			t.Errorf("%s: no status subresource", w.kind)
		}
		var columns []string
		for _, col := range v.AdditionalPrinterColumns {
			columns = append(columns, col.Name)
		}
		for _, name := range []string{"Ready", "Age"} {
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

// TestExamplesAreAdmitted admits every seed example whose kind has a CRD
// here, and our own examples in testdata: nothing may be pruned, and
// OpenAPI and CEL validation must pass. Each is also strictly decoded into
// the Go types.
func TestExamplesAreAdmitted(t *testing.T) {
	admitters := newAdmitters(t)
	scheme := newScheme(t)

	var files []string
	for _, pattern := range []string{filepath.Join(seedDir, "*.yaml"), filepath.Join("testdata", "*.yaml")} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}

	admitted := map[string]bool{}
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
			admitted[name] = true
		}
	}
	for _, name := range []string{"01-fleet.yaml", "05-attached-cluster.yaml", "karmada-cluster.yaml", "kurator-fleet.yaml", "kurator-attached-cluster.yaml"} {
		if !admitted[name] {
			t.Errorf("%s was not checked", name)
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
`))
	pruned, errs := admitters[fleetv1alpha1.Kind("Fleet")].admit(obj.Object)
	if len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	want := []string{"spec.clusters[0].uid", "spec.placement.replicaScheduling"}
	if !slices.Equal(pruned, want) {
		t.Errorf("pruned %v, want %v", pruned, want)
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

// admitter applies to a custom resource what the API server does on
// create: pruning, defaulting, list-type, OpenAPI and CEL validation.
type admitter struct {
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
		internal := &apiextensions.JSONSchemaProps{}
		if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(c.Spec.Versions[0].Schema.OpenAPIV3Schema, internal, nil); err != nil {
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
