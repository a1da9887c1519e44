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

package overrides

import (
	"encoding/json"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// normalize returns the JSON round trip of v, so numbers have the types
// utiljson gives them.
func normalize(t *testing.T, v map[string]interface{}) map[string]interface{} {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var m map[string]interface{}
	if err := utiljson.Unmarshal(b, &m); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	return m
}

// FuzzApply checks that Apply never panics, never mutates its input, and
// returns an object that survives a JSON round trip unchanged.
func FuzzApply(f *testing.F) {
	deploy := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},` +
		`"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"app","image":"docker.io/library/nginx:1.25","command":["nginx"]}]}}}}`
	cm := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default"},"data":{"j":"{\"a\":1}","y":"a: 1\nb: [x]\n"}}`
	pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"app@sha256:abababababababababababababababababababababababababababababababab"}]}}`
	f.Add([]byte(deploy), []byte(`{"imageOverrider":[{"component":"Registry","operator":"replace","value":"r.io/x"}],"commandOverrider":[{"containerName":"app","operator":"add","value":["--a"]}]}`), "m1")
	f.Add([]byte(deploy), []byte(`{"plaintext":[{"path":"/spec/replicas","operator":"replace","value":3.5},{"path":"/metadata/labels/app","operator":"remove"}]}`), "m2")
	f.Add([]byte(deploy), []byte(`{"labelsOverrider":[{"operator":"add","value":{"a/b":"c"}}],"annotationsOverrider":[{"operator":"replace","value":{"x":"y"}}]}`), "")
	f.Add([]byte(cm), []byte(`{"fieldOverrider":[{"fieldPath":"/data/j","json":[{"subPath":"/b","operator":"add","value":[1,{"c":null}]}]},{"fieldPath":"/data/y","yaml":[{"subPath":"/b/0","operator":"replace","value":true}]}]}`), "m1")
	f.Add([]byte(pod), []byte(`{"imageOverrider":[{"component":"Tag","operator":"add","value":"v1"},{"predicate":{"path":"/spec/containers/0/image"},"component":"Tag","operator":"remove"}],"argsOverrider":[{"containerName":"c","operator":"remove","value":["x"]}]}`), "m1")
	f.Add([]byte(`{"kind":"Job","spec":{"template":{"spec":{"containers":"x"}}}}`), []byte(`{"imageOverrider":[{"component":"Tag","operator":"add","value":"1"}]}`), "m1")
	f.Add([]byte(`{"metadata":{"labels":null}}`), []byte(`{"plaintext":[{"path":"","operator":"replace","value":[]}]}`), "m1")

	f.Fuzz(func(t *testing.T, objJSON, overridersJSON []byte, clusterName string) {
		var m map[string]interface{}
		if err := utiljson.Unmarshal(objJSON, &m); err != nil || m == nil {
			return
		}
		var o policyv1alpha1.Overriders
		if err := json.Unmarshal(overridersJSON, &o); err != nil {
			return
		}
		obj := &unstructured.Unstructured{Object: normalize(t, m)}
		orig := obj.DeepCopy()
		policies := []Policy{
			{Name: "rules", Namespace: obj.GetNamespace(), Spec: &policyv1alpha1.OverrideSpec{
				OverrideRules: []policyv1alpha1.RuleWithCluster{
					{Overriders: o},
					{TargetCluster: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"m1"}}, Overriders: o},
				},
			}},
			{Name: "deprecated", Spec: &policyv1alpha1.OverrideSpec{Overriders: o}},
		}
		out, applied, err := Apply(obj, cluster(clusterName, nil), policies)
		if !reflect.DeepEqual(obj, orig) {
			t.Fatalf("input mutated")
		}
		if err != nil {
			if out != nil || applied != nil {
				t.Fatalf("object returned with error %v", err)
			}
			return
		}
		b, err := json.Marshal(out.Object)
		if err != nil {
			t.Fatalf("marshal result: %v", err)
		}
		var back map[string]interface{}
		if err := utiljson.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal result %s: %v", b, err)
		}
		if !reflect.DeepEqual(back, out.Object) {
			t.Fatalf("round trip changed the result:\n got %#v\nwant %#v", back, out.Object)
		}
	})
}
