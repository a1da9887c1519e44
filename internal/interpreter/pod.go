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

package interpreter

import (
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// A Pod is propagated whole: it has no replicas to divide, so every member
// runs a copy of it, as Duplicated placements do.
func init() {
	pod := podWorkload[corev1.Pod](func(p *corev1.Pod) (*int32, *corev1.PodSpec) {
		return nil, &p.Spec
	})
	registerBuiltin(schema.GroupKind{Kind: "Pod"}, Operations{
		GetDependencies: pod.dependencies,
		InterpretHealth: podHealth,
		AggregateStatus: aggregatePod,
	})
}

// podHealth: Running and Ready, or finished successfully.
func podHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
	switch {
	case phase == "Succeeded":
		return workv1alpha1.ResourceHealthy
	case phase == "Running" && conditionTrue(obj, "Ready"):
		return workv1alpha1.ResourceHealthy
	default:
		return workv1alpha1.ResourceUnhealthy
	}
}

// podConditionTypes are the kubelet's, in its order; DisruptionTarget
// reports a problem.
var podConditionTypes = []string{"PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready", "PodScheduled"}

// podOneCopyFields describe one running copy rather than the fleet: a Pod
// has one address, one node and one start. (qosClass follows from the spec
// and is the control plane's own; the API server keeps it immutable.)
var podOneCopyFields = []string{"hostIP", "hostIPs", "podIP", "podIPs", "startTime"}

// aggregatePod reads the copies as one Pod as far along as the least
// advanced: Failed as soon as one copy failed, naming it; Pending while one
// is pending or has not reported; Succeeded once all have; Running
// otherwise. Conditions merge (Ready only when every copy is Ready). The
// fields of one copy (podIP, hostIP, startTime, ...) come from the first
// member by name, so that they do not move between members from one sync
// to the next; the container statuses come from the first member, by name,
// whose copy is not Ready, so that readers see why the Pod is not (a
// crash loop, an image that cannot be pulled), and from the first member
// once all are. observedGeneration moves once every member reports on the
// latest template, as a kubelet's moves once it has seen the spec.
func aggregatePod(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error) {
	if len(members) == 0 {
		return nil, nil
	}
	reports := memberReports(members)
	status := ownStatus(tpl)
	phase, reason, message := podPhase(reports)
	status["phase"] = phase
	setOrDelete(status, "reason", reason)
	setOrDelete(status, "message", message)
	writeConditions(status, mergeConditions(reports, podConditionTypes, oneOf("DisruptionTarget")), now, false)

	byName := slices.Clone(reports)
	slices.SortFunc(byName, func(a, b memberReport) int { return strings.Compare(a.cluster, b.cluster) })
	var first, notReady map[string]any
	for _, r := range byName {
		if r.status == nil {
			continue
		}
		first = cmpOr(first, r.status)
		if st, _, _, _ := memberCondition(r.status, "Ready"); st != "True" {
			notReady = cmpOr(notReady, r.status)
		}
	}
	for _, f := range podOneCopyFields {
		setOrDelete(status, f, first[f])
	}
	for _, f := range []string{"initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"} {
		setOrDelete(status, f, cmpOr(notReady, first)[f])
	}
	if tpl.GetGeneration() > 0 {
		observed := true
		for i, m := range members {
			observed = observed && m.Current && reports[i].status != nil
		}
		observe(status, tpl, observed)
	}
	return status, nil
}

// podPhase merges the copies' phases, with the reason and message of a
// failed copy, naming its member.
func podPhase(reports []memberReport) (phase, reason, message string) {
	succeeded, pending := true, false
	for _, r := range reports {
		p, _ := r.status["phase"].(string)
		switch p {
		case "Failed":
			why, _ := r.status["reason"].(string)
			what, _ := r.status["message"].(string)
			return "Failed", why, "Failed in " + r.cluster + ": " + firstNonEmpty(what, why, "the Pod failed")
		case "Succeeded":
		case "Running":
			succeeded = false
		default:
			succeeded, pending = false, true
		}
	}
	switch {
	case pending:
		return "Pending", "", ""
	case succeeded:
		return "Succeeded", "", ""
	}
	return "Running", "", ""
}

// setOrDelete sets a status field, or removes it for a nil or empty value.
func setOrDelete(status map[string]any, field string, v any) {
	if v == nil || v == "" {
		delete(status, field)
		return
	}
	status[field] = v
}

// cmpOr is the first non-nil map.
func cmpOr(a, b map[string]any) map[string]any {
	if a != nil {
		return a
	}
	return b
}
