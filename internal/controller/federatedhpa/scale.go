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

package federatedhpa

import (
	"context"
	"fmt"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	"kurator.dev/kurator/internal/autoscaling"
	"kurator.dev/kurator/internal/autoscaling/collect"
	"kurator.dev/kurator/internal/scaletarget"
)

// limit applies minReplicas, maxReplicas and the behaviour to the
// proposal, with the recommendations and scale events kept in status, and
// records the proposal.
func (r *Reconciler) limit(fhpa *autoscalingv1alpha1.FederatedHPA, current, proposed int32, now time.Time) int32 {
	minReplicas := autoscalingv1alpha1.DefaultMinReplicas
	if fhpa.Spec.MinReplicas != nil {
		minReplicas = *fhpa.Spec.MinReplicas
	}
	history := make([]autoscaling.Recommendation, len(fhpa.Status.Recommendations))
	for i, rec := range fhpa.Status.Recommendations {
		history[i] = autoscaling.Recommendation{Time: rec.Time.Time, Replicas: rec.Replicas}
	}
	limited := autoscaling.Normalize(proposed, autoscaling.Bounds{
		Current: current, Min: minReplicas, Max: fhpa.Spec.MaxReplicas, Behavior: fhpa.Spec.Behavior,
		History: history, Events: scaleEvents(fhpa), Now: now,
	})
	if limited.Reason != "" && limited.Replicas != proposed {
		setCondition(fhpa, autoscalingv2.ScalingLimited, true, limitReason(limited.Replicas, proposed, minReplicas, fhpa.Spec.MaxReplicas), limited.Reason, now)
	} else {
		setCondition(fhpa, autoscalingv2.ScalingLimited, false, "DesiredWithinRange", "the desired count is within the acceptable range", now)
	}
	behavior := autoscaling.WithDefaults(fhpa.Spec.Behavior)
	window := time.Duration(max(*behavior.ScaleUp.StabilizationWindowSeconds, *behavior.ScaleDown.StabilizationWindowSeconds)) * time.Second
	kept := fhpa.Status.Recommendations[:0:0]
	for _, rec := range fhpa.Status.Recommendations {
		if now.Sub(rec.Time.Time) < window {
			kept = append(kept, rec)
		}
	}
	fhpa.Status.Recommendations = append(kept, autoscalingv1alpha1.Recommendation{Time: metav1.NewTime(now), Replicas: proposed})
	return limited.Replicas
}

// limitReason is the HPA's reason for a ScalingLimited condition.
func limitReason(limited, proposed, minReplicas, maxReplicas int32) string {
	switch {
	case limited == maxReplicas && proposed > maxReplicas:
		return "TooManyReplicas"
	case limited == minReplicas && proposed < minReplicas:
		return "TooFewReplicas"
	case limited < proposed:
		return "ScaleUpLimit"
	default:
		return "ScaleDownLimit"
	}
}

func scaleEvents(fhpa *autoscalingv1alpha1.FederatedHPA) []autoscaling.ScaleEvent {
	out := make([]autoscaling.ScaleEvent, len(fhpa.Status.ScaleEvents))
	for i, e := range fhpa.Status.ScaleEvents {
		out[i] = autoscaling.ScaleEvent{Time: e.Time.Time, Change: e.To - e.From}
	}
	return out
}

// scale writes the template's replicas and records the change.
func (r *Reconciler) scale(ctx context.Context, fhpa *autoscalingv1alpha1.FederatedHPA, t *target, desired int32, p proposal, now time.Time) error {
	from := t.scale.Spec.Replicas
	scale := t.scale.DeepCopy()
	scale.Spec.Replicas = desired
	if err := scaletarget.Update(ctx, r.Client, scaletarget.Object(r.Client.Scheme(), t.gvk, fhpa.Namespace, scale.Name), scale); err != nil {
		setCondition(fhpa, autoscalingv2.AbleToScale, false, "FailedUpdateScale", fmt.Sprintf("the HPA controller was unable to update the target scale: %v", err), now)
		r.Recorder.Eventf(fhpa, nil, "Warning", "FailedRescale", "Scale", "New size: %d; reason: %s; error: %v", desired, p.metricName, err)
		return err
	}
	setCondition(fhpa, autoscalingv2.AbleToScale, true, "SucceededRescale", fmt.Sprintf("the HPA controller was able to update the target scale to %d", desired), now)
	direction := "above"
	if desired < from {
		direction = "below"
	}
	r.Recorder.Eventf(fhpa, nil, "Normal", "SuccessfulRescale", "Scale", "New size: %d; reason: %s %s target (%s)", desired, p.metricName, direction, p.detail)
	ctrl.LoggerFrom(ctx).Info("Rescaled the template", "from", from, "to", desired, "metric", p.metricName)
	fhpa.Status.CurrentReplicas = from
	fhpa.Status.LastScaleTime = &metav1.Time{Time: now}
	longest := longestPeriod(fhpa.Spec.Behavior)
	kept := fhpa.Status.ScaleEvents[:0:0]
	for _, e := range fhpa.Status.ScaleEvents {
		if now.Sub(e.Time.Time) < longest {
			kept = append(kept, e)
		}
	}
	fhpa.Status.ScaleEvents = append(kept, autoscalingv1alpha1.ScaleEvent{Time: metav1.NewTime(now), From: from, To: desired})
	return nil
}

// longestPeriod is the longest period of any scaling policy: older scale
// events limit nothing.
func longestPeriod(b *autoscalingv2.HorizontalPodAutoscalerBehavior) time.Duration {
	behavior := autoscaling.WithDefaults(b)
	var longest int32
	for _, rules := range []*autoscalingv2.HPAScalingRules{behavior.ScaleUp, behavior.ScaleDown} {
		for _, p := range rules.Policies {
			longest = max(longest, p.PeriodSeconds)
		}
	}
	return time.Duration(longest) * time.Second
}

// recordClusters writes what each cluster answered into status.clusters.
func (r *Reconciler) recordClusters(fhpa *autoscalingv1alpha1.FederatedHPA, answers []collect.Cluster) {
	previous := map[string]autoscalingv1alpha1.ClusterAutoscalingStatus{}
	for _, c := range fhpa.Status.Clusters {
		previous[c.Name] = c
	}
	out := make([]autoscalingv1alpha1.ClusterAutoscalingStatus, 0, len(answers))
	for _, a := range answers {
		c := autoscalingv1alpha1.ClusterAutoscalingStatus{Name: a.Name}
		if a.Stale {
			prev := previous[a.Name]
			c.Replicas, c.ReadyReplicas, c.LastCollectTime = prev.Replicas, prev.ReadyReplicas, prev.LastCollectTime
			c.Stale, c.Message = true, a.Err.Error()
		} else {
			c.LastCollectTime = &metav1.Time{Time: a.CollectedAt}
			c.Replicas, c.ReadyReplicas = a.Counts()
		}
		out = append(out, c)
	}
	fhpa.Status.Clusters = out
}
