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

package execution

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// object builds an unstructured object from JSON, as the dynamic client
// returns it (numbers are int64).
func object(t *testing.T, js string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON([]byte(js)); err != nil {
		t.Fatalf("bad test object: %v", err)
	}
	return u
}

func manifest(js string) workv1alpha1.Manifest {
	return workv1alpha1.Manifest{RawExtension: runtime.RawExtension{Raw: []byte(js)}}
}

func TestDecodeCleansAndMarks(t *testing.T) {
	const work = "karmada-es-member1/web"
	marks := `"labels":{"app":"web","kurator.dev/managed-by":"kurator"},"annotations":{"kurator.dev/work":"karmada-es-member1/web"}`
	cases := []struct {
		name     string
		manifest string
		want     string
	}{
		{
			name: "server-set metadata, owners, finalizers and status are dropped",
			manifest: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop","labels":{"app":"web"},
				"resourceVersion":"42","uid":"0000","creationTimestamp":"2026-01-01T00:00:00Z","generation":3,"selfLink":"/x",
				"managedFields":[{"manager":"kubectl"}],"ownerReferences":[{"apiVersion":"v1","kind":"X","name":"o","uid":"1"}],
				"finalizers":["example.com/hold"]},"spec":{"replicas":2},"status":{"replicas":2}}`,
			want: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop",` + marks + `},"spec":{"replicas":2}}`,
		},
		{
			name: "service cluster IPs are left to the member",
			manifest: `{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop","labels":{"app":"web"}},
				"spec":{"clusterIP":"10.0.0.7","clusterIPs":["10.0.0.7"],"ports":[{"port":80}]}}`,
			want: `{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop",` + marks + `},"spec":{"ports":[{"port":80}]}}`,
		},
		{
			name: "headless service stays headless",
			manifest: `{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop","labels":{"app":"web"}},
				"spec":{"clusterIP":"None","clusterIPs":["None"]}}`,
			want: `{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop",` + marks + `},"spec":{"clusterIP":"None","clusterIPs":["None"]}}`,
		},
		{
			name: "a clusterIP field of another group's Service is kept",
			manifest: `{"apiVersion":"example.com/v1","kind":"Service","metadata":{"name":"web","labels":{"app":"web"}},
				"spec":{"clusterIP":"10.0.0.7"}}`,
			want: `{"apiVersion":"example.com/v1","kind":"Service","metadata":{"name":"web",` + marks + `},"spec":{"clusterIP":"10.0.0.7"}}`,
		},
		{
			name:     "existing annotations are kept and the conflict resolution passes through",
			manifest: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web","namespace":"shop","annotations":{"work.karmada.io/conflict-resolution":"overwrite"}},"data":{"k":"v"}}`,
			want: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web","namespace":"shop","labels":{"kurator.dev/managed-by":"kurator"},` +
				`"annotations":{"kurator.dev/work":"karmada-es-member1/web","work.karmada.io/conflict-resolution":"overwrite"}},"data":{"k":"v"}}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decode(manifest(tc.manifest), work)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(object(t, tc.want).Object, got.Object); diff != "" {
				t.Errorf("decoded object (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	cases := map[string]string{
		"not JSON":     `apiVersion: v1`,
		"no kind":      `{"apiVersion":"v1","metadata":{"name":"x"}}`,
		"no name":      `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"namespace":"x"}}`,
		"empty object": `{}`,
	}
	for name, js := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := decode(manifest(js), "ns/w"); err == nil {
				t.Error("decode accepted an invalid manifest")
			}
		})
	}
}

func testMapper() meta.RESTMapper {
	m := meta.NewDefaultRESTMapper(nil)
	m.Add(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, meta.RESTScopeNamespace)
	m.Add(schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}, meta.RESTScopeRoot)
	m.Add(schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, meta.RESTScopeNamespace)
	return m
}

func TestResolve(t *testing.T) {
	cases := []struct {
		name     string
		manifest string
		want     workv1alpha1.ResourceIdentifier
		err      func(error) bool
	}{
		{
			name:     "namespaced kind",
			manifest: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"}}`,
			want:     workv1alpha1.ResourceIdentifier{Ordinal: 4, Group: "apps", Version: "v1", Kind: "Deployment", Resource: "deployments", Namespace: "shop", Name: "web"},
		},
		{
			name:     "cluster-scoped kind drops a stray namespace",
			manifest: `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","namespace":"default"}}`,
			want:     workv1alpha1.ResourceIdentifier{Ordinal: 4, Version: "v1", Kind: "Namespace", Resource: "namespaces", Name: "shop"},
		},
		{
			name:     "namespaced kind without namespace",
			manifest: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web"}}`,
			err:      func(err error) bool { return errors.Is(err, errNoNamespace) },
		},
		{
			name:     "kind the member does not serve",
			manifest: `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"shop"}}`,
			err:      meta.IsNoMatchError,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj, err := decode(manifest(tc.manifest), "ns/w")
			if err != nil {
				t.Fatal(err)
			}
			got, err := resolve(testMapper(), obj, 4)
			if tc.err != nil {
				if !tc.err(err) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got.id); diff != "" {
				t.Errorf("identifier (-want +got):\n%s", diff)
			}
			if got.obj.GetNamespace() != tc.want.Namespace {
				t.Errorf("object namespace %q, want %q", got.obj.GetNamespace(), tc.want.Namespace)
			}
		})
	}
}

func TestResolveHashAndOverwrite(t *testing.T) {
	base := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n"%s},"data":{"k":"%s"}}`
	resolveJSON := func(js string) *target {
		obj, err := decode(manifest(js), "ns/w")
		if err != nil {
			t.Fatal(err)
		}
		tg, err := resolve(testMapper(), obj, 0)
		if err != nil {
			t.Fatal(err)
		}
		return tg
	}
	a := resolveJSON(fmt.Sprintf(base, "", "v"))
	b := resolveJSON(fmt.Sprintf(base, "", "v"))
	c := resolveJSON(fmt.Sprintf(base, "", "w"))
	o := resolveJSON(fmt.Sprintf(base, `,"annotations":{"work.karmada.io/conflict-resolution":"overwrite"}`, "v"))
	abort := resolveJSON(fmt.Sprintf(base, `,"annotations":{"work.karmada.io/conflict-resolution":"abort"}`, "v"))
	if a.hash != b.hash || a.hash == c.hash {
		t.Error("hash must be stable for equal manifests and differ for different ones")
	}
	if a.overwrite || !o.overwrite || abort.overwrite {
		t.Errorf("overwrite: default %v, overwrite %v, abort %v", a.overwrite, o.overwrite, abort.overwrite)
	}
}

func TestManagedByAndManagers(t *testing.T) {
	cases := []struct {
		name     string
		obj      string
		managed  bool
		managers string
	}{
		{"labelled by Kurator", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"kurator.dev/managed-by":"kurator"},
			"managedFields":[{"manager":"kurator","operation":"Apply"}]}}`, true, "kurator"},
		{"label removed by hand but names this Work", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","annotations":{"kurator.dev/work":"ns/w"}}}`,
			true, "none recorded"},
		{"foreign object", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"kurator.dev/managed-by":"someone"},
			"managedFields":[{"manager":"kubectl-create","operation":"Update"},{"manager":"helm","operation":"Update"},{"manager":"kubectl-create","operation":"Update"}]}}`,
			false, "helm, kubectl-create"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := object(t, tc.obj)
			if got := managedBy(obj, "ns/w"); got != tc.managed {
				t.Errorf("managedBy = %v, want %v", got, tc.managed)
			}
			if diff := cmp.Diff(tc.managers, managers(obj)); diff != "" {
				t.Errorf("managers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorTextHidesSecretContent(t *testing.T) {
	invalid := apierrors.NewInvalid(schema.GroupKind{Kind: "Secret"}, "s", nil)
	invalid.ErrStatus.Message = `Secret "s" is invalid: data[password]: Invalid value: "hunter2"`
	secret := workv1alpha1.ResourceIdentifier{Version: "v1", Kind: "Secret", Namespace: "n", Name: "s"}
	if got := errorText(secret, invalid); strings.Contains(got, "hunter2") || !strings.Contains(got, "Invalid") {
		t.Errorf("secret error text %q", got)
	}
	cm := workv1alpha1.ResourceIdentifier{Version: "v1", Kind: "ConfigMap", Namespace: "n", Name: "c"}
	if got := errorText(cm, invalid); !strings.Contains(got, "hunter2") {
		t.Errorf("configmap error text %q should carry the server message", got)
	}
}
