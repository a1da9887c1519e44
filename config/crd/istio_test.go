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
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	istionetworkingv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"kurator.dev/kurator/config/crd"
)

func isIstio(gk schema.GroupKind) bool { return gk.Group == "networking.istio.io" }

// expectSpecRoundTrips checks that the typed object holds every field of
// obj's spec: encoding it again gives the same spec.
func expectSpecRoundTrips(t *testing.T, obj *unstructured.Unstructured, typed runtime.Object) {
	t.Helper()
	raw, err := json.Marshal(typed)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	wantRaw, err := json.Marshal(obj.Object["spec"])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(wantRaw, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, back["spec"]); diff != "" {
		t.Errorf("%s %s: the typed spec differs (-manifest +typed):\n%s", obj.GetKind(), obj.GetName(), diff)
	}
}

// TestIstioCRDs checks the embedded Istio CRDs: exactly the four
// networking kinds, each serving v1alpha3, v1beta1 and v1 (stored) with a
// status subresource for istiod, none in Kurator's category (so that
// Kurator's own CRDs stay countable apart from them), each accepted by the
// API server's CRD validation.
func TestIstioCRDs(t *testing.T) {
	crds, err := crd.IstioCRDs()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range crds {
		kinds = append(kinds, c.Spec.Names.Kind)
		if c.Spec.Group != "networking.istio.io" || c.Spec.Scope != apiextensionsv1.NamespaceScoped || c.Name != c.Spec.Names.Plural+"."+c.Spec.Group {
			t.Errorf("%s: group %s, scope %s, plural %s; want a namespaced networking.istio.io kind", c.Name, c.Spec.Group, c.Spec.Scope, c.Spec.Names.Plural)
		}
		if slices.Contains(c.Spec.Names.Categories, "kurator") {
			t.Errorf("%s is in Kurator's category", c.Name)
		}
		var served []string
		for _, v := range c.Spec.Versions {
			if v.Served {
				served = append(served, v.Name)
			}
			if v.Storage != (v.Name == "v1") {
				t.Errorf("%s %s: storage %t, want v1 stored", c.Name, v.Name, v.Storage)
			}
			if v.Subresources == nil || v.Subresources.Status == nil {
				t.Errorf("%s %s: no status subresource", c.Name, v.Name)
			}
		}
		slices.Sort(served)
		if want := []string{"v1", "v1alpha3", "v1beta1"}; !slices.Equal(served, want) {
			t.Errorf("%s serves %v, want %v", c.Name, served, want)
		}
		t.Run(c.Name, func(t *testing.T) { expectValidCRD(t, c) })
	}
	if want := []string{"DestinationRule", "Gateway", "ServiceEntry", "VirtualService"}; !slices.Equal(kinds, want) {
		t.Errorf("Istio CRDs of %v, want %v", kinds, want)
	}
	if vs := crds[3]; !slices.Contains(vs.Spec.Names.ShortNames, "vs") {
		t.Errorf("VirtualService short names %v lack vs", vs.Spec.Names.ShortNames)
	}
}

// The seed's routes keep their weights, timeout and retries through
// admission and typed decoding.
func TestIstioSeedRoutesSurvive(t *testing.T) {
	istio := newIstioAdmitters(t)
	for file, want := range map[string]string{
		"04-cross-cluster-route.yaml": `[{"route":[{"destination":{"host":"api.global.example.com","subset":"v1"},"weight":90},` +
			`{"destination":{"host":"api.global.example.com","subset":"v2"},"weight":10}],"timeout":"2s","retries":{"attempts":3,"perTryTimeout":"1s"}}]`,
		"07-reviews-canary.yaml": `[{"route":[{"destination":{"host":"reviews.prod.svc.cluster.local","subset":"v1"},"weight":90},` +
			`{"destination":{"host":"reviews.prod.svc.cluster.local","subset":"v2"},"weight":10}]}]`,
	} {
		doc := readDocuments(t, filepath.Join(seedDir, file))[0]
		obj := toUnstructured(t, doc)
		if _, errs := istio[obj.GroupVersionKind()].Admit(obj.Object); len(errs) > 0 {
			t.Fatalf("%s: %v", file, errs.ToAggregate())
		}
		http, _, _ := unstructured.NestedSlice(obj.Object, "spec", "http")
		var wantHTTP []any
		if err := json.Unmarshal([]byte(want), &wantHTTP); err != nil {
			t.Fatal(err)
		}
		gotRaw, _ := json.Marshal(http)
		var got []any
		_ = json.Unmarshal(gotRaw, &got)
		if diff := cmp.Diff(wantHTTP, got); diff != "" {
			t.Errorf("%s: spec.http (-want +got):\n%s", file, diff)
		}
		var vs istionetworkingv1beta1.VirtualService
		if err := yaml.UnmarshalStrict(doc, &vs); err != nil {
			t.Fatal(err)
		}
		route := vs.Spec.GetHttp()[0].GetRoute()
		if len(route) != 2 || route[0].GetWeight() != 90 || route[1].GetWeight() != 10 || route[1].GetDestination().GetSubset() != "v2" {
			t.Errorf("%s: typed route %v, want weights 90 and 10 to v1 and v2", file, route)
		}
	}
}

// Invalid Istio objects are refused offline ('kurator schedule') as the
// control plane refuses them, with the schema's messages.
func TestIstioObjectsAreValidated(t *testing.T) {
	const vs = "apiVersion: networking.istio.io/VERSION\nkind: VirtualService\nmetadata: {name: r}\n" +
		"spec: {hosts: [r], http: [{route: [{destination: {host: r}, weight: WEIGHT}], timeout: TIMEOUT}]}\n"
	doc := func(version, weight, timeout string) map[string]any {
		r := strings.NewReplacer("VERSION", version, "WEIGHT", weight, "TIMEOUT", timeout)
		return toUnstructured(t, []byte(r.Replace(vs))).Object
	}
	cases := map[string]struct {
		obj  map[string]any
		want []string // substrings of the one error; none: accepted
	}{
		"valid v1":           {doc("v1", "100", "2s"), nil},
		"valid v1alpha3":     {doc("v1alpha3", "100", "2s"), nil},
		"weight not integer": {doc("v1beta1", `"abc"`, "2s"), []string{"spec.http[0].route[0].weight", "must be of type integer"}},
		"timeout invalid":    {doc("v1", "100", "abc"), []string{"spec.http[0].timeout", "must be a valid duration greater than 1ms"}},
		"timeout too short":  {doc("v1", "100", "500us"), []string{"spec.http[0].timeout", "must be a valid duration greater than 1ms"}},
		"version not served": {doc("v2", "100", "2s"), []string{"apiVersion", `supported values: "networking.istio.io/v1", "networking.istio.io/v1alpha3", "networking.istio.io/v1beta1"`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := crd.Validate(tc.obj)
			if tc.want == nil {
				if len(errs) > 0 {
					t.Fatalf("rejected: %v", errs.ToAggregate())
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want one: %v", len(errs), errs.ToAggregate())
			}
			for _, w := range tc.want {
				if got := errs.ToAggregate().Error(); !strings.Contains(got, w) {
					t.Errorf("error %q does not contain %q", got, w)
				}
			}
		})
	}
}
