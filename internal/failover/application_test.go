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
	"testing"
	"time"

	"k8s.io/utils/ptr"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

func items(h map[string]workv1alpha2.ResourceHealth) []workv1alpha2.AggregatedStatusItem {
	var out []workv1alpha2.AggregatedStatusItem
	for c, health := range h {
		out = append(out, workv1alpha2.AggregatedStatusItem{ClusterName: c, Health: health})
	}
	return out
}

func TestUnknownHealthDoesNotResetTheTimer(t *testing.T) {
	// The timers go through the binding's annotation between steps, as
	// they do between reconciles (and across restarts).
	rb := &workv1alpha2.ResourceBinding{}
	observe := func(h map[string]workv1alpha2.ResourceHealth, targets []workv1alpha2.TargetCluster, at int64) map[string]time.Time {
		got := ObserveHealth(DecodeUnhealthySince(rb), items(h), targets, time.Unix(at, 0))
		rb.Annotations = map[string]string{workv1alpha2.UnhealthySinceAnnotation: EncodeUnhealthySince(got)}
		return got
	}
	targets := []workv1alpha2.TargetCluster{{Name: "a"}, {Name: "b"}}
	const bad, good, unknown = workv1alpha2.ResourceUnhealthy, workv1alpha2.ResourceHealthy, workv1alpha2.ResourceUnknown
	steps := []struct {
		at     int64
		health map[string]workv1alpha2.ResourceHealth
		want   map[string]int64
	}{
		{at: 0, health: map[string]workv1alpha2.ResourceHealth{"a": unknown, "b": good}, want: map[string]int64{}},
		{at: 10, health: map[string]workv1alpha2.ResourceHealth{"a": bad, "b": good}, want: map[string]int64{"a": 10}},
		{at: 20, health: map[string]workv1alpha2.ResourceHealth{"a": unknown, "b": good}, want: map[string]int64{"a": 10}},
		{at: 30, health: map[string]workv1alpha2.ResourceHealth{"a": bad, "b": bad}, want: map[string]int64{"a": 10, "b": 30}},
		{at: 40, health: map[string]workv1alpha2.ResourceHealth{"a": good, "b": bad}, want: map[string]int64{"b": 30}},
	}
	for _, s := range steps {
		got := observe(s.health, targets, s.at)
		if len(got) != len(s.want) {
			t.Fatalf("at %d: %v, want %v", s.at, got, s.want)
		}
		for c, since := range s.want {
			if !got[c].Equal(time.Unix(since, 0)) {
				t.Fatalf("at %d: %s unhealthy since %v, want %d", s.at, c, got[c], since)
			}
		}
	}
	// A cluster that is no longer a target is forgotten.
	if got := observe(map[string]workv1alpha2.ResourceHealth{"b": bad}, targets[:1], 50); len(got) != 0 {
		t.Fatalf("timers of a cluster no longer targeted: %v", got)
	}
}

func TestExpiredClusters(t *testing.T) {
	since := map[string]time.Time{"a": time.Unix(0, 0), "b": time.Unix(50, 0)}
	got, next := ExpiredClusters(since, 60*time.Second, time.Unix(70, 0))
	if len(got) != 1 || got[0] != "a" || next != 40*time.Second {
		t.Fatalf("ExpiredClusters = %v, %v", got, next)
	}
}

func TestEvictApplication(t *testing.T) {
	spec := &workv1alpha2.ResourceBindingSpec{
		Clusters: []workv1alpha2.TargetCluster{{Name: "a", Replicas: 3}, {Name: "b", Replicas: 2}},
		Failover: &policyv1alpha1.FailoverBehavior{Application: &policyv1alpha1.ApplicationFailoverBehavior{
			DecisionConditions: policyv1alpha1.DecisionConditions{TolerationSeconds: ptr.To[int32](30)}, GracePeriodSeconds: ptr.To[int32](90)}},
	}
	if tol, on := ApplicationToleration(spec); !on || tol != 30*time.Second {
		t.Fatalf("toleration %v %v", tol, on)
	}
	if got := EvictApplication(spec, []string{"a"}, t0); len(got) != 1 || got[0] != "a" {
		t.Fatalf("evicted %v", got)
	}
	if len(spec.Clusters) != 1 || spec.Clusters[0].Name != "b" || len(spec.GracefulEvictionTasks) != 1 {
		t.Fatalf("spec after eviction: %+v", spec)
	}
	task := spec.GracefulEvictionTasks[0]
	if task.Reason != ReasonApplicationFailure || task.PurgeMode != policyv1alpha1.PurgeModeGracefully || *task.GracePeriodSeconds != 90 {
		t.Fatalf("task %+v", task)
	}
	if !Excluded(spec)["a"] {
		t.Fatalf("evicted cluster not excluded from scheduling")
	}
	// The last cluster stays: there is nowhere to go.
	if got := EvictApplication(spec, []string{"b"}, t0); got != nil || len(spec.Clusters) != 1 {
		t.Fatalf("evicted the only cluster: %v", got)
	}
	if _, on := ApplicationToleration(&workv1alpha2.ResourceBindingSpec{}); on {
		t.Fatalf("application failover on without failover.application")
	}
}
