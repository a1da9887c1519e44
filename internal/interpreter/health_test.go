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

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

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

func TestHealth(t *testing.T) {
	const (
		healthy   = workv1alpha1.ResourceHealthy
		unhealthy = workv1alpha1.ResourceUnhealthy
	)
	cases := []struct {
		name string
		obj  string
		want workv1alpha1.ResourceHealth
	}{
		{"deployment rolled out", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","generation":2},
			"spec":{"replicas":3},"status":{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"availableReplicas":3}}`, healthy},
		{"deployment replicas default to one", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","generation":1},
			"spec":{},"status":{"observedGeneration":1,"replicas":1,"updatedReplicas":1,"availableReplicas":1}}`, healthy},
		{"deployment scaled to zero", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","generation":4},
			"spec":{"replicas":0},"status":{"observedGeneration":4}}`, healthy},
		{"deployment spec not observed yet", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","generation":3},
			"spec":{"replicas":3},"status":{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"availableReplicas":3}}`, unhealthy},
		{"deployment just created", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","generation":1},
			"spec":{"replicas":2},"status":{}}`, unhealthy},
		{"deployment not all available", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","generation":1},
			"spec":{"replicas":3},"status":{"observedGeneration":1,"replicas":3,"updatedReplicas":3,"availableReplicas":2}}`, unhealthy},
		{"deployment old replicas still running", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","generation":2},
			"spec":{"replicas":3},"status":{"observedGeneration":2,"replicas":4,"updatedReplicas":3,"availableReplicas":3}}`, unhealthy},
		{"statefulset ready", `{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s","generation":1},
			"spec":{"replicas":2},"status":{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"readyReplicas":2}}`, healthy},
		{"statefulset not ready", `{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s","generation":1},
			"spec":{"replicas":2},"status":{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"readyReplicas":1}}`, unhealthy},
		{"statefulset OnDelete needs no updated replicas", `{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s","generation":2},
			"spec":{"replicas":2,"updateStrategy":{"type":"OnDelete"}},"status":{"observedGeneration":2,"replicas":2,"updatedReplicas":0,"readyReplicas":2}}`, healthy},
		{"statefulset RollingUpdate mid-update", `{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s","generation":2},
			"spec":{"replicas":2},"status":{"observedGeneration":2,"replicas":2,"updatedReplicas":1,"readyReplicas":2}}`, unhealthy},
		{"job running", `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"status":{"active":1}}`, healthy},
		{"job complete", `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},
			"status":{"conditions":[{"type":"Complete","status":"True"}]}}`, healthy},
		{"job failed", `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},
			"status":{"conditions":[{"type":"FailureTarget","status":"True"},{"type":"Failed","status":"True"}]}}`, unhealthy},
		{"pod running and ready", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
			"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}`, healthy},
		{"pod running not ready", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
			"status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"}]}}`, unhealthy},
		{"pod pending", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"status":{"phase":"Pending"}}`, unhealthy},
		{"pod succeeded", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"status":{"phase":"Succeeded"}}`, healthy},
		{"configmap", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v"}}`, healthy},
		{"deployment of another group has no rule", `{"apiVersion":"example.com/v1","kind":"Deployment","metadata":{"name":"d","generation":5},
			"spec":{"replicas":3}}`, healthy},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := object(t, tc.obj)
			if diff := cmp.Diff(tc.want, For(obj.GroupVersionKind()).InterpretHealth(obj)); diff != "" {
				t.Errorf("health (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReflectStatus(t *testing.T) {
	cases := []struct {
		name string
		obj  string
		want string // JSON; empty means no status
	}{
		{"deployment gets its generation", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","generation":3},
			"status":{"observedGeneration":2,"replicas":1}}`, `{"generation":3,"observedGeneration":2,"replicas":1}`},
		{"new object without status still reports generation", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","generation":1}}`,
			`{"generation":1}`},
		{"status generation field is kept", `{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"t","generation":7},
			"status":{"generation":"v2"}}`, `{"generation":"v2"}`},
		{"configmap has none", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v"}}`, ""},
		{"service status is reflected as is", `{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
			"status":{"loadBalancer":{}}}`, `{"loadBalancer":{}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := object(t, tc.obj)
			raw, err := For(obj.GroupVersionKind()).ReflectStatus(obj)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if raw != nil {
				got = string(raw.Raw)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
		})
	}
}
