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
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	istionetworkingv1 "istio.io/client-go/pkg/apis/networking/v1"
	istionetworkingv1alpha3 "istio.io/client-go/pkg/apis/networking/v1alpha3"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	argoprojv1alpha1 "kurator.dev/kurator/api/argoproj/v1alpha1"
	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	karmadaconfigv1alpha1 "kurator.dev/kurator/api/karmadaconfig/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/config/crd"
)

func newAdmitters(t *testing.T) map[schema.GroupKind]*crd.Admitter {
	t.Helper()
	admitters, err := crd.Admitters()
	if err != nil {
		t.Fatal(err)
	}
	return admitters
}

func newIstioAdmitters(t *testing.T) map[schema.GroupVersionKind]*crd.Admitter {
	t.Helper()
	admitters, err := crd.IstioAdmitters()
	if err != nil {
		t.Fatal(err)
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
		configv1alpha1.AddToScheme,
		schedulingv1alpha1.AddToScheme,
		argoprojv1alpha1.AddToScheme,
		karmadaclusterv1alpha1.AddToScheme,
		karmadaconfigv1alpha1.AddToScheme,
		policyv1alpha1.AddToScheme,
		workv1alpha1.AddToScheme,
		workv1alpha2.AddToScheme,
		istionetworkingv1.AddToScheme,
		istionetworkingv1beta1.AddToScheme,
		istionetworkingv1alpha3.AddToScheme,
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

// rejection is an object that admission must reject with exactly one error,
// which names the offending field (its path, and for CEL rules a message
// that names it) and says why.
type rejection struct {
	name string
	yaml string
	want []string // substrings of the errors
}

// expectRejected admits each case and checks its single error.
func expectRejected(t *testing.T, cases []rejection) {
	t.Helper()
	admitters := newAdmitters(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := toUnstructured(t, []byte(tc.yaml))
			_, errs := admitters[obj.GroupVersionKind().GroupKind()].Admit(obj.Object)
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
