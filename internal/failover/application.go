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
	"encoding/json"
	"fmt"
	"sort"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// ReasonApplicationFailure: the workload stayed unhealthy on the cluster
// longer than its failover.application.decisionConditions.tolerationSeconds.
const ReasonApplicationFailure = "ApplicationFailure"

// ObserveHealth folds the health the binding reports for its target
// clusters into the unhealthy timers (since, cluster to the time it turned
// unhealthy) and returns the new timers. Healthy resets a cluster's timer;
// Unknown (a member that cannot report, or a status not yet collected)
// neither starts nor resets it, so a flapping report cannot postpone a
// failover for ever. Clusters that are no longer targets are dropped.
func ObserveHealth(since map[string]time.Time, items []workv1alpha2.AggregatedStatusItem, targets []workv1alpha2.TargetCluster, now time.Time) map[string]time.Time {
	health := map[string]workv1alpha2.ResourceHealth{}
	for _, it := range items {
		health[it.ClusterName] = it.Health
	}
	next := map[string]time.Time{}
	for _, t := range targets {
		old, timing := since[t.Name]
		switch health[t.Name] {
		case workv1alpha2.ResourceUnhealthy:
			if !timing {
				old = now
			}
			next[t.Name] = old
		case workv1alpha2.ResourceHealthy:
		default:
			if timing {
				next[t.Name] = old
			}
		}
	}
	return next
}

// EncodeUnhealthySince is the value of the binding's
// UnhealthySinceAnnotation for the timers ("" for none), to the second.
func EncodeUnhealthySince(since map[string]time.Time) string {
	if len(since) == 0 {
		return ""
	}
	out := make(map[string]string, len(since))
	for c, t := range since {
		out[c] = t.UTC().Format(time.RFC3339)
	}
	raw, _ := json.Marshal(out) // a map of strings always encodes
	return string(raw)
}

// DecodeUnhealthySince reads the binding's UnhealthySinceAnnotation. A
// value that does not parse (edited by hand) counts as no timers: they
// start again.
func DecodeUnhealthySince(b metav1.Object) map[string]time.Time {
	raw, ok := b.GetAnnotations()[workv1alpha2.UnhealthySinceAnnotation]
	if !ok {
		return nil
	}
	var in map[string]string
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return nil
	}
	out := make(map[string]time.Time, len(in))
	for c, v := range in {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			out[c] = t
		}
	}
	return out
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
