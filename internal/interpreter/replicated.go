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
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// counters names a replicated kind's status counters by how they combine
// across members.
type counters struct {
	// progress counts replicas that have got somewhere: ready, available,
	// updated, current.
	progress []string
	// excess counts replicas a rollout still has to remove or repair:
	// replicas (old ones included), unavailable, terminating.
	excess []string
}

// replicatedStatus is the aggregated status of a Deployment, StatefulSet
// or ReplicaSet, readable by kstatus, 'kubectl rollout status' and Argo
// CD as a single cluster's would be. Replicas divided among members add up:
// the template's spec.replicas is their sum. Replicas duplicated to every
// member count once: the fleet is as far along as its least advanced
// member, so progress counters take the smallest report (a silent member
// counts nothing) and excess counters the largest. Karmada sums in both
// cases, so a duplicated Deployment of 2 replicas in 3 members reads 6/2
// there and never looks rolled out; the per-member numbers stay in the
// binding's aggregatedStatus and 'kurator get workload'.
//
// During a move the leaving copies count too (see moveView); whether the
// fleet has observed its template is the targets' alone to say.
func replicatedStatus(tpl *unstructured.Unstructured, members []MemberStatus, c counters) (status map[string]any, reports []memberReport, allCurrent bool) {
	targets, _ := splitLeaving(members)
	status, _, allCurrent = summed(tpl, targets, nil)
	if status == nil {
		return nil, nil, false
	}
	view, clamp := moveView(tpl, members)
	reports = memberReports(view)
	duplicated := isDuplicated(tpl, targets)
	for _, f := range c.progress {
		status[f] = combine(reports, f, duplicated, true)
	}
	for _, f := range c.excess {
		status[f] = combine(reports, f, duplicated, false)
	}
	if clamp {
		clampCounters(tpl, status, c)
	}
	return status, reports, allCurrent
}

// fleetRevisions writes one revision for the fleet into the status of a
// kind whose members report updateRevision and currentRevision (a
// StatefulSet, a CloneSet): updateRevision names the template's
// generation, and currentRevision equals it only once every member runs it
// and has finished its rollout. Members' own revision names may differ per
// cluster, so none of them speaks for the fleet.
func fleetRevisions(tpl *unstructured.Unstructured, members []MemberStatus, status map[string]any, reports []memberReport, allCurrent bool) {
	revision := fmt.Sprintf("%s-generation-%d", tpl.GetName(), tpl.GetGeneration())
	done := allCurrent
	for _, r := range reports {
		current, _ := r.status["currentRevision"].(string)
		update, _ := r.status["updateRevision"].(string)
		done = done && r.status != nil && current == update
	}
	status["updateRevision"] = revision
	if done {
		status["currentRevision"] = revision
	} else if status["currentRevision"] == revision && !coveredMove(tpl, members, status) {
		// A rollout under way; during a move the fleet stays on the
		// revision it had.
		delete(status, "currentRevision")
	}
}

// memberReport is one member's decoded status, nil when it has reported
// none.
type memberReport struct {
	cluster string
	status  map[string]any
	current bool
	health  workv1alpha1.ResourceHealth
	leaving bool
}

// isDuplicated says whether every member runs the template's full replica
// count (more than one member: with one, divided and duplicated agree).
func isDuplicated(tpl *unstructured.Unstructured, members []MemberStatus) bool {
	want := desiredReplicas(tpl)
	if len(members) < 2 || want == 0 {
		return false
	}
	for _, m := range members {
		if m.Assigned != want {
			return false
		}
	}
	return true
}

// combine adds a counter over the reports, or for duplicated replicas takes
// the smallest progress or the largest excess.
func combine(reports []memberReport, field string, duplicated, progress bool) int64 {
	var out int64
	for i, r := range reports {
		v := int64(0)
		if r.status != nil {
			v = intField(r.status, field)
		} else if duplicated && !progress {
			continue
		}
		switch {
		case !duplicated:
			out += v
		case i == 0:
			out = v
		case progress:
			out = min(out, v)
		default:
			out = max(out, v)
		}
	}
	return out
}

// condition is one merged status condition.
type condition struct {
	typ, status, reason, message string
}

// setConditions writes merged conditions into status, keeping the times of
// those whose status did not change, so an unchanged fleet writes nothing.
// They carry lastUpdateTime, as a Deployment's do.
func setConditions(status map[string]any, conds []condition, now time.Time) {
	writeConditions(status, conds, now, true)
}

// writeConditions is setConditions for any kind: updateTime says whether
// its conditions have a lastUpdateTime. metav1.Condition and a Pod's or an
// HPA's have none, and the API server drops a field the kind lacks, so
// writing one would make every aggregation differ from what is stored.
// No conditions remove the field.
func writeConditions(status map[string]any, conds []condition, now time.Time, updateTime bool) {
	if len(conds) == 0 {
		delete(status, "conditions")
		return
	}
	old, _ := status["conditions"].([]any)
	previous := map[string]map[string]any{}
	for _, c := range old {
		if m, ok := c.(map[string]any); ok {
			if t, ok := m["type"].(string); ok {
				previous[t] = m
			}
		}
	}
	stamp := now.UTC().Format(time.RFC3339)
	out := make([]any, 0, len(conds))
	for _, c := range conds {
		m := map[string]any{"type": c.typ, "status": c.status, "reason": c.reason, "message": c.message,
			"lastTransitionTime": stamp}
		if updateTime {
			m["lastUpdateTime"] = stamp
		}
		if p := previous[c.typ]; p != nil {
			// Fields the API server adds (a Pod's lastProbeTime: null)
			// stay, or the status would never compare equal to what is
			// stored.
			for k, v := range p {
				if _, set := m[k]; !set && k != "lastUpdateTime" {
					m[k] = v
				}
			}
			if p["status"] == c.status {
				m["lastTransitionTime"] = p["lastTransitionTime"]
			}
			if updateTime && p["status"] == c.status && p["reason"] == c.reason && p["message"] == c.message {
				m["lastUpdateTime"] = p["lastUpdateTime"]
			}
		}
		out = append(out, m)
	}
	status["conditions"] = out
}

// memberCondition finds a condition in a member's report.
func memberCondition(report map[string]any, typ string) (status, reason, message string, found bool) {
	conds, _ := report["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ {
			status, _ = m["status"].(string)
			reason, _ = m["reason"].(string)
			message, _ = m["message"].(string)
			return status, reason, message, true
		}
	}
	return "", "", "", false
}

// clusterList names clusters, the first few of them.
func clusterList(names []string) string {
	slices.Sort(names)
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + fmt.Sprintf(" and %d more", len(names)-5)
	}
	return strings.Join(names, ", ")
}
