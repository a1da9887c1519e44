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

// Package overrides applies OverridePolicies and ClusterOverridePolicies to
// a resource template for one member cluster, with Karmada's semantics.
package overrides

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/policymatch"
	"kurator.dev/kurator/internal/scheduler/affinity"
)

// Policy is an OverridePolicy (Namespace set) or a ClusterOverridePolicy
// (Namespace empty).
type Policy struct {
	Name      string
	Namespace string
	Spec      *policyv1alpha1.OverrideSpec
}

// DeprecatedRule is the Rule of an Applied entry for the deprecated
// top-level targetCluster and overriders of a policy.
const DeprecatedRule = -1

// Applied records one rule that was applied.
type Applied struct {
	// Policy is the policy's name.
	Policy string
	// Namespace is the policy's namespace; empty for a
	// ClusterOverridePolicy.
	Namespace string
	// Rule is the index in overrideRules, or DeprecatedRule.
	Rule int
}

// Apply returns a copy of obj changed by every policy that selects it, as
// sent to cluster, and the rules applied, in order. obj is not modified.
//
// ClusterOverridePolicies run first, then the OverridePolicies of obj's
// namespace (a namespaced policy never applies to an object of another
// namespace, nor to a cluster-scoped object). Within each group policies
// run in ascending order of specificity (no selectors or apiVersion/kind
// only < label selector < name), then by name, so the more specific policy
// writes last and wins. Each policy applies its overrideRules in order
// (those whose targetCluster matches cluster; a nil targetCluster matches
// every cluster); its deprecated targetCluster and overriders only when
// overrideRules is empty. A rule applies its overriders in the order image,
// command, args, labels, annotations, field, plaintext.
//
// On error no object is returned; the error names the policy, rule,
// overrider and path.
func Apply(obj *unstructured.Unstructured, cluster *karmadaclusterv1alpha1.Cluster, policies []Policy) (*unstructured.Unstructured, []Applied, error) {
	if obj == nil {
		return nil, nil, fmt.Errorf("nil object")
	}
	if cluster == nil {
		cluster = &karmadaclusterv1alpha1.Cluster{}
	}
	type selected struct {
		p    Policy
		spec policymatch.Specificity
	}
	var sel []selected
	for _, p := range policies {
		if p.Spec == nil {
			continue
		}
		if p.Namespace != "" && p.Namespace != obj.GetNamespace() {
			continue
		}
		s := policymatch.MatchAll
		if len(p.Spec.ResourceSelectors) > 0 {
			s = policymatch.Selectors(p.Spec.ResourceSelectors, obj)
			if s == policymatch.NoMatch {
				continue
			}
		}
		sel = append(sel, selected{p, s})
	}
	sort.SliceStable(sel, func(i, j int) bool {
		a, b := sel[i], sel[j]
		if (a.p.Namespace != "") != (b.p.Namespace != "") {
			return a.p.Namespace == ""
		}
		if a.spec != b.spec {
			return a.spec < b.spec
		}
		return a.p.Name < b.p.Name
	})

	out := obj.DeepCopy()
	var applied []Applied
	for _, s := range sel {
		p := s.p
		name := p.Name
		if p.Namespace != "" {
			name = p.Namespace + "/" + p.Name
		}
		if len(p.Spec.OverrideRules) == 0 {
			if !affinity.Compile(p.Spec.TargetCluster).Matches(cluster) {
				continue
			}
			if err := applyOverriders(out, &p.Spec.Overriders); err != nil {
				return nil, nil, fmt.Errorf("policy %s: overriders: %w", name, err)
			}
			applied = append(applied, Applied{Policy: p.Name, Namespace: p.Namespace, Rule: DeprecatedRule})
			continue
		}
		for i := range p.Spec.OverrideRules {
			r := &p.Spec.OverrideRules[i]
			if !affinity.Compile(r.TargetCluster).Matches(cluster) {
				continue
			}
			if err := applyOverriders(out, &r.Overriders); err != nil {
				return nil, nil, fmt.Errorf("policy %s: overrideRules[%d]: %w", name, i, err)
			}
			applied = append(applied, Applied{Policy: p.Name, Namespace: p.Namespace, Rule: i})
		}
	}
	return out, applied, nil
}

// applyOverriders applies one rule's overriders, in the fixed order, to
// obj in place.
func applyOverriders(obj *unstructured.Unstructured, o *policyv1alpha1.Overriders) error {
	for i, io := range o.ImageOverrider {
		if err := applyImage(obj.Object, io); err != nil {
			return fmt.Errorf("imageOverrider[%d]: %w", i, err)
		}
	}
	for i, c := range o.CommandOverrider {
		if err := applyCommandArgs(obj.Object, "command", c); err != nil {
			return fmt.Errorf("commandOverrider[%d]: %w", i, err)
		}
	}
	for i, c := range o.ArgsOverrider {
		if err := applyCommandArgs(obj.Object, "args", c); err != nil {
			return fmt.Errorf("argsOverrider[%d]: %w", i, err)
		}
	}
	for i, l := range o.LabelsOverrider {
		if err := applyStringMap(obj.Object, "labels", l); err != nil {
			return fmt.Errorf("labelsOverrider[%d]: %w", i, err)
		}
	}
	for i, l := range o.AnnotationsOverrider {
		if err := applyStringMap(obj.Object, "annotations", l); err != nil {
			return fmt.Errorf("annotationsOverrider[%d]: %w", i, err)
		}
	}
	for i, f := range o.FieldOverrider {
		if err := applyField(obj.Object, f); err != nil {
			return fmt.Errorf("fieldOverrider[%d]: %w", i, err)
		}
	}
	return applyPlaintext(obj, o.Plaintext)
}
