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
package bindingstatus

import (
	"context"
	"encoding/json"
	"strconv"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/bindingworks"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/propagation"
)

// aggregateTemplateStatus writes into the template the status its
// interpreter aggregates from what the members report (see
// interpreter.Interpreter.AggregateStatus), when it changed.
func (r *Reconciler) aggregateTemplateStatus(ctx context.Context, b workv1alpha2.Binding, tpl *unstructured.Unstructured, works []workv1alpha1.Work) error {
	in := interpreter.For(tpl.GroupVersionKind())
	if !in.Handles(interpreter.OperationAggregateStatus) {
		// Nothing to aggregate: the members' reports need not be read.
		return nil
	}
	moving := propagation.AwaitingReplacement(b)
	members := collect(b, tpl, works, moving)
	if moving {
		members = append(members, r.leaving(ctx, b, tpl, works)...)
	}
	status, err := in.AggregateStatus(tpl, members, r.Clock.Now())
	if err != nil || status == nil || equality.Semantic.DeepEqual(tpl.Object["status"], any(status)) {
		return err
	}
	m, err := r.Mapper.RESTMapping(tpl.GroupVersionKind().GroupKind(), tpl.GroupVersionKind().Version)
	if err != nil {
		return err
	}
	// Only this controller writes a template's status: a merge patch needs
	// no lock, so the detector's label changes never make it conflict.
	body, err := statusPatch(tpl.Object["status"], status)
	if err != nil {
		return err
	}
	_, err = r.Dynamic.Resource(m.Resource).Namespace(tpl.GetNamespace()).Patch(ctx, tpl.GetName(), types.MergePatchType, body, metav1.PatchOptions{}, "status")
	if apierrors.IsNotFound(err) {
		// The template is gone, or its kind (a CRD without the status
		// subresource) has no status of its own to write: writing it
		// through the main resource would change its generation.
		ctrl.LoggerFrom(ctx).V(4).Info("Template status not written", "reason", "no status subresource or template gone")
		return nil
	}
	return err
}

// statusPatch is the merge patch from the stored status to the aggregated
// one. A field the aggregation dropped (a CronJob's finished Jobs, the
// load-balancer addresses while a member has none, a claim's capacity once
// it is no longer bound) is set to null, which removes it: a patch of the
// new status alone would leave it in place.
func statusPatch(stored, aggregated any) ([]byte, error) {
	from, err := json.Marshal(map[string]any{"status": stored})
	if err != nil {
		return nil, err
	}
	to, err := json.Marshal(map[string]any{"status": aggregated})
	if err != nil {
		return nil, err
	}
	return jsonpatch.CreateMergePatch(from, to)
}

// collect reads what each target cluster reports: its Work's manifest
// status when the Work's status describes its current spec. During a move
// (moving) a Work just rewritten for the new decision (more replicas) still
// counts with its last report, unhealthy and not current: its Pods did not
// go away, and leaving them out would lower the fleet's ready count until
// the member reports again.
func collect(b workv1alpha2.Binding, tpl *unstructured.Unstructured, works []workv1alpha1.Work, moving bool) []interpreter.MemberStatus {
	byNS := bindingworks.ByNamespace(works)
	gen := generationOf(tpl)
	out := make([]interpreter.MemberStatus, 0, len(b.BindingSpec().Clusters))
	for _, t := range b.BindingSpec().Clusters {
		member := interpreter.MemberStatus{Cluster: t.Name, Assigned: int64(t.Replicas)}
		w := byNS[workv1alpha1.ExecutionNamespace(t.Name)]
		if w == nil || len(w.Status.ManifestStatuses) == 0 || w.Status.ManifestStatuses[0].Status == nil {
			out = append(out, member)
			continue
		}
		if moving {
			// A cluster giving replicas back keeps running them until the
			// move ends: the interpreter counts what it runs.
			member.Assigned = runs(w, member.Assigned)
		}
		ms := w.Status.ManifestStatuses[0]
		switch {
		case current(w):
			member.Status, member.Health, member.Current = ms.Status, ms.Health, sentGeneration(w) == gen
		case moving, redivided(w, gen):
			member.Status, member.Health = ms.Status, workv1alpha1.ResourceUnhealthy
		}
		out = append(out, member)
	}
	return out
}

// redivided says a Work was rewritten for the same template generation (a
// new division of the replicas — the clusters that gave replicas back
// scaling down once a move ends — or an override) and its last report was
// on the spec just before: the Pods it reported have not gone away, so
// that report still counts, unhealthy and not current, until the member
// reports on the new spec. Leaving it out would lower the fleet's ready
// count for a moment after every move.
func redivided(w *workv1alpha1.Work, gen string) bool {
	c := apimeta.FindStatusCondition(w.Status.Conditions, workv1alpha1.ConditionApplied)
	return c != nil && c.ObservedGeneration == w.Generation-1 && sentGeneration(w) == gen
}

// generationOf is a template's generation as Works record it.
func generationOf(tpl *unstructured.Unstructured) string {
	return strconv.FormatInt(tpl.GetGeneration(), 10)
}

// sentGeneration is the template generation the Work's manifest was
// rendered from.
func sentGeneration(w *workv1alpha1.Work) string {
	if len(w.Spec.Workload.Manifests) == 0 {
		return ""
	}
	var m struct {
		Metadata struct {
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(w.Spec.Workload.Manifests[0].Raw, &m); err != nil {
		return ""
	}
	return m.Metadata.Annotations[workv1alpha1.ResourceTemplateGenerationAnnotation]
}
