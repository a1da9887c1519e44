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
// Package tainttoleration filters out clusters with NoSchedule or NoExecute
// taints the placement does not tolerate.
package tainttoleration

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"

	"kurator.dev/kurator/internal/scheduler/framework"
)

// Name of the plugin.
const Name = "TaintToleration"

// Plugin is the TaintToleration filter.
type Plugin struct{}

// New returns the plugin.
func New() framework.Plugin { return Plugin{} }

// Name of the plugin.
func (Plugin) Name() string { return Name }

// Filter rejects an untolerated hard taint. Clusters of the previous decision
// pass: evicting them is the failover controller's decision, not the
// scheduler's.
func (Plugin) Filter(_ context.Context, s *framework.CycleState, c *framework.ClusterInfo) *framework.Status {
	if len(c.Cluster.Spec.Taints) == 0 {
		return nil
	}
	if _, ok := s.Workload.PreviousReplicas(c.Name()); ok {
		return nil
	}
	var tolerations []corev1.Toleration
	if p := s.Workload.Placement; p != nil {
		tolerations = p.EffectiveClusterTolerations()
	}
	for i := range c.Cluster.Spec.Taints {
		t := &c.Cluster.Spec.Taints[i]
		if t.Effect != corev1.TaintEffectNoSchedule && t.Effect != corev1.TaintEffectNoExecute {
			continue
		}
		if !tolerated(tolerations, t) {
			return framework.NewStatus(framework.Unschedulable, "cluster has untolerated taint "+t.Key+"="+t.Value+":"+string(t.Effect))
		}
	}
	return nil
}

func tolerated(tolerations []corev1.Toleration, t *corev1.Taint) bool {
	for i := range tolerations {
		if tolerations[i].ToleratesTaint(klog.Background(), t, false) {
			return true
		}
	}
	return false
}
