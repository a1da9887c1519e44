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

package drain

import (
	"context"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/failover"
)

// ClusterBindings is where the bindings on one cluster stand in a drain.
// Each list holds binding names ("namespace/name" or, for a
// ClusterResourceBinding, "name"), sorted.
type ClusterBindings struct {
	// Moving list the cluster in spec.clusters and do not tolerate the
	// draining taint (for ever).
	Moving []string
	// Evicting have a graceful eviction task that still keeps the old
	// copy on the cluster and will end by itself.
	Evicting []string
	// Staying tolerate the draining taint without tolerationSeconds.
	Staying []string
}

// Left is what a drain waits for: bindings still to move or still keeping
// their old copy, each once, sorted.
func (b ClusterBindings) Left() []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range append(append([]string{}, b.Moving...), b.Evicting...) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Bindings reads every ResourceBinding and ClusterResourceBinding and sorts
// those on the named clusters, by cluster name.
func Bindings(ctx context.Context, c client.Reader, names []string) (map[string]ClusterBindings, error) {
	var rbs workv1alpha2.ResourceBindingList
	if err := c.List(ctx, &rbs); err != nil {
		return nil, fmt.Errorf("list resource bindings: %w", err)
	}
	var crbs workv1alpha2.ClusterResourceBindingList
	if err := c.List(ctx, &crbs); err != nil {
		return nil, fmt.Errorf("list cluster resource bindings: %w", err)
	}
	state := make(map[string]ClusterBindings, len(names))
	add := func(id string, spec *workv1alpha2.ResourceBindingSpec) {
		for _, name := range names {
			s := state[name]
			for _, t := range spec.Clusters {
				if t.Name != name {
					continue
				}
				if toleratesDrain(spec.Placement) {
					s.Staying = append(s.Staying, id)
				} else {
					s.Moving = append(s.Moving, id)
				}
			}
			for i := range spec.GracefulEvictionTasks {
				if t := &spec.GracefulEvictionTasks[i]; t.FromCluster == name && failover.TaskEndsByItself(t) {
					s.Evicting = append(s.Evicting, id)
				}
			}
			state[name] = s
		}
	}
	for i := range rbs.Items {
		add(rbs.Items[i].Namespace+"/"+rbs.Items[i].Name, &rbs.Items[i].Spec)
	}
	for i := range crbs.Items {
		add(crbs.Items[i].Name, &crbs.Items[i].Spec)
	}
	for name, s := range state {
		sort.Strings(s.Moving)
		sort.Strings(s.Evicting)
		sort.Strings(s.Staying)
		state[name] = s
	}
	return state, nil
}

// toleratesDrain reports whether a placement tolerates the draining taint for
// ever (a toleration with tolerationSeconds only delays the eviction).
func toleratesDrain(p *policyv1alpha1.Placement) bool {
	return failover.ToleratedForever(p.EffectiveClusterTolerations(), &corev1.Taint{Key: TaintDraining, Effect: corev1.TaintEffectNoExecute})
}
