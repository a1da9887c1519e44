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
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// isCustomGroup says whether a group belongs to a custom resource rather
// than to Kubernetes itself (whose groups are unqualified, such as apps,
// or end in .k8s.io).
func isCustomGroup(gk schema.GroupKind) bool {
	return strings.Contains(gk.Group, ".") && !strings.HasSuffix(gk.Group, ".k8s.io")
}

// aggregateConventional merges, for a custom kind, the conditions its
// members' controllers write by the convention kstatus reads (Ready,
// Reconciling, Stalled): Ready only when every member is ready, Reconciling
// while any member is (or has not reported on the latest template), Stalled
// as soon as one member is, each naming the members. observedGeneration
// moves once every member's controller has observed the latest template.
// Kinds whose members write none of these conditions keep the control
// plane's own status.
func aggregateConventional(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error) {
	reports := make([]map[string]any, len(members))
	conventional := false
	for i, m := range members {
		if r, ok := m.report(); ok {
			reports[i] = r
			for _, t := range []string{"Ready", "Reconciling", "Stalled"} {
				_, _, _, found := memberCondition(r, t)
				conventional = conventional || found
			}
		}
	}
	if !conventional {
		return nil, nil
	}
	status := ownStatus(tpl)
	var notReady, reconciling, stalled []string
	observed := true
	for i, m := range members {
		r := reports[i]
		if r == nil || !m.Current || intField(r, "observedGeneration") < intField(r, "generation") {
			observed = false
			reconciling = append(reconciling, m.Cluster+" (the latest template is not observed there yet)")
			notReady = append(notReady, m.Cluster)
			continue
		}
		if st, reason, message, _ := memberCondition(r, "Ready"); st != "True" {
			notReady = append(notReady, m.Cluster+": "+firstNonEmpty(message, reason, "not ready"))
		}
		if st, reason, message, _ := memberCondition(r, "Reconciling"); st == "True" {
			reconciling = append(reconciling, m.Cluster+": "+firstNonEmpty(message, reason, "reconciling"))
		}
		if st, reason, message, _ := memberCondition(r, "Stalled"); st == "True" {
			stalled = append(stalled, m.Cluster+": "+firstNonEmpty(message, reason, "stalled"))
		}
	}
	conds := []condition{{"Ready", "True", "ReadyInAllClusters", fmt.Sprintf("Ready in every member cluster (%d).", len(members))}}
	if len(notReady) > 0 {
		conds[0] = condition{"Ready", "False", "NotReadyInSomeClusters", "Not ready in " + clusterList(notReady) + "."}
	}
	if len(reconciling) > 0 {
		conds = append(conds, condition{"Reconciling", "True", "ReconcilingInSomeClusters", "Reconciling in " + clusterList(reconciling) + "."})
	}
	if len(stalled) > 0 {
		conds = append(conds, condition{"Stalled", "True", "StalledInSomeClusters", "Stalled in " + clusterList(stalled) + "."})
	}
	setConditions(status, conds, now)
	observe(status, tpl, observed)
	return status, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
