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
// Package scenario turns a what-if scenario (Clusters, one workload
// template, one propagation policy, any override policies, optionally the
// previous binding) into the scheduler's input, and the decision into the
// ResourceBinding and the Works the control plane would write. 'kurator
// schedule' is built on it.
package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"kurator.dev/kurator/config/crd"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/overrides"
	"kurator.dev/kurator/internal/policymatch"
	"kurator.dev/kurator/internal/scheduler/estimator"
)

// NodesAnnotation on a scenario's Cluster describes its nodes, so capacity
// is estimated per node instead of from the resource summary. Its value is a
// JSON (or YAML) list of node groups:
//
//	[{"count": 3, "cpu": "4", "memory": "16Gi", "pods": 110,
//	  "requestedCpu": "1", "requestedMemory": "2Gi", "runningPods": 5,
//	  "labels": {"disk": "ssd"}, "taints": [{"key": "gpu", "effect": "NoSchedule"}]}]
//
// requested* and runningPods are per node.
const NodesAnnotation = "scheduler.kurator.dev/nodes"

// NodeGroup is one entry of the NodesAnnotation.
type NodeGroup struct {
	Count           int               `json:"count"`
	CPU             string            `json:"cpu"`
	Memory          string            `json:"memory"`
	Pods            int64             `json:"pods"`
	RequestedCPU    string            `json:"requestedCpu,omitempty"`
	RequestedMemory string            `json:"requestedMemory,omitempty"`
	RunningPods     int64             `json:"runningPods,omitempty"`
	Labels          map[string]string `json:"labels,omitempty"`
	Taints          []corev1.Taint    `json:"taints,omitempty"`
}

// Scenario is a parsed what-if input.
type Scenario struct {
	Clusters []*karmadaclusterv1alpha1.Cluster
	Template *unstructured.Unstructured
	// Policy is the PropagationPolicy or ClusterPropagationPolicy.
	PolicyKind      string
	PolicyName      string
	PolicyNamespace string
	// PolicyLabels say, among others, whether the policy targets a Fleet.
	PolicyLabels map[string]string
	// PolicyAnnotations carry the policy's opt-ins (failback, cost-weight).
	PolicyAnnotations map[string]string
	Policy            *policyv1alpha1.PropagationSpec
	// Previous, if given, holds the decision in force in spec.clusters.
	Previous *workv1alpha2.ResourceBinding
	// Overrides are the OverridePolicies (Namespace set) and
	// ClusterOverridePolicies (Namespace empty) of the scenario. An
	// OverridePolicy without a namespace is in the template's namespace
	// ("default" for a cluster-scoped template), as if both were applied
	// with the same 'kubectl apply -n'.
	Overrides []overrides.Policy
	// Customizations are ResourceInterpreterCustomizations that decide how
	// the template's kind is interpreted, as on the control plane.
	Customizations []*configv1alpha1.ResourceInterpreterCustomization

	templates        []*unstructured.Unstructured
	overridePolicies []*policyv1alpha1.OverridePolicy
}

// Parse reads a multi-document YAML scenario.
func Parse(r io.Reader) (*Scenario, error) {
	s := &Scenario{}
	dec := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	for i := 1; ; i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
			continue
		}
		if err := s.add(i, raw); err != nil {
			return nil, err
		}
	}
	return s, s.validate()
}

func (s *Scenario) add(i int, raw []byte) error {
	var tm metav1.TypeMeta
	if err := json.Unmarshal(raw, &tm); err != nil {
		return fmt.Errorf("document %d: %w", i, err)
	}
	strict := func(into any) error {
		if err := yaml.UnmarshalStrict(raw, into); err != nil {
			return fmt.Errorf("document %d (%s): %w", i, tm.Kind, err)
		}
		return nil
	}
	// Policies, and Istio routing objects beside a template, are checked as
	// the control plane's API server checks them (schema and CEL rules), so
	// a what-if never accepts what apply refuses.
	if tm.APIVersion == policyv1alpha1.SchemeGroupVersion.String() || tm.APIVersion == configv1alpha1.SchemeGroupVersion.String() ||
		strings.HasPrefix(tm.APIVersion, "networking.istio.io/") {
		if err := admit(i, raw); err != nil {
			return err
		}
	}
	switch {
	case tm.APIVersion == karmadaclusterv1alpha1.SchemeGroupVersion.String() && tm.Kind == "Cluster":
		c := &karmadaclusterv1alpha1.Cluster{}
		if err := strict(c); err != nil {
			return err
		}
		s.Clusters = append(s.Clusters, c)
	case tm.APIVersion == policyv1alpha1.SchemeGroupVersion.String() && (tm.Kind == "PropagationPolicy" || tm.Kind == "ClusterPropagationPolicy"):
		if s.Policy != nil {
			return fmt.Errorf("document %d: a scenario has exactly one propagation policy, found a second (%s)", i, tm.Kind)
		}
		p := &policyv1alpha1.PropagationPolicy{}
		if err := strict(p); err != nil {
			return err
		}
		s.PolicyKind, s.PolicyName, s.PolicyNamespace, s.PolicyLabels, s.PolicyAnnotations, s.Policy = tm.Kind, p.Name, p.Namespace, p.Labels, p.Annotations, &p.Spec
	case tm.APIVersion == policyv1alpha1.SchemeGroupVersion.String() && tm.Kind == "OverridePolicy":
		p := &policyv1alpha1.OverridePolicy{}
		if err := strict(p); err != nil {
			return err
		}
		if p.Name == "" {
			return fmt.Errorf("document %d: the OverridePolicy has no name", i)
		}
		if errs := policyv1alpha1.ValidateOverrideValues(&p.Spec, field.NewPath("spec")); len(errs) > 0 {
			return fmt.Errorf("document %d (OverridePolicy %s): %w", i, p.Name, errs.ToAggregate())
		}
		// The namespace is settled in validate, once the template is known;
		// an empty one must not make it a ClusterOverridePolicy.
		s.overridePolicies = append(s.overridePolicies, p)
	case tm.APIVersion == policyv1alpha1.SchemeGroupVersion.String() && tm.Kind == "ClusterOverridePolicy":
		p := &policyv1alpha1.ClusterOverridePolicy{}
		if err := strict(p); err != nil {
			return err
		}
		if p.Name == "" {
			return fmt.Errorf("document %d: the ClusterOverridePolicy has no name", i)
		}
		if errs := policyv1alpha1.ValidateOverrideValues(&p.Spec, field.NewPath("spec")); len(errs) > 0 {
			return fmt.Errorf("document %d (ClusterOverridePolicy %s): %w", i, p.Name, errs.ToAggregate())
		}
		s.Overrides = append(s.Overrides, overrides.Policy{Name: p.Name, Spec: &p.Spec})
	case tm.APIVersion == configv1alpha1.SchemeGroupVersion.String() && tm.Kind == "ResourceInterpreterCustomization":
		ric := &configv1alpha1.ResourceInterpreterCustomization{}
		if err := strict(ric); err != nil {
			return err
		}
		s.Customizations = append(s.Customizations, ric)
	case tm.APIVersion == workv1alpha2.SchemeGroupVersion.String() && (tm.Kind == "ResourceBinding" || tm.Kind == "ClusterResourceBinding"):
		rb := &workv1alpha2.ResourceBinding{}
		if err := strict(rb); err != nil {
			return err
		}
		s.Previous = rb
	case tm.APIVersion == "" || tm.Kind == "":
		return fmt.Errorf("document %d has no apiVersion or kind", i)
	default:
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(raw); err != nil {
			return fmt.Errorf("document %d: %w", i, err)
		}
		s.templates = append(s.templates, u)
	}
	return nil
}

// pickTemplate chooses the workload: the only other object, or else the one
// object the policy selects (so a seed file with a VirtualService next to
// its policy works as it is).
func (s *Scenario) pickTemplate() error {
	if len(s.templates) == 1 {
		s.Template = s.templates[0]
		return nil
	}
	var names []string
	for _, t := range s.templates {
		names = append(names, t.GetKind()+" "+t.GetName())
		if s.Policy == nil {
			continue
		}
		probe := t.DeepCopy()
		if probe.GetNamespace() == "" && s.PolicyKind == "PropagationPolicy" {
			probe.SetNamespace(defaultNamespace(s.PolicyNamespace))
		}
		if policymatch.Selectors(s.Policy.ResourceSelectors, probe) != policymatch.NoMatch {
			if s.Template != nil {
				return fmt.Errorf("a scenario has exactly one workload template: the policy selects both %s %s and %s %s", s.Template.GetKind(), s.Template.GetName(), t.GetKind(), t.GetName())
			}
			s.Template = t
		}
	}
	if s.Template == nil && len(s.templates) > 1 {
		return fmt.Errorf("a scenario has exactly one workload template; found %s and the policy selects none of them", strings.Join(names, ", "))
	}
	return nil
}

func defaultNamespace(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

func (s *Scenario) validate() error {
	if err := s.pickTemplate(); err != nil {
		return err
	}
	switch {
	case len(s.Clusters) == 0:
		return errors.New("the scenario has no cluster.karmada.io/v1alpha1 Cluster")
	case s.Template == nil:
		return errors.New("the scenario has no workload template")
	case s.Policy == nil:
		return errors.New("the scenario has no PropagationPolicy or ClusterPropagationPolicy")
	}
	if s.Template.GetNamespace() == "" && s.PolicyKind == "PropagationPolicy" {
		s.Template.SetNamespace(defaultNamespace(s.PolicyNamespace))
	}
	for _, p := range s.overridePolicies {
		ns := p.Namespace
		if ns == "" {
			ns = defaultNamespace(s.Template.GetNamespace())
		}
		s.Overrides = append(s.Overrides, overrides.Policy{Name: p.Name, Namespace: ns, Spec: &p.Spec})
	}
	s.overridePolicies = nil
	seen := map[string]bool{}
	for _, c := range s.Clusters {
		if c.Name == "" {
			return errors.New("a Cluster has no name")
		}
		if seen[c.Name] {
			return fmt.Errorf("cluster %s is listed twice", c.Name)
		}
		seen[c.Name] = true
	}
	return nil
}

// nodes builds the estimator's view of a cluster's annotated nodes.
func nodes(c *karmadaclusterv1alpha1.Cluster) ([]estimator.Node, error) {
	v, ok := c.Annotations[NodesAnnotation]
	if !ok {
		return nil, nil
	}
	var groups []NodeGroup
	if err := yaml.UnmarshalStrict([]byte(v), &groups); err != nil {
		return nil, fmt.Errorf("cluster %s: annotation %s: %w", c.Name, NodesAnnotation, err)
	}
	var out []estimator.Node
	for gi, g := range groups {
		parse := func(field, s string) (resource.Quantity, error) {
			if s == "" {
				return resource.Quantity{}, nil
			}
			q, err := resource.ParseQuantity(s)
			if err != nil {
				return q, fmt.Errorf("cluster %s: annotation %s: group %d %s %q: %w", c.Name, NodesAnnotation, gi, field, s, err)
			}
			return q, nil
		}
		cpu, err := parse("cpu", g.CPU)
		if err != nil {
			return nil, err
		}
		mem, err := parse("memory", g.Memory)
		if err != nil {
			return nil, err
		}
		rcpu, err := parse("requestedCpu", g.RequestedCPU)
		if err != nil {
			return nil, err
		}
		rmem, err := parse("requestedMemory", g.RequestedMemory)
		if err != nil {
			return nil, err
		}
		if g.Count < 0 || g.Pods < 0 {
			return nil, fmt.Errorf("cluster %s: annotation %s: group %d has a negative count or pods", c.Name, NodesAnnotation, gi)
		}
		pods := g.Pods
		if pods == 0 {
			pods = 110
		}
		for n := range g.Count {
			out = append(out, estimator.Node{
				Node: &corev1.Node{
					ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-g%d-n%d", c.Name, gi, n), Labels: g.Labels},
					Spec:       corev1.NodeSpec{Taints: g.Taints},
					Status: corev1.NodeStatus{
						Allocatable: corev1.ResourceList{corev1.ResourceCPU: cpu, corev1.ResourceMemory: mem, corev1.ResourcePods: *resource.NewQuantity(pods, resource.DecimalSI)},
						Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
					},
				},
				Requested: corev1.ResourceList{corev1.ResourceCPU: rcpu, corev1.ResourceMemory: rmem},
				Pods:      g.RunningPods,
			})
		}
	}
	return out, nil
}

// admit refuses a document the control plane's API server would refuse on
// create, with its messages.
func admit(i int, raw []byte) error {
	// Integers decode as int64, as the API server decodes them.
	obj := map[string]any{}
	if err := utiljson.Unmarshal(raw, &obj); err != nil {
		return fmt.Errorf("document %d: %w", i, err)
	}
	errs := crd.Validate(obj)
	if len(errs) == 0 {
		return nil
	}
	u := unstructured.Unstructured{Object: obj}
	return fmt.Errorf("document %d (%s %s): the control plane would refuse it: %w", i, u.GetKind(), u.GetName(), errs.ToAggregate())
}
