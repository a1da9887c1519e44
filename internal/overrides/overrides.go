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
	"encoding/json"
	"fmt"
	"sort"

	jsonpatch "github.com/evanphx/json-patch/v5"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

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
	if len(o.Plaintext) > 0 {
		doc, err := json.Marshal(obj.Object)
		if err != nil {
			return fmt.Errorf("plaintext: %w", err)
		}
		for i, p := range o.Plaintext {
			doc, err = patch(doc, string(p.Operator), p.Path, p.Value)
			if err != nil {
				return fmt.Errorf("plaintext[%d]: path %q: %w", i, p.Path, err)
			}
		}
		var m map[string]interface{}
		if err := utiljson.Unmarshal(doc, &m); err != nil {
			return fmt.Errorf("plaintext: %w", err)
		}
		if m == nil {
			return fmt.Errorf("plaintext: the result is not a JSON object")
		}
		obj.Object = m
	}
	return nil
}

// patch applies one RFC 6902 operation to a JSON document.
func patch(doc []byte, op, path string, value *apiextensionsv1.JSON) ([]byte, error) {
	switch op {
	case "add", "replace", "remove":
	default:
		return nil, fmt.Errorf("unsupported operator %q", op)
	}
	if _, err := splitPointer(path); err != nil {
		return nil, err
	}
	operation := map[string]interface{}{"op": op, "path": path}
	if op != "remove" {
		raw, err := rawValue(value)
		if err != nil {
			return nil, err
		}
		operation["value"] = raw
	}
	pb, err := json.Marshal([]interface{}{operation})
	if err != nil {
		return nil, err
	}
	pt, err := jsonpatch.DecodePatch(pb)
	if err != nil {
		return nil, err
	}
	opts := jsonpatch.NewApplyOptions()
	opts.SupportNegativeIndices = false // RFC 6902: no negative indices
	return pt.ApplyWithOptions(doc, opts)
}

// rawValue returns the JSON of a patch value, which add and replace need.
func rawValue(v *apiextensionsv1.JSON) (json.RawMessage, error) {
	if v == nil || len(v.Raw) == 0 {
		return nil, fmt.Errorf("value is required for add and replace")
	}
	if !json.Valid(v.Raw) {
		return nil, fmt.Errorf("value is not valid JSON")
	}
	return json.RawMessage(v.Raw), nil
}

// workloadKinds maps kinds with containers to the path of their containers.
var workloadKinds = map[string][]string{
	"Pod":         {"spec", "containers"},
	"ReplicaSet":  {"spec", "template", "spec", "containers"},
	"Deployment":  {"spec", "template", "spec", "containers"},
	"DaemonSet":   {"spec", "template", "spec", "containers"},
	"StatefulSet": {"spec", "template", "spec", "containers"},
	"Job":         {"spec", "template", "spec", "containers"},
}

// containers returns the containers of a workload, or nil if obj has none
// or is not one of the workload kinds.
func containers(obj map[string]interface{}) ([]interface{}, error) {
	kind, _ := obj["kind"].(string)
	path, ok := workloadKinds[kind]
	if !ok {
		return nil, nil
	}
	v, found, err := unstructured.NestedFieldNoCopy(obj, path...)
	if err != nil || !found || v == nil {
		return nil, nil
	}
	list, ok := v.([]interface{})
	if !ok {
		return nil, fmt.Errorf("%s is %T, not a list", dotted(path), v)
	}
	return list, nil
}

func dotted(path []string) string {
	s := ""
	for i, p := range path {
		if i > 0 {
			s += "."
		}
		s += p
	}
	return s
}

func applyImage(obj map[string]interface{}, o policyv1alpha1.ImageOverrider) error {
	if o.Predicate != nil {
		ref, err := getString(obj, o.Predicate.Path)
		if err != nil {
			return err
		}
		out, err := OverrideImage(ref, o)
		if err != nil {
			return fmt.Errorf("path %q: %w", o.Predicate.Path, err)
		}
		return setExisting(obj, o.Predicate.Path, out)
	}
	list, err := containers(obj)
	if err != nil {
		return err
	}
	for i, c := range list {
		m, ok := c.(map[string]interface{})
		if !ok {
			return fmt.Errorf("container %d is %T, not an object", i, c)
		}
		v, ok := m["image"]
		if !ok {
			continue
		}
		ref, ok := v.(string)
		if !ok {
			return fmt.Errorf("container %d: image is %T, not a string", i, v)
		}
		out, err := OverrideImage(ref, o)
		if err != nil {
			return fmt.Errorf("container %d: %w", i, err)
		}
		m["image"] = out
	}
	return nil
}

func applyCommandArgs(obj map[string]interface{}, field string, o policyv1alpha1.CommandArgsOverrider) error {
	if o.Operator != policyv1alpha1.OverriderOpAdd && o.Operator != policyv1alpha1.OverriderOpRemove {
		return fmt.Errorf("unsupported operator %q", o.Operator)
	}
	list, err := containers(obj)
	if err != nil {
		return err
	}
	for i, c := range list {
		m, ok := c.(map[string]interface{})
		if !ok {
			return fmt.Errorf("container %d is %T, not an object", i, c)
		}
		if name, _ := m["name"].(string); name != o.ContainerName {
			continue
		}
		var cur []interface{}
		if v, ok := m[field]; ok && v != nil {
			cur, ok = v.([]interface{})
			if !ok {
				return fmt.Errorf("container %q: %s is %T, not a list", o.ContainerName, field, v)
			}
		}
		switch o.Operator {
		case policyv1alpha1.OverriderOpAdd:
			next := make([]interface{}, 0, len(cur)+len(o.Value))
			next = append(next, cur...)
			for _, s := range o.Value {
				next = append(next, s)
			}
			m[field] = next
		case policyv1alpha1.OverriderOpRemove:
			if cur == nil {
				continue
			}
			drop := make(map[string]bool, len(o.Value))
			for _, s := range o.Value {
				drop[s] = true
			}
			next := make([]interface{}, 0, len(cur))
			for _, e := range cur {
				if s, ok := e.(string); ok && drop[s] {
					continue
				}
				next = append(next, e)
			}
			m[field] = next
		}
	}
	return nil
}

func applyStringMap(obj map[string]interface{}, field string, o policyv1alpha1.LabelAnnotationOverrider) error {
	switch o.Operator {
	case policyv1alpha1.OverriderOpAdd, policyv1alpha1.OverriderOpRemove, policyv1alpha1.OverriderOpReplace:
	default:
		return fmt.Errorf("unsupported operator %q", o.Operator)
	}
	var meta map[string]interface{}
	if v, ok := obj["metadata"]; ok && v != nil {
		meta, ok = v.(map[string]interface{})
		if !ok {
			return fmt.Errorf("metadata is %T, not an object", v)
		}
	}
	var cur map[string]interface{}
	if meta != nil {
		if v, ok := meta[field]; ok && v != nil {
			cur, ok = v.(map[string]interface{})
			if !ok {
				return fmt.Errorf("metadata.%s is %T, not an object", field, v)
			}
		}
	}
	if o.Operator != policyv1alpha1.OverriderOpAdd && cur == nil {
		return nil
	}
	if cur == nil {
		if len(o.Value) == 0 {
			return nil
		}
		cur = map[string]interface{}{}
		if meta == nil {
			meta = map[string]interface{}{}
			obj["metadata"] = meta
		}
		meta[field] = cur
	}
	for k, v := range o.Value {
		_, exists := cur[k]
		switch o.Operator {
		case policyv1alpha1.OverriderOpAdd:
			cur[k] = v
		case policyv1alpha1.OverriderOpReplace:
			if exists {
				cur[k] = v
			}
		case policyv1alpha1.OverriderOpRemove:
			delete(cur, k)
		}
	}
	return nil
}

func applyField(obj map[string]interface{}, f policyv1alpha1.FieldOverrider) error {
	if len(f.JSON) > 0 && len(f.YAML) > 0 {
		return fmt.Errorf("fieldPath %q: exactly one of json or yaml must be set", f.FieldPath)
	}
	if len(f.JSON) == 0 && len(f.YAML) == 0 {
		return nil
	}
	content, err := getString(obj, f.FieldPath)
	if err != nil {
		return err
	}
	var doc []byte
	if len(f.JSON) > 0 {
		if !json.Valid([]byte(content)) {
			return fmt.Errorf("fieldPath %q does not hold a JSON document", f.FieldPath)
		}
		doc = []byte(content)
		for i, op := range f.JSON {
			doc, err = patch(doc, string(op.Operator), op.SubPath, op.Value)
			if err != nil {
				return fmt.Errorf("fieldPath %q: json[%d]: subPath %q: %w", f.FieldPath, i, op.SubPath, err)
			}
		}
		return setExisting(obj, f.FieldPath, string(doc))
	}
	doc, err = yaml.YAMLToJSON([]byte(content))
	if err != nil {
		return fmt.Errorf("fieldPath %q does not hold a YAML document: %w", f.FieldPath, err)
	}
	for i, op := range f.YAML {
		doc, err = patch(doc, string(op.Operator), op.SubPath, op.Value)
		if err != nil {
			return fmt.Errorf("fieldPath %q: yaml[%d]: subPath %q: %w", f.FieldPath, i, op.SubPath, err)
		}
	}
	out, err := yaml.JSONToYAML(doc)
	if err != nil {
		return fmt.Errorf("fieldPath %q: %w", f.FieldPath, err)
	}
	return setExisting(obj, f.FieldPath, string(out))
}
