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

package overrideusage

import (
	"strings"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/propagation"
)

// RenderFailure returns the error that kept the binding controller from
// rendering b for cluster, or "": this cluster's part of the False
// Rendered condition ("cluster: error; cluster2: error"), else the
// OverrideFailed message of its aggregated status.
func RenderFailure(b *workv1alpha2.ResourceBinding, cluster string) string {
	if c := apimeta.FindStatusCondition(b.Status.Conditions, workv1alpha2.ConditionRendered); c != nil && c.Status == metav1.ConditionFalse {
		others := make([]string, 0, len(b.Spec.Clusters))
		for _, t := range b.Spec.Clusters {
			if t.Name != cluster {
				others = append(others, t.Name)
			}
		}
		if msg, ok := clusterFailure(c.Message, cluster, others); ok {
			return msg
		}
	}
	for _, s := range b.Status.AggregatedStatus {
		if s.ClusterName == cluster && !s.Applied {
			if msg, ok := strings.CutPrefix(s.AppliedMessage, workv1alpha2.BindingReasonOverrideFailed+": "); ok {
				return msg
			}
		}
	}
	return ""
}

// clusterFailure cuts cluster's error out of a Rendered message
// "a: error; b: error". An error may itself contain "; ", so a part ends
// only where another cluster's part begins.
func clusterFailure(message, cluster string, others []string) (string, bool) {
	targets := []workv1alpha2.TargetCluster{{Name: cluster}}
	for _, o := range others {
		targets = append(targets, workv1alpha2.TargetCluster{Name: o})
	}
	rendered := []metav1.Condition{{Type: workv1alpha2.ConditionRendered, Status: metav1.ConditionFalse, Message: message}}
	msg, ok := propagation.RenderFailures(rendered, targets)[cluster]
	return msg, ok
}
