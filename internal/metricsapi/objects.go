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
	"cmp"
	"net/http"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
)

// Field selectors the lists understand, as metrics-server's.
var (
	nodeFields = []string{"metadata.name"}
	podFields  = []string{"metadata.name", "metadata.namespace"}
)

func (s *Server) get(w http.ResponseWriter, resource, namespace, name string) {
	byName := fields.OneTermEqualSelector("metadata.name", name)
	switch {
	case resource == "nodes":
		if items := s.nodeMetrics(labels.Everything(), byName); len(items) == 1 {
			m := items[0]
			m.TypeMeta = metav1.TypeMeta{Kind: "NodeMetrics", APIVersion: GroupVersion.String()}
			writeJSON(w, http.StatusOK, &m)
			return
		}
	case namespace != "":
		if items := s.podMetrics(namespace, labels.Everything(), byName); len(items) == 1 {
			m := items[0]
			m.TypeMeta = metav1.TypeMeta{Kind: "PodMetrics", APIVersion: GroupVersion.String()}
			writeJSON(w, http.StatusOK, &m)
			return
		}
	}
	writeStatus(w, apierrors.NewNotFound(groupResource(resource), name))
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, resource, namespace string) {
	allowed := podFields
	if resource == "nodes" {
		allowed = nodeFields
	}
	labelSel, fieldSel, err := selectors(r, allowed)
	if err != nil {
		writeStatus(w, err)
		return
	}
	if resource == "nodes" {
		writeJSON(w, http.StatusOK, &metricsv1beta1.NodeMetricsList{
			TypeMeta: metav1.TypeMeta{Kind: "NodeMetricsList", APIVersion: GroupVersion.String()},
			Items:    s.nodeMetrics(labelSel, fieldSel),
		})
		return
	}
	writeJSON(w, http.StatusOK, &metricsv1beta1.PodMetricsList{
		TypeMeta: metav1.TypeMeta{Kind: "PodMetricsList", APIVersion: GroupVersion.String()},
		Items:    s.podMetrics(namespace, labelSel, fieldSel),
	})
}

// selectors parses the labelSelector and fieldSelector query parameters.
func selectors(r *http.Request, allowedFields []string) (labels.Selector, fields.Selector, *apierrors.StatusError) {
	q := r.URL.Query()
	labelSel, err := labels.Parse(q.Get("labelSelector"))
	if err != nil {
		return nil, nil, apierrors.NewBadRequest("labelSelector: " + err.Error())
	}
	fieldSel, err := fields.ParseSelector(q.Get("fieldSelector"))
	if err != nil {
		return nil, nil, apierrors.NewBadRequest("fieldSelector: " + err.Error())
	}
	for _, req := range fieldSel.Requirements() {
		if !slices.Contains(allowedFields, req.Field) {
			return nil, nil, apierrors.NewBadRequest("fieldSelector: field label not supported: " + req.Field)
		}
	}
	return labelSel, fieldSel, nil
}

// nodeMetrics returns the usage of the known nodes that match, by name.
func (s *Server) nodeMetrics(labelSel labels.Selector, fieldSel fields.Selector) []metricsv1beta1.NodeMetrics {
	now := metav1.NewTime(s.opts.Clock.Now())
	out := []metricsv1beta1.NodeMetrics{}
	for _, u := range s.opts.Source.Nodes() {
		if !fieldSel.Matches(fields.Set{"metadata.name": u.Name}) {
			continue
		}
		node, err := s.opts.Nodes.Get(u.Name)
		if err != nil || !labelSel.Matches(labels.Set(node.Labels)) {
			continue
		}
		out = append(out, metricsv1beta1.NodeMetrics{
			ObjectMeta: metav1.ObjectMeta{Name: u.Name, Labels: node.Labels, CreationTimestamp: now},
			Timestamp:  metav1.NewTime(u.Timestamp),
			Window:     metav1.Duration{Duration: u.Window},
			Usage:      corev1.ResourceList{corev1.ResourceCPU: u.CPU, corev1.ResourceMemory: u.Memory},
		})
	}
	slices.SortFunc(out, func(a, b metricsv1beta1.NodeMetrics) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// podMetrics returns the usage of the known pods in namespace (all when
// empty) that match, by namespace and name.
func (s *Server) podMetrics(namespace string, labelSel labels.Selector, fieldSel fields.Selector) []metricsv1beta1.PodMetrics {
	now := metav1.NewTime(s.opts.Clock.Now())
	out := []metricsv1beta1.PodMetrics{}
	for _, u := range s.opts.Source.Pods() {
		if namespace != "" && u.Namespace != namespace {
			continue
		}
		if !fieldSel.Matches(fields.Set{"metadata.name": u.Name, "metadata.namespace": u.Namespace}) {
			continue
		}
		pod, err := s.opts.Pods.Pods(u.Namespace).Get(u.Name)
		if err != nil || !labelSel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		containers := make([]metricsv1beta1.ContainerMetrics, 0, len(u.Containers))
		for _, c := range u.Containers {
			containers = append(containers, metricsv1beta1.ContainerMetrics{
				Name:  c.Name,
				Usage: corev1.ResourceList{corev1.ResourceCPU: c.CPU, corev1.ResourceMemory: c.Memory},
			})
		}
		out = append(out, metricsv1beta1.PodMetrics{
			ObjectMeta: metav1.ObjectMeta{Namespace: u.Namespace, Name: u.Name, Labels: pod.Labels, CreationTimestamp: now},
			Timestamp:  metav1.NewTime(u.Timestamp),
			Window:     metav1.Duration{Duration: u.Window},
			Containers: containers,
		})
	}
	slices.SortFunc(out, func(a, b metricsv1beta1.PodMetrics) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return out
}
