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

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// summed lists, per kind, the integer status fields that add up across
// clusters.
var summed = map[string][]string{
	"Deployment":  {"replicas", "readyReplicas", "availableReplicas", "updatedReplicas", "unavailableReplicas", "terminatingReplicas"},
	"StatefulSet": {"replicas", "readyReplicas", "availableReplicas", "updatedReplicas", "currentReplicas"},
	"ReplicaSet":  {"replicas", "readyReplicas", "availableReplicas", "fullyLabeledReplicas"},
	"Job":         {"active", "succeeded", "failed", "ready", "terminating"},
}

// memberStatus is one cluster's status of the template.
type memberStatus struct {
	status      map[string]any
	healthy     bool
	sentCurrent bool
}

// aggregateTemplateStatus writes the sum of the members' status into the
// template. observedGeneration moves to the template's generation only when
// every target cluster runs a copy rendered from it and reports it healthy
// (has observed it and finished rolling out), so 'kubectl rollout status'
// waits for every member.
func (r *Reconciler) aggregateTemplateStatus(ctx context.Context, b workv1alpha2.Binding, tpl *unstructured.Unstructured, works []workv1alpha1.Work) error {
	fields, ok := summed[tpl.GetKind()]
	if !ok || len(b.BindingSpec().Clusters) == 0 {
		return nil
	}
	members := collect(b, tpl, works)
	next := tpl.DeepCopy()
	status, _, _ := unstructured.NestedMap(next.Object, "status")
	if status == nil {
		status = map[string]any{}
	}
	allCurrent := len(members) == len(b.BindingSpec().Clusters)
	for _, f := range fields {
		var sum int64
		for _, m := range members {
			sum += intField(m.status, f)
		}
		status[f] = sum
	}
	for _, m := range members {
		allCurrent = allCurrent && m.healthy && m.sentCurrent
	}
	if allCurrent {
		status["observedGeneration"] = tpl.GetGeneration()
	}
	if tpl.GetKind() == "Job" {
		jobConditions(status, members, allCurrent)
	}
	if err := unstructured.SetNestedMap(next.Object, status, "status"); err != nil {
		return err
	}
	if equality.Semantic.DeepEqual(tpl.Object["status"], next.Object["status"]) {
		return nil
	}
	m, err := r.Mapper.RESTMapping(tpl.GroupVersionKind().GroupKind(), tpl.GroupVersionKind().Version)
	if err != nil {
		return err
	}
	// Only this controller writes a template's status: a merge patch needs
	// no lock, so the detector's label changes never make it conflict.
	body, err := json.Marshal(map[string]any{"status": status})
	if err != nil {
		return err
	}
	_, err = r.Dynamic.Resource(m.Resource).Namespace(tpl.GetNamespace()).Patch(ctx, tpl.GetName(), types.MergePatchType, body, metav1.PatchOptions{}, "status")
	return err
}

// collect reads each target cluster's reported status.
func collect(b workv1alpha2.Binding, tpl *unstructured.Unstructured, works []workv1alpha1.Work) []memberStatus {
	byNS := map[string]*workv1alpha1.Work{}
	for i := range works {
		byNS[works[i].Namespace] = &works[i]
	}
	gen := strconv.FormatInt(tpl.GetGeneration(), 10)
	var out []memberStatus
	for _, t := range b.BindingSpec().Clusters {
		w := byNS[workv1alpha1.ExecutionNamespace(t.Name)]
		if w == nil || !current(w) || len(w.Status.ManifestStatuses) == 0 || w.Status.ManifestStatuses[0].Status == nil {
			continue
		}
		ms := w.Status.ManifestStatuses[0]
		var st map[string]any
		if err := json.Unmarshal(ms.Status.Raw, &st); err != nil {
			continue
		}
		out = append(out, memberStatus{status: st, healthy: ms.Health == workv1alpha1.ResourceHealthy, sentCurrent: sentGeneration(w) == gen})
	}
	return out
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

func intField(m map[string]any, f string) int64 {
	switch v := m[f].(type) {
	case float64:
		return int64(v)
	case int64:
		return v
	}
	return 0
}

// jobConditions marks the Job Complete when every member's Job completed,
// and Failed when any failed, with the conditions and times the API server
// requires of a finished Job: SuccessCriteriaMet (or FailureTarget) beside
// Complete (or Failed), the earliest startTime and the latest completionTime.
func jobConditions(status map[string]any, members []memberStatus, allCurrent bool) {
	complete, failed := allCurrent, false
	var start, end string
	for _, m := range members {
		c, f := jobCondition(m.status)
		complete = complete && c
		failed = failed || f
		if t, ok := m.status["startTime"].(string); ok && (start == "" || t < start) {
			start = t
		}
		if t, ok := m.status["completionTime"].(string); ok && t > end {
			end = t
		}
	}
	if start != "" {
		status["startTime"] = start
	}
	var conds []any
	now := metav1.Now().UTC().Format("2006-01-02T15:04:05Z")
	cond := func(t, reason string) map[string]any {
		return map[string]any{"type": t, "status": "True", "lastTransitionTime": now, "lastProbeTime": now, "reason": reason}
	}
	switch {
	case failed:
		conds = append(conds, cond("FailureTarget", "FailedInACluster"), cond("Failed", "FailedInACluster"))
	case complete && end != "":
		conds = append(conds, cond("SuccessCriteriaMet", "CompletedInAllClusters"), cond("Complete", "CompletedInAllClusters"))
		status["completionTime"] = end
	}
	if old, ok := status["conditions"].([]any); ok && sameTypes(old, conds) {
		return
	}
	if len(conds) > 0 {
		status["conditions"] = conds
	} else {
		delete(status, "conditions")
	}
}

func jobCondition(st map[string]any) (complete, failed bool) {
	conds, _ := st["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["status"] != "True" {
			continue
		}
		switch m["type"] {
		case "Complete":
			complete = true
		case "Failed":
			failed = true
		}
	}
	return complete, failed
}

// sameTypes keeps existing conditions (and their timestamps) when the set of
// true condition types did not change.
func sameTypes(old, next []any) bool {
	if len(old) != len(next) {
		return false
	}
	for i := range old {
		o, _ := old[i].(map[string]any)
		n, _ := next[i].(map[string]any)
		if o["type"] != n["type"] {
			return false
		}
	}
	return true
}
