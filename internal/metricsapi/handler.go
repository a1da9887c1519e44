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

package metricsapi

import (
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
)

// GroupVersion is what this server serves.
var GroupVersion = metricsv1beta1.SchemeGroupVersion

var versionPath = "/apis/" + GroupVersion.Group + "/" + GroupVersion.Version

func groupResource(resource string) schema.GroupResource {
	return schema.GroupResource{Group: GroupVersion.Group, Resource: resource}
}

// ServeHTTP answers health checks to anyone and everything else only to an
// authenticated client.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch path {
	case "/healthz", "/livez", "/readyz":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
		return
	}
	if err := s.authenticate(r); err != nil {
		writeStatus(w, err)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeStatus(w, apierrors.NewMethodNotSupported(groupResource(""), strings.ToLower(r.Method)))
		return
	}
	switch path {
	case "/apis":
		writeJSON(w, http.StatusOK, &metav1.APIGroupList{
			TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"},
			Groups:   []metav1.APIGroup{apiGroup()},
		})
	case "/apis/" + GroupVersion.Group:
		g := apiGroup()
		g.TypeMeta = metav1.TypeMeta{Kind: "APIGroup", APIVersion: "v1"}
		writeJSON(w, http.StatusOK, &g)
	case versionPath:
		writeJSON(w, http.StatusOK, apiResources())
	case "/openapi/v2":
		// An empty document, not a 404: kube-apiserver 1.37 wraps a 404
		// from an aggregated server into an error it then does not
		// recognise, and logs and retries it with backoff for ever.
		writeJSON(w, http.StatusOK, openAPIV2)
	default:
		rest, ok := strings.CutPrefix(path, versionPath+"/")
		if !ok {
			// Includes /openapi/v3: on a 404 there the aggregator quietly
			// converts /openapi/v2 instead.
			writeStatus(w, apierrors.NewNotFound(schema.GroupResource{}, path))
			return
		}
		s.serveResource(w, r, strings.Split(rest, "/"))
	}
}

// serveResource routes nodes[/NAME], pods and namespaces/NS/pods[/NAME].
func (s *Server) serveResource(w http.ResponseWriter, r *http.Request, segments []string) {
	var namespace string
	if len(segments) >= 3 && segments[0] == "namespaces" && segments[2] == "pods" {
		namespace, segments = segments[1], segments[2:]
	}
	if len(segments) == 0 || len(segments) > 2 {
		writeStatus(w, apierrors.NewNotFound(schema.GroupResource{}, r.URL.Path))
		return
	}
	resource := segments[0]
	if resource != "nodes" && resource != "pods" {
		writeStatus(w, apierrors.NewNotFound(schema.GroupResource{}, r.URL.Path))
		return
	}
	if watch := r.URL.Query().Get("watch"); watch == "true" || watch == "1" {
		// Usage is a point in time, not a stream of changes.
		writeStatus(w, apierrors.NewMethodNotSupported(groupResource(resource), "watch"))
		return
	}
	if len(segments) == 2 {
		s.get(w, resource, namespace, segments[1])
		return
	}
	s.list(w, r, resource, namespace)
}

// openAPIV2 is a valid OpenAPI v2 document describing nothing.
var openAPIV2 = map[string]any{
	"swagger": "2.0",
	"info":    map[string]string{"title": GroupVersion.Group, "version": GroupVersion.Version},
	"paths":   map[string]any{},
}

func apiGroup() metav1.APIGroup {
	version := metav1.GroupVersionForDiscovery{GroupVersion: GroupVersion.String(), Version: GroupVersion.Version}
	return metav1.APIGroup{
		Name:             GroupVersion.Group,
		Versions:         []metav1.GroupVersionForDiscovery{version},
		PreferredVersion: version,
	}
}

func apiResources() *metav1.APIResourceList {
	verbs := metav1.Verbs{"get", "list"}
	return &metav1.APIResourceList{
		TypeMeta:     metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
		GroupVersion: GroupVersion.String(),
		APIResources: []metav1.APIResource{
			{Name: "nodes", SingularName: "nodemetrics", Namespaced: false, Kind: "NodeMetrics", Verbs: verbs},
			{Name: "pods", SingularName: "podmetrics", Namespaced: true, Kind: "PodMetrics", Verbs: verbs},
		},
	}
}
