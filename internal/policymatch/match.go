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
// Package policymatch decides which propagation policy claims a resource
// template, with Karmada's rules: a selector matches by apiVersion and kind,
// then namespace, then name, else label selector; a namespaced policy beats
// a cluster-wide one; then explicit priority, then the most specific
// selector (name > labels > kind only), then the policy name.
package policymatch

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// Specificity of a selector match; higher wins.
type Specificity int

const (
	// NoMatch means the selector does not select the template.
	NoMatch Specificity = iota
	// MatchAll means apiVersion and kind alone matched.
	MatchAll
	// MatchLabels means the label selector matched.
	MatchLabels
	// MatchName means the name matched.
	MatchName
)

// Selector returns how specifically one selector selects obj. An empty
// selector namespace matches any namespace (a namespaced policy's selectors
// are confined to its namespace by Best).
func Selector(s policyv1alpha1.ResourceSelector, obj *unstructured.Unstructured) Specificity {
	if s.APIVersion != obj.GetAPIVersion() || s.Kind != obj.GetKind() {
		return NoMatch
	}
	if s.Namespace != "" && s.Namespace != obj.GetNamespace() {
		return NoMatch
	}
	if s.Name != "" {
		if s.Name == obj.GetName() {
			return MatchName
		}
		return NoMatch
	}
	if s.LabelSelector != nil {
		sel, err := metav1.LabelSelectorAsSelector(s.LabelSelector)
		if err != nil || !sel.Matches(labels.Set(obj.GetLabels())) {
			return NoMatch
		}
		return MatchLabels
	}
	return MatchAll
}

// Selectors returns the best specificity over a policy's selectors.
func Selectors(selectors []policyv1alpha1.ResourceSelector, obj *unstructured.Unstructured) Specificity {
	best := NoMatch
	for _, s := range selectors {
		best = max(best, Selector(s, obj))
	}
	return best
}

// Candidate is a policy considered for a template.
type Candidate struct {
	Name string
	// Namespace is empty for a ClusterPropagationPolicy.
	Namespace string
	Spec      *policyv1alpha1.PropagationSpec
}

// Best picks the policy that claims obj, or false if none selects it. A
// namespaced policy only acts in its own namespace.
func Best(obj *unstructured.Unstructured, candidates []Candidate) (Candidate, bool) {
	var best Candidate
	bestNamespaced, bestPriority, bestSpec, found := false, int32(0), NoMatch, false
	for _, c := range candidates {
		namespaced := c.Namespace != ""
		if namespaced && c.Namespace != obj.GetNamespace() {
			continue
		}
		spec := Selectors(c.Spec.ResourceSelectors, obj)
		if spec == NoMatch {
			continue
		}
		priority := int32(0)
		if c.Spec.Priority != nil {
			priority = *c.Spec.Priority
		}
		better := !found
		if found {
			switch {
			case namespaced != bestNamespaced:
				better = namespaced
			case priority != bestPriority:
				better = priority > bestPriority
			case spec != bestSpec:
				better = spec > bestSpec
			default:
				better = c.Name < best.Name
			}
		}
		if better {
			best, bestNamespaced, bestPriority, bestSpec, found = c, namespaced, priority, spec, true
		}
	}
	return best, found
}
