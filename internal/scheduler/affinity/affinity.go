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
// Package affinity matches clusters against Karmada's ClusterAffinity (names,
// exclusions, label and field selectors) and scores them against preferred,
// weighted terms. The scheduler's filters, static weights and overrides all
// use it.
package affinity

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// Matches reports whether the cluster satisfies the affinity. A nil affinity
// matches every cluster. Exclusion wins; names, labels and fields are ANDed,
// and an empty part matches everything. To match many clusters, Compile once.
func Matches(a *policyv1alpha1.ClusterAffinity, c *karmadaclusterv1alpha1.Cluster) bool {
	return Compile(a).Matches(c)
}

// Matcher is a ClusterAffinity prepared for matching many clusters.
type Matcher struct {
	all      bool
	invalid  bool
	exclude  map[string]bool
	names    map[string]bool
	selector labels.Selector
	fields   []corev1.NodeSelectorRequirement
}

// Compile prepares an affinity; nil matches everything.
func Compile(a *policyv1alpha1.ClusterAffinity) *Matcher {
	if a == nil {
		return &Matcher{all: true}
	}
	m := &Matcher{}
	if len(a.ExcludeClusters) > 0 {
		m.exclude = make(map[string]bool, len(a.ExcludeClusters))
		for _, n := range a.ExcludeClusters {
			m.exclude[n] = true
		}
	}
	if len(a.ClusterNames) > 0 {
		m.names = make(map[string]bool, len(a.ClusterNames))
		for _, n := range a.ClusterNames {
			m.names[n] = true
		}
	}
	if a.LabelSelector != nil {
		sel, err := metav1.LabelSelectorAsSelector(a.LabelSelector)
		if err != nil {
			m.invalid = true
		}
		m.selector = sel
	}
	if a.FieldSelector != nil {
		m.fields = a.FieldSelector.MatchExpressions
	}
	return m
}

// OnlyNames returns the cluster names when the affinity selects by name
// alone, so callers can index it without compiling it.
func OnlyNames(a *policyv1alpha1.ClusterAffinity) ([]string, bool) {
	if a == nil || a.LabelSelector != nil || len(a.ExcludeClusters) > 0 || len(a.ClusterNames) == 0 ||
		(a.FieldSelector != nil && len(a.FieldSelector.MatchExpressions) > 0) {
		return nil, false
	}
	return a.ClusterNames, true
}

// Matches reports whether the cluster satisfies the affinity.
func (m *Matcher) Matches(c *karmadaclusterv1alpha1.Cluster) bool {
	switch {
	case m.all:
		return true
	case m.invalid, m.exclude[c.Name]:
		return false
	case m.names != nil && !m.names[c.Name]:
		return false
	case m.selector != nil && !m.selector.Matches(labels.Set(c.Labels)):
		return false
	}
	for _, r := range m.fields {
		if !matchField(r, c) {
			return false
		}
	}
	return true
}

// matchField evaluates one provider/region/zone expression. Zones match In
// when any zone is listed, NotIn when none is.
func matchField(r corev1.NodeSelectorRequirement, c *karmadaclusterv1alpha1.Cluster) bool {
	var values []string
	switch r.Key {
	case policyv1alpha1.ClusterFieldProvider:
		values = []string{c.Spec.Provider}
	case policyv1alpha1.ClusterFieldRegion:
		values = []string{c.Spec.Region}
	case policyv1alpha1.ClusterFieldZone:
		values = c.Spec.EffectiveZones()
	default:
		return false
	}
	found := false
	for _, v := range values {
		if v != "" && slices.Contains(r.Values, v) {
			found = true
		}
	}
	switch r.Operator {
	case corev1.NodeSelectorOpIn:
		return found
	case corev1.NodeSelectorOpNotIn:
		return !found
	case corev1.NodeSelectorOpExists:
		return len(values) > 0 && values[0] != ""
	case corev1.NodeSelectorOpDoesNotExist:
		return len(values) == 0 || values[0] == ""
	default:
		return false
	}
}

// PreferredScore sums the weights of the preferred terms the cluster matches
// (each term: its label expressions against labels, its field expressions
// against provider/region/zone).
func PreferredScore(terms []policyv1alpha1.PreferredClusterTerm, c *karmadaclusterv1alpha1.Cluster) int64 {
	var score int64
	for _, t := range terms {
		if matchTerm(t.Preference, c) {
			score += int64(t.Weight)
		}
	}
	return score
}

func matchTerm(t policyv1alpha1.ClusterSelectorTerm, c *karmadaclusterv1alpha1.Cluster) bool {
	if len(t.MatchExpressions) == 0 && len(t.MatchFields) == 0 {
		return false
	}
	set := labels.Set(c.Labels)
	for _, r := range t.MatchExpressions {
		req, err := labels.NewRequirement(r.Key, nodeOp(r.Operator), r.Values)
		if err != nil || !req.Matches(set) {
			return false
		}
	}
	for _, r := range t.MatchFields {
		if !matchField(r, c) {
			return false
		}
	}
	return true
}

func nodeOp(op corev1.NodeSelectorOperator) selection.Operator {
	switch op {
	case corev1.NodeSelectorOpIn:
		return selection.In
	case corev1.NodeSelectorOpNotIn:
		return selection.NotIn
	case corev1.NodeSelectorOpExists:
		return selection.Exists
	case corev1.NodeSelectorOpDoesNotExist:
		return selection.DoesNotExist
	case corev1.NodeSelectorOpGt:
		return selection.GreaterThan
	case corev1.NodeSelectorOpLt:
		return selection.LessThan
	default:
		return selection.Operator(op)
	}
}
