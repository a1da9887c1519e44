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

package detector

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

func TestTemplateChangedDropsTheDetectorsOwnClaim(t *testing.T) {
	configMap := func(rv, data string, labels map[string]string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "cm", "namespace": "ns"}, "data": map[string]any{"k": data}}}
		u.SetResourceVersion(rv)
		u.SetLabels(labels)
		return u
	}
	claim := map[string]string{"app": "web", policyv1alpha1.ClusterPropagationPolicyPermanentIDLabel: "uid-1"}
	for _, tc := range []struct {
		name     string
		old, new *unstructured.Unstructured
		want     bool
	}{
		{"claim added", configMap("1", "a", map[string]string{"app": "web"}), configMap("2", "a", claim), false},
		{"claim added with a data change", configMap("1", "a", map[string]string{"app": "web"}), configMap("2", "b", claim), true},
		{"data changed", configMap("1", "a", claim), configMap("2", "b", claim), true},
		{"a user label changed", configMap("1", "a", claim), configMap("2", "a", map[string]string{"app": "api",
			policyv1alpha1.ClusterPropagationPolicyPermanentIDLabel: "uid-1"}), true},
		{"resync, nothing changed", configMap("1", "a", claim), configMap("1", "a", claim), true},
	} {
		if got := templateChanged(tc.old, tc.new); got != tc.want {
			t.Errorf("%s: templateChanged = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The control plane's Deployment revisions are never propagated, even when a
// policy selects every ReplicaSet.
func TestRevisionProjectionIsSkipped(t *testing.T) {
	rs := &unstructured.Unstructured{}
	rs.SetAPIVersion("apps/v1")
	rs.SetKind("ReplicaSet")
	rs.SetNamespace("apps")
	rs.SetName("web-abc")
	if skipped(rs) {
		t.Fatal("a user's ReplicaSet must not be skipped")
	}
	rs.SetLabels(map[string]string{workv1alpha2.RevisionOfLabel: "web"})
	if !skipped(rs) {
		t.Fatal("a projected revision must be skipped")
	}
}
