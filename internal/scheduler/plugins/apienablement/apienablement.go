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
// Package apienablement filters out clusters that do not serve the
// workload's kind.
package apienablement

import (
	"context"
	"strings"

	"kurator.dev/kurator/internal/scheduler/framework"
)

// Name of the plugin.
const Name = "APIEnablement"

// Plugin is the APIEnablement filter.
type Plugin struct{}

// New returns the plugin.
func New() framework.Plugin { return Plugin{} }

// Name of the plugin.
func (Plugin) Name() string { return Name }

// Filter passes clusters whose discovered APIs include the kind. Clusters of
// the previous decision always pass, so a discovery hiccup never evicts.
func (Plugin) Filter(_ context.Context, s *framework.CycleState, c *framework.ClusterInfo) *framework.Status {
	w := s.Workload
	for _, e := range c.Cluster.Status.APIEnablements {
		if !isGroupVersion(e.GroupVersion, w.GVK.Group, w.GVK.Version) {
			continue
		}
		for _, r := range e.Resources {
			if r.Kind == w.GVK.Kind {
				return nil
			}
		}
	}
	if _, ok := w.PreviousReplicas(c.Name()); ok {
		return nil
	}
	return framework.NewStatus(framework.Unschedulable, "cluster does not serve "+w.GVK.Kind+" in "+w.GVK.GroupVersion().String())
}

// isGroupVersion reports whether gv is "group/version" ("version" for the
// core group) without building that string for every cluster.
func isGroupVersion(gv, group, version string) bool {
	if group == "" {
		return gv == version
	}
	return len(gv) == len(group)+1+len(version) && strings.HasPrefix(gv, group) && gv[len(group)] == '/' && strings.HasSuffix(gv, version)
}
