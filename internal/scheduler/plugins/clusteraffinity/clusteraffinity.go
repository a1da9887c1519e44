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
// Package clusteraffinity filters clusters by the placement's cluster
// affinity (or the current clusterAffinities term and its overflow tiers) and
// scores them by its preferred, weighted terms.
package clusteraffinity

import (
	"context"

	"kurator.dev/kurator/internal/scheduler/affinity"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// Name of the plugin.
const Name = "ClusterAffinity"

// Plugin is the ClusterAffinity filter and score.
type Plugin struct{}

// New returns the plugin.
func New() framework.Plugin { return Plugin{} }

// Name of the plugin.
func (Plugin) Name() string { return Name }

// Filter passes clusters matching the term in force or one of its overflow tiers.
func (Plugin) Filter(_ context.Context, s *framework.CycleState, c *framework.ClusterInfo) *framework.Status {
	if s.Matcher == nil || s.Matcher.Matches(c.Cluster) {
		return nil
	}
	for _, m := range s.OverflowMatchers {
		if m.Matches(c.Cluster) {
			return nil
		}
	}
	return noMatch
}

// noMatch is shared by every rejected cluster: with Plugin set, the
// framework leaves it as it is.
var noMatch = &framework.Status{Code: framework.Unschedulable, Plugin: Name, Reasons: []string{"cluster does not match the placement's cluster affinity"}}

// Score is the share of preferred-term weight the cluster matches, 0..100.
func (Plugin) Score(_ context.Context, s *framework.CycleState, c *framework.ClusterInfo) (int64, *framework.Status) {
	if s.Affinity == nil || len(s.Affinity.Preferred) == 0 {
		return 0, nil
	}
	var total int64
	for _, t := range s.Affinity.Preferred {
		total += int64(t.Weight)
	}
	if total == 0 {
		return 0, nil
	}
	return affinity.PreferredScore(s.Affinity.Preferred, c.Cluster) * framework.MaxScore / total, nil
}
