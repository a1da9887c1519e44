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

package traffic

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/traffic/weights"
)

// outlierDetection lets Envoy absorb endpoint faults below the objectives:
// failing endpoints are ejected (up to 30%, so a fifth of a cluster's
// endpoints failing moves no weight) and the controller acts only at cluster
// and SLO level.
var outlierDetection = map[string]any{
	"consecutive5xxErrors": int64(5),
	"interval":             "10s",
	"baseEjectionTime":     "30s",
	"maxEjectionPercent":   int64(30),
}

// subsetName names the DestinationRule subset of a route entry.
func subsetName(subset, cluster string) string {
	if subset == "" {
		return cluster
	}
	return subset + "-" + cluster
}

// istioObjects renders the DestinationRule and VirtualService that split the
// host's traffic by the route weights.
func istioObjects(tp *networkingv1alpha1.TrafficPolicy, labelsOf map[string]map[string]string, route []weights.RouteWeight) []map[string]any {
	meta := func() map[string]any {
		return map[string]any{
			"name": tp.Name, "namespace": tp.Namespace,
			"labels": map[string]any{networkingv1alpha1.TrafficPolicyLabel: tp.Name},
		}
	}
	subsets := make([]any, 0, len(route))
	destinations := make([]any, 0, len(route))
	for _, r := range route {
		l := map[string]any{networkingv1alpha1.IstioClusterLabel: r.Cluster}
		for k, v := range labelsOf[r.Subset] {
			l[k] = v
		}
		name := subsetName(r.Subset, r.Cluster)
		subsets = append(subsets, map[string]any{"name": name, "labels": l})
		destinations = append(destinations, map[string]any{
			"destination": map[string]any{"host": tp.Spec.Host, "subset": name},
			"weight":      int64(r.Weight),
		})
	}
	dr := map[string]any{
		"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": meta(),
		"spec": map[string]any{
			"host":          tp.Spec.Host,
			"trafficPolicy": map[string]any{"outlierDetection": maps.Clone(outlierDetection)},
			"subsets":       subsets,
		},
	}
	vs := map[string]any{
		"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": meta(),
		"spec": map[string]any{
			"hosts": []any{tp.Spec.Host},
			"http":  []any{map[string]any{"route": destinations}},
		},
	}
	return []map[string]any{dr, vs}
}

// workName is the Work carrying a policy's Istio objects to one member.
func workName(tp *networkingv1alpha1.TrafficPolicy) string {
	return "trafficpolicy-" + tp.Namespace + "-" + tp.Name
}

func policyKey(tp *networkingv1alpha1.TrafficPolicy) string { return tp.Namespace + "." + tp.Name }

// program writes the objects into a Work per member and removes the Works of
// members that left. It reports whether every member applied them.
func (r *Reconciler) program(ctx context.Context, tp *networkingv1alpha1.TrafficPolicy, members []string, objects []map[string]any) (applied int, failed []string, err error) {
	manifests := make([]workv1alpha1.Manifest, 0, len(objects))
	for _, o := range objects {
		raw, err := json.Marshal(o)
		if err != nil {
			return 0, nil, err
		}
		manifests = append(manifests, workv1alpha1.Manifest{RawExtension: runtime.RawExtension{Raw: raw}})
	}
	want := map[string]bool{}
	for _, m := range members {
		ns, err := propagation.EnsureExecutionNamespace(ctx, r.Client, m)
		if err != nil {
			return 0, nil, err
		}
		want[ns] = true
		work := &workv1alpha1.Work{ObjectMeta: metav1.ObjectMeta{Name: workName(tp), Namespace: ns}}
		if err := r.Client.Get(ctx, client.ObjectKeyFromObject(work), work); client.IgnoreNotFound(err) != nil {
			return 0, nil, err
		} else if err != nil {
			work.Labels = map[string]string{networkingv1alpha1.TrafficPolicyLabel: policyKey(tp)}
			// Set at creation, so the execution controller need not write
			// the Work before applying it.
			controllerutil.AddFinalizer(work, workv1alpha1.ExecutionFinalizer)
			work.Spec.Workload.Manifests = manifests
			if err := r.Client.Create(ctx, work); err != nil {
				return 0, nil, fmt.Errorf("create work for %s: %w", m, err)
			}
			continue
		}
		if !sameManifests(work.Spec.Workload.Manifests, manifests) {
			patch := client.MergeFrom(work.DeepCopy())
			work.Spec.Workload.Manifests = manifests
			if err := r.Client.Patch(ctx, work, patch); err != nil {
				return 0, nil, fmt.Errorf("update work for %s: %w", m, err)
			}
			continue // its Applied condition is about the old manifests
		}
		switch c := apimeta.FindStatusCondition(work.Status.Conditions, workv1alpha1.ConditionApplied); {
		case c == nil || c.ObservedGeneration < work.Generation:
		case c.Status == metav1.ConditionTrue:
			applied++
		default:
			failed = append(failed, m+": "+c.Message)
		}
	}
	return applied, failed, r.removeWorks(ctx, tp, want)
}

// removeWorks deletes the policy's Works outside keep (nil: all of them).
func (r *Reconciler) removeWorks(ctx context.Context, tp *networkingv1alpha1.TrafficPolicy, keep map[string]bool) error {
	works := &workv1alpha1.WorkList{}
	if err := r.Client.List(ctx, works, client.MatchingLabels{networkingv1alpha1.TrafficPolicyLabel: policyKey(tp)}); err != nil {
		return err
	}
	for i := range works.Items {
		if keep[works.Items[i].Namespace] {
			continue
		}
		if err := r.Client.Delete(ctx, &works.Items[i]); client.IgnoreNotFound(err) != nil {
			return err
		}
	}
	return nil
}

func sameManifests(a, b []workv1alpha1.Manifest) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		var x, y any
		if json.Unmarshal(a[i].Raw, &x) != nil || json.Unmarshal(b[i].Raw, &y) != nil || !apiequality.Semantic.DeepEqual(x, y) {
			return false
		}
	}
	return true
}
