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

// Package overrideusage tells what an override policy did: the templates
// and member clusters it changed (read from the kurator.dev/applied-overrides
// annotation of the rendered manifests in the Works), the bindings it
// failed to render, and the recent events about it.
package overrideusage

import (
	"context"
	"fmt"
	"sort"
	"strings"

	eventsv1 "k8s.io/api/events/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/eventlist"
	"kurator.dev/kurator/internal/render"
)

// Applied is one template and cluster a policy changed.
type Applied struct {
	Template string
	Cluster  string
	Rules    []int
}

// Failure is one cluster of a binding that a policy failed to render.
type Failure struct {
	Binding string
	Cluster string
	Message string
}

// Usage is what an override policy did.
type Usage struct {
	// Applied is sorted by template, then cluster.
	Applied []Applied
	// Failures is sorted by binding.
	Failures []Failure
	// Events are the most recent (see eventlist.Recent), oldest first.
	Events []eventsv1.Event
}

// policyID is how the applied annotation and render errors name a policy:
// namespace/name, or name for a ClusterOverridePolicy.
func policyID(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

// Of reads the Works, bindings and events of the control plane for what
// the policy ns/name (ns empty: a ClusterOverridePolicy) with uid did.
func Of(ctx context.Context, c client.Reader, ns, name string, uid types.UID) (*Usage, error) {
	id := policyID(ns, name)
	var works workv1alpha1.WorkList
	var workOpts []client.ListOption
	if ns != "" {
		// A namespaced policy only changes templates of its namespace.
		workOpts = append(workOpts, client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: ns})
	}
	if err := c.List(ctx, &works, workOpts...); err != nil {
		return nil, fmt.Errorf("list Works: %w", err)
	}
	u := &Usage{Applied: appliedBy(works.Items, id)}

	var bindings []workv1alpha2.ResourceBinding
	var rbs workv1alpha2.ResourceBindingList
	var rbOpts []client.ListOption
	if ns != "" {
		rbOpts = append(rbOpts, client.InNamespace(ns))
	}
	if err := c.List(ctx, &rbs, rbOpts...); err != nil {
		return nil, fmt.Errorf("list resource bindings: %w", err)
	}
	bindings = append(bindings, rbs.Items...)
	if ns == "" {
		var crbs workv1alpha2.ClusterResourceBindingList
		if err := c.List(ctx, &crbs); err != nil {
			return nil, fmt.Errorf("list cluster resource bindings: %w", err)
		}
		for _, crb := range crbs.Items {
			bindings = append(bindings, workv1alpha2.ResourceBinding{ObjectMeta: crb.ObjectMeta, Spec: crb.Spec, Status: crb.Status})
		}
	}
	u.Failures = failuresOf(bindings, id)

	var evs eventsv1.EventList
	var evOpts []client.ListOption
	if ns != "" {
		evOpts = append(evOpts, client.InNamespace(ns))
	}
	// Events are optional: a user allowed to read policies but not events
	// still gets the rest.
	if err := c.List(ctx, &evs, evOpts...); err == nil {
		u.Events = policyEvents(evs.Items, uid, id)
	}
	return u, nil
}

// appliedBy returns, by template and cluster, the rules of policy id
// applied to the manifests of works.
func appliedBy(works []workv1alpha1.Work, id string) []Applied {
	var out []Applied
	for _, w := range works {
		cluster, ok := workv1alpha1.ClusterForExecutionNamespace(w.Namespace)
		if !ok {
			continue
		}
		for _, m := range w.Spec.Workload.Manifests {
			obj := &unstructured.Unstructured{}
			if err := obj.UnmarshalJSON(m.Raw); err != nil {
				continue
			}
			value, ok := obj.GetAnnotations()[render.AppliedOverridesAnnotation]
			if !ok {
				continue
			}
			entries, err := render.DecodeApplied(value)
			if err != nil {
				continue
			}
			for _, e := range entries {
				if e.Policy == id {
					out = append(out, Applied{
						Template: obj.GetKind() + " " + strings.TrimPrefix(obj.GetNamespace()+"/"+obj.GetName(), "/"),
						Cluster:  cluster, Rules: e.Rules,
					})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Template != out[j].Template {
			return out[i].Template < out[j].Template
		}
		return out[i].Cluster < out[j].Cluster
	})
	return out
}

// failuresOf returns the clusters of bindings whose Rendered condition is
// False because of policy id.
func failuresOf(bindings []workv1alpha2.ResourceBinding, id string) []Failure {
	mention := "policy " + id + ":"
	var out []Failure
	for i := range bindings {
		b := &bindings[i]
		c := apimeta.FindStatusCondition(b.Status.Conditions, workv1alpha2.ConditionRendered)
		if c == nil || c.Status != metav1.ConditionFalse || !strings.Contains(c.Message, mention) {
			continue
		}
		name := strings.TrimPrefix(b.Namespace+"/"+b.Name, "/")
		for _, t := range b.Spec.Clusters {
			if msg := RenderFailure(b, t.Name); strings.Contains(msg, mention) {
				out = append(out, Failure{Binding: name, Cluster: t.Name, Message: msg})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Binding < out[j].Binding })
	return out
}

// policyEvents are the most recent events about the policy itself or
// about a render that policy id failed.
func policyEvents(items []eventsv1.Event, uid types.UID, id string) []eventsv1.Event {
	mention := "policy " + id + ":"
	var out []eventsv1.Event
	for _, e := range items {
		if (uid != "" && e.Regarding.UID == uid) || (e.Reason == workv1alpha2.BindingReasonOverrideFailed && strings.Contains(e.Note, mention)) {
			out = append(out, e)
		}
	}
	return eventlist.Recent(out)
}
