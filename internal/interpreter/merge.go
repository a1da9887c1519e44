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
	"fmt"
	"reflect"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Helpers of the kinds that are propagated whole, so that every member runs
// the template as it is (Pod, Service, Ingress, PersistentVolumeClaim,
// HorizontalPodAutoscaler, PodDisruptionBudget, CronJob, Argo's Workflow,
// Kubeflow's PyTorchJob): their members' reports are merged rather than
// divided counters added up.

// memberReports decodes what each target cluster reported, in the
// binding's order; a member that has not reported has a nil status.
func memberReports(members []MemberStatus) []memberReport {
	out := make([]memberReport, 0, len(members))
	for _, m := range members {
		r, ok := m.report()
		if !ok {
			r = nil
		}
		out = append(out, memberReport{cluster: m.Cluster, status: r, current: m.Current, health: m.Health, leaving: m.Leaving})
	}
	return out
}

// mergeConditions merges the members' conditions of each type any member
// reports, the types in order first, then the others as the members list
// them. A condition is True when it is True in every member, except those
// for which problem holds: they report a problem and are True as soon as
// one member's is. Reasons are the members' own, so that rules matching on
// them (Argo CD's, for example) read them; messages name the members that
// differ.
func mergeConditions(reports []memberReport, order []string, problem func(typ string) bool) []condition {
	types := slices.Clone(order)
	seen := map[string]bool{}
	for _, r := range reports {
		conds, _ := r.status["conditions"].([]any)
		for _, c := range conds {
			if m, ok := c.(map[string]any); ok {
				if t, ok := m["type"].(string); ok {
					seen[t] = true
					if !slices.Contains(types, t) {
						types = append(types, t)
					}
				}
			}
		}
	}
	var out []condition
	for _, t := range types {
		if seen[t] {
			out = append(out, mergeCondition(reports, t, problem(t)))
		}
	}
	return out
}

func mergeCondition(reports []memberReport, typ string, whenAny bool) condition {
	var trueIn, otherIn []string
	var trueReason, otherReason, otherStatus string
	messages := map[string]bool{}
	for _, r := range reports {
		st, reason, message, found := memberCondition(r.status, typ)
		switch {
		case r.status == nil:
			st, reason, message = "Unknown", "NoReport", "no report yet"
		case !found:
			st, reason, message = "Unknown", "NotReported", "condition not reported"
		}
		messages[message] = true
		if st == "True" {
			trueIn = append(trueIn, r.cluster+": "+firstNonEmpty(message, reason, "True"))
			trueReason = firstNonEmpty(trueReason, reason)
			continue
		}
		otherIn = append(otherIn, r.cluster+": "+firstNonEmpty(message, reason, st))
		otherReason = firstNonEmpty(otherReason, reason)
		if otherStatus == "" || st == "False" {
			otherStatus = st
		}
	}
	var only string
	if len(messages) == 1 {
		for m := range messages {
			only = m
		}
	}
	// The API server requires a reason of metav1.Condition.
	trueReason, otherReason = firstNonEmpty(trueReason, "TrueInMembers"), firstNonEmpty(otherReason, "NotTrueInMembers")
	switch {
	case whenAny && len(trueIn) > 0:
		return condition{typ, "True", trueReason, "True in " + clusterList(trueIn) + "."}
	case whenAny:
		return condition{typ, otherStatus, otherReason, firstNonEmpty(only, fmt.Sprintf("Not True in any member cluster (%d).", len(reports)))}
	case len(otherIn) == 0:
		return condition{typ, "True", trueReason, firstNonEmpty(only, fmt.Sprintf("True in every member cluster (%d).", len(reports)))}
	}
	return condition{typ, otherStatus, otherReason, "Not True in " + clusterList(otherIn) + "."}
}

// oneOf is a condition-type predicate for mergeConditions.
func oneOf(types ...string) func(string) bool {
	return func(t string) bool { return slices.Contains(types, t) }
}

// loadBalancerIngress is the status.loadBalancer of a Service or Ingress
// that every member runs: the addresses of every member, once each member
// has one, and none before, so that tools waiting for an address (kstatus
// readers, Argo CD, Helm 3) keep waiting until the whole fleet can be
// reached. Members come in the binding's order; an address two members
// share is listed once.
func loadBalancerIngress(reports []memberReport) (ingress []any, waitingFor []string) {
	for _, r := range reports {
		entries, _, _ := unstructured.NestedSlice(r.status, "loadBalancer", "ingress")
		addressed := false
		for _, e := range entries {
			m, _ := e.(map[string]any)
			if m["ip"] == nil && m["hostname"] == nil {
				continue
			}
			addressed = true
			if !slices.ContainsFunc(ingress, func(o any) bool { return reflect.DeepEqual(o, e) }) {
				ingress = append(ingress, e)
			}
		}
		if !addressed {
			waitingFor = append(waitingFor, r.cluster)
		}
	}
	if len(waitingFor) > 0 {
		return nil, waitingFor
	}
	return ingress, nil
}

// runSpan is when a run that every member makes started and ended: the
// earliest start any member reports, and the latest end once every member
// reports one (until then the fleet's run has not ended, and end is
// empty). Times are RFC 3339 in UTC, as the API server writes them, so they
// compare as strings.
func runSpan(reports []memberReport, startField, endField string) (start, end string) {
	ended := len(reports) > 0
	for _, r := range reports {
		if t, _ := r.status[startField].(string); t != "" && (start == "" || t < start) {
			start = t
		}
		t, _ := r.status[endField].(string)
		ended = ended && t != ""
		end = max(end, t)
	}
	if !ended {
		end = ""
	}
	return start, end
}
