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
	"strings"
	"testing"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

var digest = "sha256:" + strings.Repeat("ab", 32)

func TestParseImage(t *testing.T) {
	tests := []struct {
		ref  string
		want Image
	}{
		{"nginx", Image{Repository: "nginx"}},
		{"nginx:1.25", Image{Repository: "nginx", Tag: "1.25"}},
		{"library/nginx", Image{Repository: "library/nginx"}},
		{"docker.io/library/nginx:1.25", Image{Registry: "docker.io", Repository: "library/nginx", Tag: "1.25"}},
		{"registry:5000/team/app:v1", Image{Registry: "registry:5000", Repository: "team/app", Tag: "v1"}},
		{"registry:5000/team/app", Image{Registry: "registry:5000", Repository: "team/app"}},
		{"localhost/app", Image{Registry: "localhost", Repository: "app"}},
		{"localhost:5000/app:dev", Image{Registry: "localhost:5000", Repository: "app", Tag: "dev"}},
		{"host.example.com/a/b/c:tag", Image{Registry: "host.example.com", Repository: "a/b/c", Tag: "tag"}},
		{"app@" + digest, Image{Repository: "app", Digest: digest}},
		{"app:v1@" + digest, Image{Repository: "app", Tag: "v1", Digest: digest}},
		{"quay.io:443/org/app:v1@" + digest, Image{Registry: "quay.io:443", Repository: "org/app", Tag: "v1", Digest: digest}},
		{"company/app:1.0", Image{Repository: "company/app", Tag: "1.0"}},
		{"localhost", Image{Repository: "localhost"}},
		{"registry:5000", Image{Repository: "registry", Tag: "5000"}},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			got, err := ParseImage(tt.ref)
			if err != nil {
				t.Fatalf("ParseImage(%q): %v", tt.ref, err)
			}
			if got != tt.want {
				t.Fatalf("ParseImage(%q) = %+v, want %+v", tt.ref, got, tt.want)
			}
			if s := got.String(); s != tt.ref {
				t.Fatalf("String() = %q, want %q", s, tt.ref)
			}
		})
	}
}

func TestParseImageErrors(t *testing.T) {
	for _, ref := range []string{
		"", "nginx:", ":tag", "app@", "app@sha256:abc", "app@sha256:" + strings.Repeat("AB", 32),
		"app@:abc", "/app", "a//b", "docker.io/", "has space", "app:a:b", ":5000/app",
	} {
		if img, err := ParseImage(ref); err == nil {
			t.Errorf("ParseImage(%q) = %+v, want error", ref, img)
		}
	}
}

func TestOverrideImage(t *testing.T) {
	const (
		add     = policyv1alpha1.OverriderOpAdd
		remove  = policyv1alpha1.OverriderOpRemove
		replace = policyv1alpha1.OverriderOpReplace
		reg     = policyv1alpha1.ImageComponentRegistry
		repo    = policyv1alpha1.ImageComponentRepository
		tag     = policyv1alpha1.ImageComponentTag
	)
	tests := []struct {
		ref     string
		comp    policyv1alpha1.ImageComponent
		op      policyv1alpha1.OverriderOperator
		value   string
		want    string
		wantErr bool
	}{
		// Registry.
		{"docker.io/library/nginx:1.25", reg, add, ".cn", "docker.io.cn/library/nginx:1.25", false},
		{"nginx", reg, add, "registry.local", "registry.local/nginx", false},
		{"docker.io/library/nginx:1.25", reg, replace, "mirror.example.com", "mirror.example.com/library/nginx:1.25", false},
		{"nginx:1.25", reg, replace, "mirror.example.com", "mirror.example.com/nginx:1.25", false},
		{"registry:5000/team/app:v1", reg, replace, "localhost", "localhost/team/app:v1", false},
		{"docker.io/library/nginx:1.25", reg, remove, "", "library/nginx:1.25", false},
		{"nginx", reg, remove, "", "nginx", false},
		{"app@" + digest, reg, replace, "r.io", "r.io/app@" + digest, false},
		// Repository.
		{"docker.io/library/nginx:1.25", repo, add, "-alpine", "docker.io/library/nginx-alpine:1.25", false},
		{"localhost/app", repo, replace, "team/other", "localhost/team/other", false},
		{"host.example.com/a/b/c:tag", repo, replace, "x", "host.example.com/x:tag", false},
		{"nginx", repo, remove, "", "", true},
		{"nginx", repo, replace, "", "", true},
		{"nginx", repo, replace, "Bad Name", "", true},
		// Tag.
		{"nginx:1.25", tag, add, "-alpine", "nginx:1.25-alpine", false},
		{"nginx", tag, add, "latest", "nginx:latest", false},
		{"nginx:1.25", tag, replace, "1.26", "nginx:1.26", false},
		{"nginx", tag, replace, "1.26", "nginx:1.26", false},
		{"app@" + digest, tag, replace, "v2", "app:v2@" + digest, false},
		{"app:v1@" + digest, tag, replace, "v2", "app:v2@" + digest, false},
		{"nginx:1.25", tag, remove, "", "nginx", false},
		{"app:v1@" + digest, tag, remove, "", "app", false},
		{"app@" + digest, tag, remove, "", "app", false},
		{"registry:5000/team/app:v1", tag, remove, "", "registry:5000/team/app", false},
		{"nginx:1.25", tag, add, ":x", "", true},
		// Bad input.
		{"nginx:", tag, add, "x", "", true},
		{"nginx", "Name", replace, "x", "", true},
		{"nginx", tag, "set", "x", "", true},
	}
	for _, tt := range tests {
		name := tt.ref + "/" + string(tt.comp) + "/" + string(tt.op) + "/" + tt.value
		t.Run(name, func(t *testing.T) {
			got, err := OverrideImage(tt.ref, policyv1alpha1.ImageOverrider{Component: tt.comp, Operator: tt.op, Value: tt.value})
			if tt.wantErr {
				if err == nil {
					t.Fatalf("got %q, want error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestImageOverrider(t *testing.T) {
	tests := []overriderCase{
		{
			name: "image registry replace all containers not init",
			obj:  deploymentYAML,
			rule: `{imageOverrider: [{component: Registry, operator: replace, value: mirror.io}]}`,
			want: map[string]interface{}{
				"/spec/template/spec/containers/0/image":     "mirror.io/library/nginx:1.25",
				"/spec/template/spec/containers/1/image":     "mirror.io/envoy@sha256:abababababababababababababababababababababababababababababababab",
				"/spec/template/spec/initContainers/0/image": "busybox:1.36",
			},
		},
		{
			name: "image tag add",
			obj:  deploymentYAML,
			rule: `{imageOverrider: [{component: Tag, operator: add, value: "-alpine"}]}`,
			want: map[string]interface{}{
				"/spec/template/spec/containers/0/image": "docker.io/library/nginx:1.25-alpine",
				"/spec/template/spec/containers/1/image": "envoy:-alpine@sha256:abababababababababababababababababababababababababababababababab",
			},
			wantErr: "",
		},
		{
			name: "image tag remove drops digest",
			obj:  deploymentYAML,
			rule: `{imageOverrider: [{component: Tag, operator: remove}]}`,
			want: map[string]interface{}{
				"/spec/template/spec/containers/0/image": "docker.io/library/nginx",
				"/spec/template/spec/containers/1/image": "envoy",
			},
		},
		{
			name: "image repository add and registry remove in order",
			obj:  deploymentYAML,
			rule: `{imageOverrider: [{component: Repository, operator: add, value: "-x"}, {component: Registry, operator: remove}]}`,
			want: map[string]interface{}{
				"/spec/template/spec/containers/0/image": "library/nginx-x:1.25",
			},
		},
		{
			name: "image predicate on init container",
			obj:  deploymentYAML,
			rule: `{imageOverrider: [{predicate: {path: /spec/template/spec/initContainers/0/image}, component: Registry, operator: add, value: r.io}]}`,
			want: map[string]interface{}{
				"/spec/template/spec/initContainers/0/image": "r.io/busybox:1.36",
				"/spec/template/spec/containers/0/image":     "docker.io/library/nginx:1.25",
			},
		},
		{
			name:    "image predicate missing path",
			obj:     deploymentYAML,
			rule:    `{imageOverrider: [{predicate: {path: /spec/template/spec/containers/5/image}, component: Tag, operator: replace, value: x}]}`,
			wantErr: "imageOverrider[0]",
		},
		{
			name:    "image predicate not a string",
			obj:     deploymentYAML,
			rule:    `{imageOverrider: [{predicate: {path: /spec/replicas}, component: Tag, operator: replace, value: x}]}`,
			wantErr: "not a string",
		},
		{
			name: "image on a ConfigMap is a no-op",
			obj:  configMapYAML,
			rule: `{imageOverrider: [{component: Tag, operator: replace, value: x}]}`,
			want: map[string]interface{}{"/data/number": "not json {"},
		},
	}
	runOverriderCases(t, tests)
}
