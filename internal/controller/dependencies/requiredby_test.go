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
package dependencies

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/interpreter"
)

func snapshot(name string, clusters ...string) workv1alpha2.BindingSnapshot {
	s := workv1alpha2.BindingSnapshot{Namespace: "ns", Name: name}
	for _, c := range clusters {
		s.Clusters = append(s.Clusters, workv1alpha2.TargetCluster{Name: c, Replicas: 1})
	}
	return s
}

func TestWithSnapshot(t *testing.T) {
	cases := map[string]struct {
		in      []workv1alpha2.BindingSnapshot
		snap    workv1alpha2.BindingSnapshot
		want    []workv1alpha2.BindingSnapshot
		changed bool
	}{
		"first entry":      {nil, snapshot("web", "a"), []workv1alpha2.BindingSnapshot{snapshot("web", "a")}, true},
		"same entry":       {[]workv1alpha2.BindingSnapshot{snapshot("web", "a")}, snapshot("web", "a"), []workv1alpha2.BindingSnapshot{snapshot("web", "a")}, false},
		"the parent moved": {[]workv1alpha2.BindingSnapshot{snapshot("api", "c"), snapshot("web", "a")}, snapshot("web", "b"), []workv1alpha2.BindingSnapshot{snapshot("api", "c"), snapshot("web", "b")}, true},
		"a second parent, kept sorted": {
			[]workv1alpha2.BindingSnapshot{snapshot("web", "a")}, snapshot("api", "b"),
			[]workv1alpha2.BindingSnapshot{snapshot("api", "b"), snapshot("web", "a")}, true,
		},
		"a duplicate goes": {
			[]workv1alpha2.BindingSnapshot{snapshot("web", "a"), snapshot("web", "b")}, snapshot("web", "a"),
			[]workv1alpha2.BindingSnapshot{snapshot("web", "a")}, true,
		},
		"unsorted input is sorted": {
			[]workv1alpha2.BindingSnapshot{snapshot("web", "a"), snapshot("api", "b")}, snapshot("web", "a"),
			[]workv1alpha2.BindingSnapshot{snapshot("api", "b"), snapshot("web", "a")}, true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, changed := withSnapshot(tc.in, tc.snap)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("requiredBy (-want +got):\n%s", diff)
			}
			if changed != tc.changed {
				t.Fatalf("changed = %v, want %v", changed, tc.changed)
			}
		})
	}
}

func TestWithoutSnapshot(t *testing.T) {
	in := []workv1alpha2.BindingSnapshot{snapshot("api", "a"), snapshot("web", "b")}
	got, changed := withoutSnapshot(in, types.NamespacedName{Namespace: "ns", Name: "web"})
	if !changed || len(got) != 1 || got[0].Name != "api" {
		t.Fatalf("got %v, %v; want only api, changed", got, changed)
	}
	got, changed = withoutSnapshot(in, types.NamespacedName{Namespace: "other", Name: "web"})
	if changed || len(got) != 2 {
		t.Fatalf("an entry of another namespace was removed: %v", got)
	}
}

func TestReferences(t *testing.T) {
	refs := newReferences()
	cm := interpreter.Dependency{APIVersion: "v1", Kind: "ConfigMap", Namespace: "ns", Name: "conf"}
	secret := interpreter.Dependency{APIVersion: "v1", Kind: "Secret", Namespace: "ns", Name: "creds"}
	web, api := types.NamespacedName{Namespace: "ns", Name: "web"}, types.NamespacedName{Namespace: "ns", Name: "api"}
	refs.set(web, []interpreter.Dependency{cm, secret})
	refs.set(api, []interpreter.Dependency{cm})
	names := func(d interpreter.Dependency) []string {
		var out []string
		for _, b := range refs.dependents(d) {
			out = append(out, b.Name)
		}
		sort.Strings(out)
		return out
	}
	if got := names(cm); !cmp.Equal(got, []string{"api", "web"}) {
		t.Fatalf("dependents of the ConfigMap: %v", got)
	}
	refs.set(web, []interpreter.Dependency{cm})
	if got := names(secret); len(got) != 0 {
		t.Fatalf("web no longer uses the Secret, still listed: %v", got)
	}
	refs.set(api, nil)
	refs.set(web, nil)
	if len(refs.by) != 0 || len(refs.deps) != 0 {
		t.Fatalf("forgotten bindings leave entries: %v %v", refs.by, refs.deps)
	}
}
