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
package scenario

import (
	"fmt"
	"strings"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/policymatch"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// Build returns the scheduler's input for the scenario.
func (s *Scenario) Build() (*framework.Snapshot, *framework.Workload, error) {
	if policymatch.Selectors(s.Policy.ResourceSelectors, s.Template) == policymatch.NoMatch {
		return nil, nil, fmt.Errorf("%s %s does not select %s %s/%s", s.PolicyKind, s.PolicyName, s.Template.GetKind(), s.Template.GetNamespace(), s.Template.GetName())
	}
	snap := &framework.Snapshot{}
	for _, c := range s.Clusters {
		if len(c.Status.APIEnablements) == 0 {
			// A what-if cluster that lists no APIs is taken to serve the
			// template's kind, so scenarios stay short.
			c = c.DeepCopy()
			gvk := s.Template.GroupVersionKind()
			c.Status.APIEnablements = []karmadaclusterv1alpha1.APIEnablement{{GroupVersion: gvk.GroupVersion().String(),
				Resources: []karmadaclusterv1alpha1.APIResource{{Name: strings.ToLower(gvk.Kind) + "s", Kind: gvk.Kind}}}}
		}
		ns, err := nodes(c)
		if err != nil {
			return nil, nil, err
		}
		snap.Clusters = append(snap.Clusters, &framework.ClusterInfo{Cluster: c, Nodes: ns})
	}
	// The scheduler's input comes from the binding the detector would
	// write, as the scheduler reads it.
	spec, err := propagation.BindingSpec(s.Template, s.Policy, &s.Policy.Placement)
	if err != nil {
		return nil, nil, err
	}
	if s.Previous != nil {
		spec.Clusters = s.Previous.Spec.Clusters
		spec.RescheduleTriggeredAt = s.Previous.Spec.RescheduleTriggeredAt
	}
	w := propagation.Workload(&workv1alpha2.ResourceBinding{Spec: spec})
	w.CostWeighted = s.PolicyAnnotations[policyv1alpha1.CostWeightAnnotation] == "true"
	w.Now = time.Now()
	return snap, w, nil
}

// Render is the ResourceBinding the control plane would write for the
// decision (or the failure): spec.clusters, and under status the Scheduled
// condition and the explanation. A failure keeps the previous clusters.
func (s *Scenario) Render(w *framework.Workload, res *scheduler.Result, schedErr error) *workv1alpha2.ResourceBinding {
	kind := "ResourceBinding"
	if s.Template.GetNamespace() == "" {
		kind = "ClusterResourceBinding"
	}
	rb := &workv1alpha2.ResourceBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: workv1alpha2.SchemeGroupVersion.String(), Kind: kind},
		ObjectMeta: metav1.ObjectMeta{Name: workv1alpha2.BindingName(s.Template.GetName(), s.Template.GetKind()), Namespace: s.Template.GetNamespace()},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{
				APIVersion: s.Template.GetAPIVersion(), Kind: s.Template.GetKind(),
				Namespace: s.Template.GetNamespace(), Name: s.Template.GetName(), UID: s.Template.GetUID(),
			},
			Replicas:      int32(w.Replicas),
			Placement:     w.Placement,
			PropagateDeps: s.Policy.PropagateDeps,
		},
	}
	if s.Previous != nil {
		rb.Spec.Clusters = s.Previous.Spec.Clusters
	}
	if schedErr == nil {
		rb.Spec.Clusters = propagation.Decision(res)
		rb.Status.SchedulerObservedAffinityName = res.AffinityName
	}
	cond := propagation.ScheduledCondition(schedErr, rb.Generation)
	apimeta.SetStatusCondition(&rb.Status.Conditions, cond)
	if res != nil {
		rb.Status.SchedulingExplanation = propagation.Explain(res.Explanation)
	}
	return rb
}
