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
// Package clusterlocality prefers the clusters a workload already runs in,
// so decisions stay stable.
package clusterlocality

import (
	"context"

	"kurator.dev/kurator/internal/scheduler/framework"
)

// Name of the plugin.
const Name = "ClusterLocality"

// Plugin is the ClusterLocality score.
type Plugin struct{}

// New returns the plugin.
func New() framework.Plugin { return Plugin{} }

// Name of the plugin.
func (Plugin) Name() string { return Name }

// Score is MaxScore for a cluster of the previous decision, else 0.
func (Plugin) Score(_ context.Context, s *framework.CycleState, c *framework.ClusterInfo) (int64, *framework.Status) {
	if n, ok := s.Workload.PreviousReplicas(c.Name()); ok && (n > 0 || s.Workload.Replicas == 0) {
		return framework.MaxScore, nil
	}
	return 0, nil
}
