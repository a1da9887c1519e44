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

// Package karmada holds the spread-constraint conformance suite: scenarios
// with Karmada's own decision for each (its scheduler core at commit
// f8fdd02), on which Kurator must decide as Karmada does wherever Karmada
// schedules, refuse what Karmada's webhook refuses for a bad policy, and,
// where it goes further (docs/scheduling.md), say so and honour every
// constraint.
package karmada

import (
	"context"
	"fmt"
	"slices"
	"strings"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scenario"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// outcome is one scheduler's verdict on a scenario.
type outcome struct {
	// kind is "clusters", "none", "unschedulable" or "rejected".
	kind string
	// clusters lists "name:replicas" by name.
	clusters string
	message  string
}

// parseOutcome reads "a:1, b:2", "no clusters", "unschedulable (why)" or
// "rejected (why)" (also "rejected by the admission webhook (why)").
func parseOutcome(s string) (outcome, error) {
	s = strings.TrimSpace(s)
	for _, kind := range []string{"unschedulable", "rejected"} {
		if rest, ok := strings.CutPrefix(s, kind); ok {
			_, why, found := strings.Cut(rest, "(")
			if !found || !strings.HasSuffix(why, ")") {
				return outcome{}, fmt.Errorf("%q: want %s (why)", s, kind)
			}
			return outcome{kind: kind, message: strings.TrimSuffix(why, ")")}, nil
		}
	}
	if s == "no clusters" {
		return outcome{kind: "none"}, nil
	}
	parts := strings.Split(s, ", ")
	for _, p := range parts {
		if name, n, ok := strings.Cut(p, ":"); !ok || name == "" || strings.Trim(n, "0123456789") != "" || n == "" {
			return outcome{}, fmt.Errorf("%q: want cluster:replicas, ...", s)
		}
	}
	slices.Sort(parts)
	return outcome{kind: "clusters", clusters: strings.Join(parts, ", ")}, nil
}

// kuratorDecision is what 'kurator schedule' decides, with what the
// checks below need to know.
type kuratorDecision struct {
	outcome
	difference string
	scenario   *scenario.Scenario
	workload   *framework.Workload
	result     *scheduler.Result
}

func decide(text string) (kuratorDecision, error) {
	sc, err := scenario.Parse(strings.NewReader(text))
	if err != nil {
		if strings.Contains(err.Error(), "the control plane would refuse it") {
			return kuratorDecision{outcome: outcome{kind: "rejected", message: err.Error()}}, nil
		}
		return kuratorDecision{}, err
	}
	snap, w, err := sc.Build()
	if err != nil {
		return kuratorDecision{}, err
	}
	s, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		return kuratorDecision{}, err
	}
	res, err := s.Schedule(context.Background(), snap, w)
	d := kuratorDecision{scenario: sc, workload: w, result: res}
	if res != nil {
		d.difference = res.Explanation.KarmadaDifference
	}
	if err != nil {
		d.outcome = outcome{kind: "unschedulable", message: err.Error()}
		return d, nil
	}
	parts := make([]string, 0, len(res.Clusters))
	for _, c := range res.Clusters {
		parts = append(parts, fmt.Sprintf("%s:%d", c.Name, c.Replicas))
	}
	slices.Sort(parts)
	d.outcome = outcome{kind: "clusters", clusters: strings.Join(parts, ", ")}
	return d, nil
}

// badPolicy says whether Karmada's webhook refused the policy for a reason
// Kurator's API refuses too; the missing cluster constraint is a Kurator
// extension.
func badPolicy(message string) bool {
	for _, reason := range []string{"maxGroups lower than minGroups", "should not co-exist", "spread constraints are not allowed", "lower than 0"} {
		if strings.Contains(message, reason) {
			return true
		}
	}
	return false
}

// usesExtension says whether the placement asks for something Karmada
// ignores: maxSkew, or zone, provider or label groups with bounds.
func usesExtension(p *policyv1alpha1.Placement) bool {
	if p == nil {
		return false
	}
	for _, sc := range p.SpreadConstraints {
		if sc.MaxSkew > 0 {
			return true
		}
		grouped := sc.SpreadByLabel != "" || sc.SpreadByField == policyv1alpha1.SpreadByFieldZone || sc.SpreadByField == policyv1alpha1.SpreadByFieldProvider
		if grouped && (sc.MinGroups > 1 || sc.MaxGroups > 0) {
			return true
		}
	}
	return false
}

// judge compares Kurator's decision with Karmada's, or with the decision
// a scenario states for Kurator where it goes further by design.
func judge(karmada outcome, kurator kuratorDecision, stated *outcome) error {
	if stated != nil {
		if kurator.kind != stated.kind || stated.kind == "clusters" && kurator.clusters != stated.clusters {
			return fmt.Errorf("Kurator should decide %s, decided %s", render(*stated), render(kurator.outcome))
		}
		if kurator.kind == "clusters" {
			return honoursEverything(kurator)
		}
		return nil
	}
	switch karmada.kind {
	case "clusters", "none":
		switch {
		case kurator.kind == "clusters" && kurator.difference == "":
			if !sameClusters(karmada, kurator.outcome) {
				return fmt.Errorf("Karmada decides %s, Kurator %s and says nothing of a difference", render(karmada), render(kurator.outcome))
			}
		case kurator.kind == "clusters":
			return honoursEverything(kurator)
		case kurator.kind == "unschedulable" && usesExtension(kurator.workload.Placement):
		default:
			return fmt.Errorf("Karmada decides %s, Kurator %s", render(karmada), render(kurator.outcome))
		}
	case "rejected":
		if badPolicy(karmada.message) && kurator.kind != "rejected" {
			return fmt.Errorf("Karmada's webhook refuses the policy (%s), Kurator %s", karmada.message, render(kurator.outcome))
		}
		if kurator.kind == "clusters" {
			return extensionSchedules(kurator)
		}
	case "unschedulable":
		if kurator.kind == "clusters" {
			return extensionSchedules(kurator)
		}
	}
	return nil
}

// extensionSchedules checks a decision where Karmada decides nothing.
func extensionSchedules(kurator kuratorDecision) error {
	if kurator.difference == "" {
		return fmt.Errorf("Kurator decides %s where Karmada does not, and says nothing of it", render(kurator.outcome))
	}
	return honoursEverything(kurator)
}

// sameClusters compares decisions; a workload scaled to zero goes nowhere in
// Karmada (without --enable-empty-workload-propagation) and keeps its
// clusters with no replicas in Kurator.
func sameClusters(karmada, kurator outcome) bool {
	if karmada.kind == "none" {
		for _, part := range strings.Split(kurator.clusters, ", ") {
			if !strings.HasSuffix(part, ":0") && part != "" {
				return false
			}
		}
		return true
	}
	return karmada.clusters == kurator.clusters
}

func render(o outcome) string {
	switch o.kind {
	case "clusters":
		return o.clusters
	case "none":
		return "no clusters"
	}
	return o.kind + " (" + o.message + ")"
}
