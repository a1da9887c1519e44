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
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	trafficspec "kurator.dev/kurator/internal/traffic"
	"kurator.dev/kurator/internal/traffic/weights"
)

// decision is what decide settles: the Istio objects to program and when a
// held change may be made.
type decision struct {
	objects        []map[string]any
	nextEvaluation time.Time
}

// decide runs the weight law per target, combines the subsets into one route
// and records every cluster's weight, health and reasons in status.
func (r *Reconciler) decide(tp *networkingv1alpha1.TrafficPolicy, o trafficspec.Objectives, targets []target, slis measured, evaluated bool, now time.Time) (decision, error) {
	prev := map[string]*networkingv1alpha1.ClusterTraffic{}
	for i := range tp.Status.Clusters {
		c := &tp.Status.Clusters[i]
		prev[c.Subset+"/"+c.Name] = c
	}
	var lastChange time.Time
	if tp.Status.LastChangeTime != nil {
		lastChange = tp.Status.LastChangeTime.Time
	}
	guards := trafficspec.GuardsOf(tp.Spec.Guards)
	canary := canaryWeights(tp)
	if canary != nil {
		// A staged rollout's canary step applies at once.
		guards.Hysteresis, guards.Cooldown, guards.MaxStep, guards.RecoverySteps = 0, 0, 100, 1
	}
	var out decision
	var statuses []networkingv1alpha1.ClusterTraffic
	var subsets []weights.SubsetWeights
	labelsOf := map[string]map[string]string{}
	changed := false
	for _, t := range targets {
		labelsOf[t.subset] = t.labels
		in := weights.Input{LastChange: lastChange, Guards: guards}
		healths := map[string]clusterHealth{}
		for _, c := range t.clusters {
			p := prev[t.subset+"/"+c.name]
			h := healthOf(c, p, o, slis[t.subset], evaluated)
			healths[c.name] = h
			base := baseWeight(tp, c)
			if pct, ok := canary[c.name]; ok {
				base = base * float64(pct) / 100
				h.reasons = append(h.reasons, fmt.Sprintf("canary step: %d%% of its share", pct))
			}
			ci := weights.ClusterInput{Name: c.name, Base: base, Health: h.health, Reasons: h.reasons}
			if p != nil {
				ci.Known, ci.Weight, ci.Recovering = true, p.Weight, p.Recovering
			}
			in.Clusters = append(in.Clusters, ci)
		}
		d, err := weights.Compute(in, now)
		if err != nil {
			return out, fmt.Errorf("subset %q: %w", t.subset, err)
		}
		changed = changed || d.Changed
		if !d.NextEvaluation.IsZero() && (out.nextEvaluation.IsZero() || d.NextEvaluation.Before(out.nextEvaluation)) {
			out.nextEvaluation = d.NextEvaluation
		}
		sw := weights.SubsetWeights{Name: t.subset, Weight: t.weight}
		for _, c := range d.Clusters {
			sw.Clusters = append(sw.Clusters, weights.ClusterWeight{Name: c.Name, Weight: c.Weight})
			h := healths[c.Name]
			st := networkingv1alpha1.ClusterTraffic{
				Name: c.Name, Subset: t.subset, Weight: c.Weight, Target: c.Target,
				BaseWeight: int32(baseOf(in, c.Name)), Health: int32(h.health*100 + 0.5),
				Recovering: c.Recovering, Breaches: h.breaches, Reasons: c.Reasons,
			}
			if h.sli != nil {
				st.SuccessRate = fmt.Sprintf("%.2f", h.sli.SuccessRate)
				st.LatencyP99 = fmt.Sprintf("%.0fms", h.sli.P99LatencyMs)
			} else if p := prev[t.subset+"/"+c.Name]; p != nil && !evaluated {
				st.SuccessRate, st.LatencyP99 = p.SuccessRate, p.LatencyP99
			}
			statuses = append(statuses, st)
		}
		subsets = append(subsets, sw)
	}
	route := weights.Combine(subsets)
	routeWeight := map[string]int32{}
	for _, rw := range route {
		routeWeight[rw.Subset+"/"+rw.Cluster] = rw.Weight
	}
	for i := range statuses {
		statuses[i].RouteWeight = routeWeight[statuses[i].Subset+"/"+statuses[i].Name]
	}
	sort.Slice(statuses, func(i, j int) bool {
		if statuses[i].Subset != statuses[j].Subset {
			return statuses[i].Subset < statuses[j].Subset
		}
		return statuses[i].Name < statuses[j].Name
	})
	if changed || tp.Status.LastChangeTime == nil {
		tp.Status.LastChangeTime = &metav1.Time{Time: now}
		r.recordChange(tp, statuses)
	}
	tp.Status.Clusters = statuses
	out.objects = istioObjects(tp, labelsOf, route)
	return out, nil
}

// canaryWeights reads the staged rollout's canary step, if any.
func canaryWeights(tp *networkingv1alpha1.TrafficPolicy) map[string]int32 {
	raw, ok := tp.Annotations[rolloutv1alpha1.CanaryWeightsAnnotation]
	if !ok {
		return nil
	}
	out := map[string]int32{}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil
	}
	return out
}

func baseOf(in weights.Input, name string) float64 {
	for _, c := range in.Clusters {
		if c.Name == name {
			return c.Base
		}
	}
	return 0
}

// recordChange emits one event per change of the weights in force.
func (r *Reconciler) recordChange(tp *networkingv1alpha1.TrafficPolicy, statuses []networkingv1alpha1.ClusterTraffic) {
	if r.Recorder == nil {
		return
	}
	parts := make([]string, 0, len(statuses))
	for _, s := range statuses {
		parts = append(parts, fmt.Sprintf("%s=%d", subsetName(s.Subset, s.Name), s.RouteWeight))
	}
	r.Recorder.Eventf(tp, nil, "Normal", "WeightsChanged", "Route", "weights now %s", strings.Join(parts, " "))
}

// setProgrammed reports whether every member applied the Istio objects, and
// the policy's overall readiness.
func (r *Reconciler) setProgrammed(tp *networkingv1alpha1.TrafficPolicy, members, applied int, failed []string) {
	switch {
	case len(failed) > 0:
		sort.Strings(failed)
		r.setCondition(tp, networkingv1alpha1.ConditionProgrammed, metav1.ConditionFalse, networkingv1alpha1.ReasonApplyFailed, strings.Join(failed, "; "))
	case applied < members:
		r.setCondition(tp, networkingv1alpha1.ConditionProgrammed, metav1.ConditionFalse, networkingv1alpha1.ReasonApplying,
			fmt.Sprintf("applied in %d of %d members", applied, members))
	default:
		r.setCondition(tp, networkingv1alpha1.ConditionProgrammed, metav1.ConditionTrue, networkingv1alpha1.ReasonApplied,
			fmt.Sprintf("DestinationRule and VirtualService %s applied in all %d members", tp.Name, members))
	}
	status, reason, msg := metav1.ConditionTrue, networkingv1alpha1.ReasonWeightsDecided, "weights decided and applied in every member"
	if applied < members {
		status, reason, msg = metav1.ConditionFalse, networkingv1alpha1.ReasonApplying, "weights decided; not yet applied in every member"
	}
	r.setCondition(tp, networkingv1alpha1.ConditionReady, status, reason, msg)
}

func apiequalStatus(a, b *networkingv1alpha1.TrafficPolicyStatus) bool {
	return apiequality.Semantic.DeepEqual(a, b)
}
