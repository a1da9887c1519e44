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
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/utils/clock"
)

func TestUpToDateSkipsOnlyUntouchedObjects(t *testing.T) {
	applied := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n","uid":"u1","managedFields":[
		{"manager":"kurator","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:k":{}}}},
		{"manager":"kube-controller-manager","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{}}}]}}`
	cases := []struct {
		name string
		live string
		hash string
		want bool
	}{
		{"unchanged", applied, "h1", true},
		{"only others' fields changed", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n","uid":"u1","managedFields":[
			{"manager":"kurator","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:k":{}}}},
			{"manager":"someone","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:other":{}}}}]}}`, "h1", true},
		{"manifest changed", applied, "h2", false},
		{"someone took a field over", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n","uid":"u1","managedFields":[
			{"manager":"kurator","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{}},
			{"manager":"someone","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:k":{}}}}]}}`, "h1", false},
		{"object was recreated", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n","uid":"u2","managedFields":[
			{"manager":"kurator","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:k":{}}}}]}}`, "h1", false},
		{"no fields of ours", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n","uid":"u1"}}`, "h1", false},
	}
	ref := objectRef{resource: "configmaps", namespace: "n", name: "c"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mc := &memberClient{applied: map[objectRef]appliedRecord{}}
			mc.remember(ref, "h1", object(t, applied))
			if got := mc.upToDate(ref, tc.hash, object(t, tc.live), ""); got != tc.want {
				t.Errorf("upToDate = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestWorkOf(t *testing.T) {
	cases := map[string]bool{
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","annotations":{"kurator.dev/work":"karmada-es-m/w"}}}`: true,
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","annotations":{"kurator.dev/work":"w"}}}`:              false,
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}`:                                                     false,
	}
	for js, want := range cases {
		got, ok := workOf(object(t, js))
		if ok != want || (ok && got != (types.NamespacedName{Namespace: "karmada-es-m", Name: "w"})) {
			t.Errorf("workOf(%s) = %v, %v", js, got, ok)
		}
	}
}

func TestInformersRunWhileSomeWorkNeedsThem(t *testing.T) {
	cms := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	deploys := schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	watcher := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		cms: "ConfigMapList", deploys: "DeploymentList",
	})
	mc := &memberClient{watcher: watcher, enqueue: func(types.NamespacedName) {}, clock: clock.RealClock{},
		informer: map[schema.GroupVersionResource]*informer{}, uses: map[types.NamespacedName]sets.Set[schema.GroupVersionResource]{},
		watchers: map[schema.GroupVersionResource]int{}}
	running := func() []string {
		var out []string
		for gvr := range mc.informer {
			out = append(out, gvr.Resource)
		}
		slices.Sort(out)
		return out
	}
	a, b := types.NamespacedName{Namespace: "karmada-es-m", Name: "a"}, types.NamespacedName{Namespace: "karmada-es-m", Name: "b"}
	steps := []struct {
		name string
		do   func()
		want []string
	}{
		{"a needs both", func() { mc.watch(a, []schema.GroupVersionResource{cms, deploys, cms}) }, []string{"configmaps", "deployments"}},
		{"b shares configmaps", func() { mc.watch(b, []schema.GroupVersionResource{cms}) }, []string{"configmaps", "deployments"}},
		{"a drops deployments", func() { mc.watch(a, []schema.GroupVersionResource{cms}) }, []string{"configmaps"}},
		{"a is released, b still watches", func() { mc.watch(a, nil) }, []string{"configmaps"}},
		{"b is released", func() { mc.watch(b, nil) }, nil},
		{"a comes back", func() { mc.watch(a, []schema.GroupVersionResource{deploys}) }, []string{"deployments"}},
		{"member stopped", mc.stopAll, nil},
		{"a stopped member starts nothing", func() { mc.watch(b, []schema.GroupVersionResource{cms}) }, nil},
	}
	for _, s := range steps {
		s.do()
		if diff := cmp.Diff(s.want, running()); diff != "" {
			t.Fatalf("after %q, informers (-want +got):\n%s", s.name, diff)
		}
	}
}
