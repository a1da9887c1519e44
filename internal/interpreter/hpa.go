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
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// Each member's copy of a HorizontalPodAutoscaler scales that member's copy
// of the target. Its bounds are divided as its policy divides replicas:
// maxReplicas is what the scheduler divides (a Duplicated policy copies it
// unchanged), so the members' maxima add up to the template's.
func init() {
	registerBuiltin(schema.GroupKind{Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}, Operations{
		GetReplicas:     hpaReplicas,
		ReviseReplica:   reviseHPABounds,
		InterpretHealth: hpaHealth,
		AggregateStatus: aggregateHPA,
	})
}

// hpaReplicas reads maxReplicas as the replicas to divide. An autoscaler
// runs no pods itself, so a replica requires nothing of a node.
func hpaReplicas(obj *unstructured.Unstructured) (*Replicated, error) {
	maxReplicas, found, err := unstructured.NestedInt64(obj.Object, "spec", "maxReplicas")
	if err != nil {
		return nil, fmt.Errorf("HorizontalPodAutoscaler %s: spec.maxReplicas: %w", obj.GetName(), err)
	}
	if !found || maxReplicas < 1 {
		return nil, fmt.Errorf("HorizontalPodAutoscaler %s has no positive spec.maxReplicas", obj.GetName())
	}
	return &Replicated{Replicas: maxReplicas}, nil
}

// reviseHPABounds gives a cluster maxReplicas equal to its share, and a
// minReplicas in the same proportion of the template's: min × share / max,
// rounded to the nearest integer (halves up), at least 1 and at most the
// share. So min 3 max 20 divided 16:4 gives min 2 max 16 and min 1 max 4.
// An unset minReplicas stays unset (1 in every member). A share of 0 (a
// cluster the scheduler gave nothing) still gets maxReplicas 1, the least
// an autoscaler accepts.
func reviseHPABounds(obj *unstructured.Unstructured, share Share) error {
	total, err := hpaReplicas(obj)
	if err != nil {
		return err
	}
	shareMax := max(share.Replicas, 1)
	if err := unstructured.SetNestedField(obj.Object, shareMax, "spec", "maxReplicas"); err != nil {
		return err
	}
	minReplicas, found, err := unstructured.NestedInt64(obj.Object, "spec", "minReplicas")
	if err != nil {
		return fmt.Errorf("HorizontalPodAutoscaler %s: spec.minReplicas: %w", obj.GetName(), err)
	}
	if !found {
		return nil
	}
	// Integer rounding to nearest: (2·min·share + max) / (2·max).
	shareMin := (2*minReplicas*share.Replicas + total.Replicas) / (2 * total.Replicas)
	shareMin = min(max(shareMin, 1), shareMax)
	return unstructured.SetNestedField(obj.Object, shareMin, "spec", "minReplicas")
}

// hpaHealth: unhealthy when the autoscaler has not observed its spec, or
// cannot scale its target (AbleToScale False) or compute a replica count
// (ScalingActive False for another reason than a target scaled to zero).
// An autoscaler without a status (no controller has acted yet) is healthy:
// nothing is known to be wrong.
func hpaHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	status, _, _ := unstructured.NestedMap(obj.Object, "status")
	if _, found := status["observedGeneration"]; found && !observedCurrent(obj) {
		return workv1alpha1.ResourceUnhealthy
	}
	if st, _, _, found := memberCondition(status, "AbleToScale"); found && st == "False" {
		return workv1alpha1.ResourceUnhealthy
	}
	if st, reason, _, found := memberCondition(status, "ScalingActive"); found && st == "False" && reason != "ScalingDisabled" {
		return workv1alpha1.ResourceUnhealthy
	}
	return workv1alpha1.ResourceHealthy
}

// aggregateHPA adds up currentReplicas and desiredReplicas: the members'
// copies scale their own members' replicas, so the fleet runs their sum.
// For a Divided target that is what the target's own aggregated status
// reads; for a Duplicated one the copies scale independently, so no single
// member's count speaks for the fleet and the sum, the replicas the fleet
// runs, is reported too (it may then exceed maxReplicas, which bounds each
// copy). AbleToScale and ScalingActive are True only when every member's
// is, ScalingLimited as soon as one member's is, naming the members;
// lastScaleTime is the latest. observedGeneration as for the workloads
// (see summed).
func aggregateHPA(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error) {
	status, reports, _ := summed(tpl, members, []string{"currentReplicas", "desiredReplicas"})
	if status == nil {
		return nil, nil
	}
	var latest string
	for _, r := range reports {
		if t, ok := r["lastScaleTime"].(string); ok && t > latest {
			latest = t
		}
	}
	setOrDelete(status, "lastScaleTime", latest)
	conds := mergeConditions(memberReports(members), []string{"AbleToScale", "ScalingActive", "ScalingLimited"}, oneOf("ScalingLimited"))
	writeConditions(status, conds, now, false)
	return status, nil
}
