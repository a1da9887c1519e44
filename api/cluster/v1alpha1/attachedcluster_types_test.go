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

package v1alpha1

import "testing"

func TestKubeconfigRef(t *testing.T) {
	cases := map[string]struct {
		ref      KubeconfigRef
		data     map[string][]byte
		wantName string
		wantKey  string // SecretKey
		resolved string // ResolveSecretKey
		ok       bool
	}{
		"secretRef without key, default key present": {
			ref:      KubeconfigRef{SecretRef: &SecretKeyRef{Name: "s"}},
			data:     map[string][]byte{"kubeconfig": nil, "other": nil},
			wantName: "s",
			resolved: "kubeconfig",
			ok:       true,
		},
		"secretRef without key, single other key": {
			ref:      KubeconfigRef{SecretRef: &SecretKeyRef{Name: "s"}},
			data:     map[string][]byte{"config": nil},
			wantName: "s",
			resolved: "config",
			ok:       true,
		},
		"secretRef without key, ambiguous keys": {
			ref:      KubeconfigRef{SecretRef: &SecretKeyRef{Name: "s"}},
			data:     map[string][]byte{"a": nil, "b": nil},
			wantName: "s",
		},
		"secretRef with key": {
			ref:      KubeconfigRef{SecretRef: &SecretKeyRef{Name: "s", Key: "k"}},
			data:     map[string][]byte{"k": nil, "kubeconfig": nil},
			wantName: "s",
			wantKey:  "k",
			resolved: "k",
			ok:       true,
		},
		"name and key, key missing from data": {
			ref:      KubeconfigRef{Name: "n", Key: "k"},
			data:     map[string][]byte{"kubeconfig": nil},
			wantName: "n",
			wantKey:  "k",
			resolved: "k",
		},
		"name without key, empty secret": {
			ref:      KubeconfigRef{Name: "n"},
			wantName: "n",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := tc.ref.SecretName(); got != tc.wantName {
				t.Errorf("SecretName() = %q, want %q", got, tc.wantName)
			}
			if got := tc.ref.SecretKey(); got != tc.wantKey {
				t.Errorf("SecretKey() = %q, want %q", got, tc.wantKey)
			}
			got, ok := tc.ref.ResolveSecretKey(tc.data)
			if got != tc.resolved || ok != tc.ok {
				t.Errorf("ResolveSecretKey() = (%q, %v), want (%q, %v)", got, ok, tc.resolved, tc.ok)
			}
		})
	}
}
