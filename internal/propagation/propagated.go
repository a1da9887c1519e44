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

package propagation

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/policymatch"
)

// Propagated reports whether a policy propagates the template gvk obj: it
// has a binding, or a (Cluster)PropagationPolicy selects it (the binding
// may not be written yet). The autoscaling controllers ask it of an HPA to
// choose between serving it fleet-wide and leaving it to the members.
func Propagated(ctx context.Context, c client.Reader, gvk schema.GroupVersionKind, obj metav1.Object) (bool, error) {
	name := workv1alpha2.BindingName(obj.GetName(), gvk.Kind)
	var binding client.Object = &workv1alpha2.ResourceBinding{}
	if obj.GetNamespace() == "" {
		binding = &workv1alpha2.ClusterResourceBinding{}
	}
	err := c.Get(ctx, client.ObjectKey{Namespace: obj.GetNamespace(), Name: name}, binding)
	if err == nil {
		return true, nil
	}
	if !apierrors.IsNotFound(err) {
		return false, fmt.Errorf("read binding %s: %w", name, err)
	}
	tpl := &unstructured.Unstructured{}
	tpl.SetGroupVersionKind(gvk)
	tpl.SetNamespace(obj.GetNamespace())
	tpl.SetName(obj.GetName())
	tpl.SetLabels(obj.GetLabels())
	var candidates []policymatch.Candidate
	if obj.GetNamespace() != "" {
		pps := &policyv1alpha1.PropagationPolicyList{}
		if err := c.List(ctx, pps, client.InNamespace(obj.GetNamespace())); err != nil {
			return false, fmt.Errorf("list PropagationPolicies: %w", err)
		}
		for i := range pps.Items {
			candidates = append(candidates, policymatch.Candidate{Name: pps.Items[i].Name, Namespace: obj.GetNamespace(), Spec: &pps.Items[i].Spec})
		}
	}
	cpps := &policyv1alpha1.ClusterPropagationPolicyList{}
	if err := c.List(ctx, cpps); err != nil {
		return false, fmt.Errorf("list ClusterPropagationPolicies: %w", err)
	}
	for i := range cpps.Items {
		candidates = append(candidates, policymatch.Candidate{Name: cpps.Items[i].Name, Spec: &cpps.Items[i].Spec})
	}
	_, found := policymatch.Best(tpl, candidates)
	return found, nil
}
