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
package interpreter

import (
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func parse(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	data, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	return u
}

const podSpec = `
    spec:
      nodeSelector: {disk: ssd}
      tolerations: [{key: dedicated, operator: Exists}]
      containers:
      - {name: a, image: nginx, resources: {requests: {cpu: 250m, memory: 64Mi}}}
      - {name: b, image: busybox, resources: {requests: {cpu: 250m}}}`

func TestGetReplicas(t *testing.T) {
	cases := map[string]struct {
		doc      string
		replicas int64
		none     bool
	}{
		"deployment":             {"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 10\n  template:" + podSpec, 10, false},
		"deployment default one": {"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:" + podSpec, 1, false},
		"statefulset":            {"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec:\n  replicas: 3\n  template:" + podSpec, 3, false},
		"replicaset":             {"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\nspec:\n  replicas: 2\n  template:" + podSpec, 2, false},
		"job uses parallelism":   {"apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  parallelism: 4\n  completions: 8\n  template:" + podSpec, 4, false},
		"configmap has none":     {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}", 0, true},
		"a CRD has none":         {"apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}", 0, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obj := parse(t, tc.doc)
			r, err := For(obj.GroupVersionKind()).GetReplicas(obj)
			if err != nil {
				t.Fatal(err)
			}
			if tc.none {
				if r != nil {
					t.Fatalf("want no replicas, got %+v", r)
				}
				return
			}
			if r.Replicas != tc.replicas {
				t.Fatalf("replicas %d, want %d", r.Replicas, tc.replicas)
			}
			cpu := r.Requirements.Requests.Cpu()
			if cpu.Cmp(resource.MustParse("500m")) != 0 {
				t.Fatalf("cpu request %s, want 500m", cpu)
			}
			if r.Requirements.NodeSelector["disk"] != "ssd" || len(r.Requirements.Tolerations) != 1 {
				t.Fatalf("placement constraints lost: %+v", r.Requirements)
			}
		})
	}
}

func TestGetReplicasRejectsMalformedTemplates(t *testing.T) {
	obj := parse(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: many")
	_, err := For(obj.GroupVersionKind()).GetReplicas(obj)
	if err == nil {
		t.Fatal("want an error for replicas: many")
	}
}
