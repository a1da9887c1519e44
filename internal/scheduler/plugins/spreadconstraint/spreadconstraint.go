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
// Package spreadconstraint filters out clusters that lack the topology field
// or label a spread constraint groups by: they could not be counted in any
// group.
package spreadconstraint

import (
	"context"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// Name of the plugin.
const Name = "SpreadConstraint"

// Plugin is the SpreadConstraint filter.
type Plugin struct{}

// New returns the plugin.
func New() framework.Plugin { return Plugin{} }

// Name of the plugin.
func (Plugin) Name() string { return Name }

// Filter rejects a cluster missing a field or label that is spread over.
func (Plugin) Filter(_ context.Context, s *framework.CycleState, c *framework.ClusterInfo) *framework.Status {
	p := s.Workload.Placement
	if p == nil {
		return nil
	}
	for _, sc := range p.SpreadConstraints {
		if sc.SpreadByLabel != "" {
			// Label groups are a Kurator extension: only a constraint that
			// takes part in the decision rejects unlabelled clusters.
			if !labelInUse(p, sc) {
				continue
			}
			if _, ok := c.Cluster.Labels[sc.SpreadByLabel]; !ok {
				return framework.NewStatus(framework.Unschedulable, "cluster has no label "+sc.SpreadByLabel+" to spread by")
			}
			continue
		}
		switch sc.SpreadByField {
		case policyv1alpha1.SpreadByFieldProvider:
			if c.Cluster.Spec.Provider == "" {
				return framework.NewStatus(framework.Unschedulable, "cluster has no provider to spread by")
			}
		case policyv1alpha1.SpreadByFieldRegion:
			if c.Cluster.Spec.Region == "" {
				return framework.NewStatus(framework.Unschedulable, "cluster has no region to spread by")
			}
		case policyv1alpha1.SpreadByFieldZone:
			if len(c.Cluster.Spec.EffectiveZones()) == 0 {
				return framework.NewStatus(framework.Unschedulable, "cluster has no zone to spread by")
			}
		}
	}
	return nil
}

// labelInUse says whether a spreadByLabel constraint chooses groups (a
// minGroups above 1 or a maxGroups) or bounds skew, under a replica
// scheduling that honours spread constraints.
func labelInUse(p *policyv1alpha1.Placement, sc policyv1alpha1.SpreadConstraint) bool {
	return !p.SpreadConstraintsIgnored() && (sc.MinGroups > 1 || sc.MaxGroups > 0 || sc.MaxSkew > 0)
}
