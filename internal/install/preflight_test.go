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

package install

import (
	"context"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/version"
	fakediscovery "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// host is a fake host at a version, allowing the access allow says yes to.
func fakeHost(gitVersion string, allow func(*authorizationv1.ResourceAttributes) bool) *fake.Clientset {
	cs := fake.NewClientset()
	cs.Discovery().(*fakediscovery.FakeDiscovery).FakedServerVersion = &version.Info{GitVersion: gitVersion}
	cs.PrependReactor("create", "selfsubjectaccessreviews", func(a k8stesting.Action) (bool, runtime.Object, error) {
		review := a.(k8stesting.CreateAction).GetObject().(*authorizationv1.SelfSubjectAccessReview)
		review.Status.Allowed = allow(review.Spec.ResourceAttributes)
		return true, review, nil
	})
	return cs
}

func TestPreflight(t *testing.T) {
	all := func(*authorizationv1.ResourceAttributes) bool { return true }
	noSecrets := func(a *authorizationv1.ResourceAttributes) bool { return a.Resource != "secrets" || a.Verb == "get" }
	for name, tc := range map[string]struct {
		version string
		allow   func(*authorizationv1.ResourceAttributes) bool
		want    []string
	}{
		"recent host, every permission": {version: "v1.37.2", allow: all},
		"too old":                       {version: "v1.27.3", allow: all, want: []string{"runs Kubernetes v1.27.3", "needs v1.29.0 or newer"}},
		"provider suffix":               {version: "v1.30.1-eks-1234", allow: all},
		"no write to secrets": {version: "v1.31.0", allow: noSecrets,
			want: []string{"missing permissions", "list secrets", "create secrets", "delete secrets"}},
	} {
		t.Run(name, func(t *testing.T) {
			err := preflight(context.Background(), fakeHost(tc.version, tc.allow), "https://host:6443", "kurator-system")
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("preflight: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("preflight passed, want an error with %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "get secrets") {
				t.Errorf("error lists an allowed verb: %v", err)
			}
		})
	}
}
