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
package failover

import (
	"fmt"
	"sort"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// ReasonApplicationFailure: the workload stayed unhealthy on the cluster
// longer than its failover.application.decisionConditions.tolerationSeconds.
const ReasonApplicationFailure = "ApplicationFailure"

// UnhealthySince remembers, per binding and cluster, since when a workload
// has been unhealthy. Healthy resets the timer; Unknown (a member that
// cannot report, or a status not yet collected) neither starts nor resets
// it, so a flapping report cannot postpone a failover for ever.
type UnhealthySince struct {
	mu     sync.Mutex
	timers map[string]map[string]time.Time
}

// Observe records the health of each target cluster of a binding and
// returns, per cluster, since when it has been unhealthy (only the
// unhealthy ones). Clusters that are no longer targets are forgotten.
func (u *UnhealthySince) Observe(binding string, items []workv1alpha2.AggregatedStatusItem, targets []workv1alpha2.TargetCluster, now time.Time) map[string]time.Time {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.timers == nil {
		u.timers = map[string]map[string]time.Time{}
	}
	timers := u.timers[binding]
	if timers == nil {
		timers = map[string]time.Time{}
	}
	health := map[string]workv1alpha2.ResourceHealth{}
	for _, it := range items {
		health[it.ClusterName] = it.Health
	}
	next := map[string]time.Time{}
	for _, t := range targets {
		switch health[t.Name] {
		case workv1alpha2.ResourceUnhealthy:
			if since, ok := timers[t.Name]; ok {
				next[t.Name] = since
			} else {
				next[t.Name] = now
			}
		case workv1alpha2.ResourceHealthy:
		default:
			if since, ok := timers[t.Name]; ok {
				next[t.Name] = since
			}
		}
	}
	if len(next) == 0 {
		delete(u.timers, binding)
	} else {
		u.timers[binding] = next
	}
	out := make(map[string]time.Time, len(next))
	for k, v := range next {
		out[k] = v
	}
	return out
}

// Forget drops a binding's timers.
func (u *UnhealthySince) Forget(binding string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.timers, binding)
}

// ApplicationToleration is how long a workload may stay unhealthy on a
// cluster before it fails over, and whether application failover is on at
// all (the policy has failover.application).
func ApplicationToleration(spec *workv1alpha2.ResourceBindingSpec) (time.Duration, bool) {
	if spec.Failover == nil || spec.Failover.Application == nil {
		return 0, false
	}
	seconds := policyv1alpha1.DefaultApplicationFailoverTolerationSeconds
	if s := spec.Failover.Application.DecisionConditions.TolerationSeconds; s != nil {
		seconds = *s
	}
	return time.Duration(seconds) * time.Second, true
}

// ExpiredClusters returns the clusters unhealthy for at least toleration at
// now, sorted, and how long until the next one expires (0: none pending).
func ExpiredClusters(since map[string]time.Time, toleration time.Duration, now time.Time) ([]string, time.Duration) {
	var out []string
	var next time.Duration
	for c, t := range since {
		left := t.Add(toleration).Sub(now)
		if left <= 0 {
			out = append(out, c)
			continue
		}
		if next == 0 || left < next {
			next = left
		}
	}
	sort.Strings(out)
	return out, next
}

// EvictApplication takes clusters out of spec.clusters for an application
// failure and records eviction tasks with the application failover's purge
// mode and grace period. A cluster is left when it is the binding's only
// one: moving a failing workload nowhere helps nobody.
func EvictApplication(spec *workv1alpha2.ResourceBindingSpec, clusters []string, now time.Time) []string {
	app := spec.Failover.Application
	mode := app.PurgeMode
	if mode == "" {
		mode = policyv1alpha1.PurgeModeGracefully
	}
	before := make([]string, 0, len(spec.Clusters))
	for _, c := range spec.Clusters {
		before = append(before, c.Name)
	}
	sort.Strings(before)
	evict := map[string]bool{}
	for _, c := range clusters {
		evict[c] = true
	}
	var kept []workv1alpha2.TargetCluster
	var evicted []string
	for _, c := range spec.Clusters {
		if !evict[c.Name] {
			kept = append(kept, c)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	for _, c := range spec.Clusters {
		if !evict[c.Name] {
			continue
		}
		evicted = append(evicted, c.Name)
		if HasTask(spec, c.Name) {
			continue
		}
		replicas := c.Replicas
		ts := metav1.NewTime(now)
		task := workv1alpha2.GracefulEvictionTask{
			FromCluster: c.Name, PurgeMode: mode, Replicas: &replicas, Reason: ReasonApplicationFailure,
			Message:  fmt.Sprintf("the workload has been unhealthy on %s longer than its failover tolerates", c.Name),
			Producer: Producer, CreationTimestamp: &ts, ClustersBeforeFailover: before,
		}
		if mode == policyv1alpha1.PurgeModeGracefully {
			task.GracePeriodSeconds = app.GracePeriodSeconds
		}
		spec.GracefulEvictionTasks = append(spec.GracefulEvictionTasks, task)
	}
	spec.Clusters = kept
	return evicted
}

// Excluded are the clusters a binding must not be scheduled onto while its
// eviction tasks last: an application failure is not a taint the scheduler
// would otherwise see.
func Excluded(spec *workv1alpha2.ResourceBindingSpec) map[string]bool {
	out := map[string]bool{}
	for _, t := range spec.GracefulEvictionTasks {
		out[t.FromCluster] = true
	}
	return out
}
