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

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

var t0 = time.Unix(1000, 0)

func tainted(name string, taints ...corev1.Taint) *karmadaclusterv1alpha1.Cluster {
	c := &karmadaclusterv1alpha1.Cluster{}
	c.Name = name
	c.Spec.Taints = taints
	return c
}

func noExecute(key string, added time.Time) corev1.Taint {
	ts := metav1.NewTime(added)
	return corev1.Taint{Key: key, Effect: corev1.TaintEffectNoExecute, TimeAdded: &ts}
}

func TestUntolerated(t *testing.T) {
	targets := []workv1alpha2.TargetCluster{{Name: "a", Replicas: 6}, {Name: "b", Replicas: 4}}
	unreachable := noExecute(karmadaclusterv1alpha1.TaintClusterUnreachable, t0)
	for name, tc := range map[string]struct {
		clusters    map[string]*karmadaclusterv1alpha1.Cluster
		tolerations []corev1.Toleration
		now         time.Time
		want        []string
		wait        time.Duration
	}{
		"healthy clusters stay": {
			clusters: map[string]*karmadaclusterv1alpha1.Cluster{"a": tainted("a"), "b": tainted("b")},
			now:      t0,
		},
		"a NoSchedule taint never evicts": {
			clusters: map[string]*karmadaclusterv1alpha1.Cluster{"a": tainted("a", corev1.Taint{Key: "x", Effect: corev1.TaintEffectNoSchedule})},
			now:      t0,
		},
		"an untolerated NoExecute taint evicts": {
			clusters: map[string]*karmadaclusterv1alpha1.Cluster{"a": tainted("a", unreachable), "b": tainted("b")},
			now:      t0, want: []string{"a"},
		},
		"a toleration without seconds keeps it forever": {
			clusters:    map[string]*karmadaclusterv1alpha1.Cluster{"a": tainted("a", unreachable)},
			tolerations: []corev1.Toleration{{Key: karmadaclusterv1alpha1.TaintClusterUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}},
			now:         t0.Add(time.Hour),
		},
		"tolerationSeconds delays the eviction": {
			clusters:    map[string]*karmadaclusterv1alpha1.Cluster{"a": tainted("a", unreachable)},
			tolerations: []corev1.Toleration{{Key: karmadaclusterv1alpha1.TaintClusterUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](30)}},
			now:         t0.Add(10 * time.Second), wait: 20 * time.Second,
		},
		"tolerationSeconds run out": {
			clusters:    map[string]*karmadaclusterv1alpha1.Cluster{"a": tainted("a", unreachable)},
			tolerations: []corev1.Toleration{{Key: karmadaclusterv1alpha1.TaintClusterUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](30)}},
			now:         t0.Add(30 * time.Second), want: []string{"a"},
		},
		"the smallest matching tolerationSeconds counts": {
			clusters: map[string]*karmadaclusterv1alpha1.Cluster{"a": tainted("a", unreachable)},
			tolerations: []corev1.Toleration{
				{Operator: corev1.TolerationOpExists, TolerationSeconds: ptr.To[int64](300)},
				{Key: karmadaclusterv1alpha1.TaintClusterUnreachable, Operator: corev1.TolerationOpExists, TolerationSeconds: ptr.To[int64](5)},
			},
			now: t0.Add(6 * time.Second), want: []string{"a"},
		},
		"a toleration of another taint does not help": {
			clusters:    map[string]*karmadaclusterv1alpha1.Cluster{"b": tainted("b", noExecute("cluster.kurator.dev/draining", t0))},
			tolerations: []corev1.Toleration{{Key: karmadaclusterv1alpha1.TaintClusterUnreachable, Operator: corev1.TolerationOpExists}},
			now:         t0, want: []string{"b"},
		},
		"an unknown cluster is left to the scheduler": {
			clusters: map[string]*karmadaclusterv1alpha1.Cluster{},
			now:      t0,
		},
	} {
		t.Run(name, func(t *testing.T) {
			got, wait := Untolerated(targets, tc.clusters, tc.tolerations, tc.now)
			var names []string
			for _, e := range got {
				names = append(names, e.Cluster)
			}
			if len(names) != len(tc.want) || (len(names) > 0 && names[0] != tc.want[0]) {
				t.Fatalf("evicted %v, want %v", names, tc.want)
			}
			if wait != tc.wait {
				t.Fatalf("wait %v, want %v", wait, tc.wait)
			}
		})
	}
}

func TestEvictRecordsTasksPerPurgeMode(t *testing.T) {
	eviction := []Eviction{{Cluster: "a", Taint: noExecute(karmadaclusterv1alpha1.TaintClusterNotReady, t0)}}
	spec := &workv1alpha2.ResourceBindingSpec{Clusters: []workv1alpha2.TargetCluster{{Name: "a", Replicas: 6}, {Name: "b", Replicas: 4}}}
	Evict(spec, eviction, t0)
	if len(spec.Clusters) != 1 || spec.Clusters[0].Name != "b" {
		t.Fatalf("clusters after eviction: %v", spec.Clusters)
	}
	if len(spec.GracefulEvictionTasks) != 1 {
		t.Fatalf("tasks: %v", spec.GracefulEvictionTasks)
	}
	task := spec.GracefulEvictionTasks[0]
	if task.FromCluster != "a" || *task.Replicas != 6 || task.PurgeMode != policyv1alpha1.PurgeModeGracefully ||
		task.Reason != ReasonTaintUntolerated || task.Producer != Producer || len(task.ClustersBeforeFailover) != 2 {
		t.Fatalf("task: %+v", task)
	}
	// Evicting again (a retry) adds no second task.
	spec.Clusters = append(spec.Clusters, workv1alpha2.TargetCluster{Name: "a", Replicas: 6})
	Evict(spec, eviction, t0)
	if len(spec.GracefulEvictionTasks) != 1 {
		t.Fatalf("duplicate task: %v", spec.GracefulEvictionTasks)
	}

	direct := &workv1alpha2.ResourceBindingSpec{
		Clusters: []workv1alpha2.TargetCluster{{Name: "a", Replicas: 6}},
		Failover: &policyv1alpha1.FailoverBehavior{Cluster: &policyv1alpha1.ClusterFailoverBehavior{PurgeMode: policyv1alpha1.ClusterFailoverPurgeModeDirectly}},
	}
	Evict(direct, eviction, t0)
	if len(direct.Clusters) != 0 || len(direct.GracefulEvictionTasks) != 0 {
		t.Fatalf("Directly keeps nothing: %+v", direct)
	}
}

func TestTaskDone(t *testing.T) {
	task := func(mode policyv1alpha1.PurgeMode, grace *int32) *workv1alpha2.GracefulEvictionTask {
		ts := metav1.NewTime(t0)
		return &workv1alpha2.GracefulEvictionTask{FromCluster: "a", PurgeMode: mode, GracePeriodSeconds: grace, CreationTimestamp: &ts}
	}
	for name, tc := range map[string]struct {
		task    *workv1alpha2.GracefulEvictionTask
		healthy bool
		now     time.Time
		done    bool
		left    time.Duration
	}{
		"waits for the replacement":       {task: task(policyv1alpha1.PurgeModeGracefully, nil), now: t0.Add(time.Minute), left: DefaultGracePeriod - time.Minute},
		"done once the replacement is up": {task: task(policyv1alpha1.PurgeModeGracefully, nil), healthy: true, now: t0, done: true},
		"done when the grace period ends": {task: task(policyv1alpha1.PurgeModeGracefully, ptr.To[int32](30)), now: t0.Add(30 * time.Second), done: true},
		"Directly is done at once":        {task: task(policyv1alpha1.PurgeModeDirectly, nil), now: t0, done: true},
		"Never is never done":             {task: task(policyv1alpha1.PurgeModeNever, ptr.To[int32](1)), healthy: true, now: t0.Add(time.Hour)},
	} {
		t.Run(name, func(t *testing.T) {
			done, left := TaskDone(tc.task, tc.healthy, tc.now)
			if done != tc.done || left != tc.left {
				t.Fatalf("TaskDone = %v, %v; want %v, %v", done, left, tc.done, tc.left)
			}
		})
	}
}
