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
	"fmt"
	"strings"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilversion "k8s.io/apimachinery/pkg/util/version"
	"k8s.io/client-go/kubernetes"
)

// MinimumHostVersion is the oldest host Kubernetes the chart's objects are
// tested against.
const MinimumHostVersion = "v1.29.0"

// access is one verb on one resource that installing, upgrading, waiting or
// uninstalling needs.
type access struct {
	group, resource string
	verbs           []string
	// clusterScoped: outside the namespace.
	clusterScoped bool
}

// objectVerbs are what Helm does to the objects of a release.
var objectVerbs = []string{"get", "list", "create", "update", "patch", "delete"}

// requiredAccess lists every permission on the host: the chart's objects,
// Helm's release Secrets, the claims (purge), the pods and events (wait,
// status), and the namespace.
var requiredAccess = []access{
	{group: "", resource: "namespaces", verbs: []string{"get", "create"}, clusterScoped: true},
	{group: "apps", resource: "statefulsets", verbs: objectVerbs},
	{group: "apps", resource: "deployments", verbs: objectVerbs},
	{group: "", resource: "services", verbs: objectVerbs},
	{group: "", resource: "secrets", verbs: objectVerbs},
	{group: "", resource: "serviceaccounts", verbs: objectVerbs},
	{group: "policy", resource: "poddisruptionbudgets", verbs: objectVerbs},
	{group: "", resource: "persistentvolumeclaims", verbs: []string{"get", "list", "delete"}},
	{group: "", resource: "pods", verbs: []string{"get", "list"}},
	{group: "", resource: "events", verbs: []string{"list"}},
}

// preflight checks, before anything is created, that the host is
// reachable, recent enough, and lets the user do everything the install
// does in namespace.
func preflight(ctx context.Context, host kubernetes.Interface, server, namespace string) error {
	info, err := host.Discovery().ServerVersion()
	if err != nil {
		return fmt.Errorf("cannot reach the host cluster at %s: %w", server, err)
	}
	got, err := utilversion.ParseGeneric(info.GitVersion)
	if err != nil {
		return fmt.Errorf("read the host cluster's version %q: %w", info.GitVersion, err)
	}
	if got.LessThan(utilversion.MustParseGeneric(MinimumHostVersion)) {
		return fmt.Errorf("the host cluster at %s runs Kubernetes %s; Kurator needs %s or newer", server, info.GitVersion, MinimumHostVersion)
	}
	missing, err := missingAccess(ctx, host, namespace)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing permissions on the host cluster at %s (namespace %s): %s", server, namespace, strings.Join(missing, ", "))
	}
	return nil
}

// missingAccess asks the host, one SelfSubjectAccessReview per verb, what
// the user may not do.
func missingAccess(ctx context.Context, host kubernetes.Interface, namespace string) ([]string, error) {
	var missing []string
	for _, a := range requiredAccess {
		for _, verb := range a.verbs {
			attrs := &authorizationv1.ResourceAttributes{Group: a.group, Resource: a.resource, Verb: verb}
			where := ""
			if !a.clusterScoped {
				attrs.Namespace = namespace
			}
			review, err := host.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx,
				&authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: attrs}},
				metav1.CreateOptions{})
			if err != nil {
				return nil, fmt.Errorf("review access to %s %s: %w", verb, a.resource, err)
			}
			if !review.Status.Allowed {
				if a.group != "" {
					where = "." + a.group
				}
				missing = append(missing, verb+" "+a.resource+where)
			}
		}
	}
	return missing, nil
}

// namespaceExists tells whether the release's namespace is there already.
func namespaceExists(ctx context.Context, host kubernetes.Interface, namespace string) (bool, error) {
	_, err := host.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read namespace %s: %w", namespace, err)
	}
	return true, nil
}
