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

// Package failover decides, without an API server, when a binding leaves a
// cluster: which target clusters carry a NoExecute taint the placement does
// not tolerate (or no longer tolerates), the graceful eviction task that
// keeps the old copy while the replacement comes up, and when that task is
// done. The scheduling controller evicts; the binding controller purges.
package failover

import (
	"fmt"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// Reasons of evictions.
const (
	// ReasonTaintUntolerated: the cluster has a NoExecute taint the
	// placement does not tolerate.
	ReasonTaintUntolerated = "TaintUntolerated"
)

// Producer names this logic in the tasks it creates.
const Producer = "kurator-failover"

// DefaultGracePeriod is how long, at most, a gracefully evicted copy stays
// while its replacement becomes healthy, when the task does not say.
const DefaultGracePeriod = 10 * time.Minute

// Eviction is one target cluster a binding must leave.
type Eviction struct {
	Cluster string
	Taint   corev1.Taint
}

// Untolerated returns the target clusters whose NoExecute taints the
// tolerations do not (or no longer) tolerate at now, in target order, and
// how long until the next toleration with tolerationSeconds runs out (0 when
// none is pending). As in Kubernetes' taint manager, a toleration without
// tolerationSeconds tolerates forever, and one with it tolerates until the
// taint's timeAdded plus those seconds; the smallest of the matching ones
// counts. A cluster missing from clusters is not evicted here: the
// scheduler reschedules away from it.
func Untolerated(targets []workv1alpha2.TargetCluster, clusters map[string]*karmadaclusterv1alpha1.Cluster,
	tolerations []corev1.Toleration, now time.Time) ([]Eviction, time.Duration) {
	var out []Eviction
	var next time.Duration
	for _, t := range targets {
		c := clusters[t.Name]
		if c == nil {
			continue
		}
		for _, taint := range c.Spec.Taints {
			if taint.Effect != corev1.TaintEffectNoExecute {
				continue
			}
			wait, tolerated := toleratedFor(tolerations, &taint, now)
			if !tolerated {
				out = append(out, Eviction{Cluster: t.Name, Taint: taint})
				break
			}
			if wait > 0 && (next == 0 || wait < next) {
				next = wait
			}
		}
	}
	return out, next
}

// ToleratedForever reports whether the tolerations tolerate taint with no
// time limit.
func ToleratedForever(tolerations []corev1.Toleration, taint *corev1.Taint) bool {
	for i := range tolerations {
		if tolerations[i].TolerationSeconds == nil && tolerations[i].ToleratesTaint(klog.Background(), taint, false) {
			return true
		}
	}
	return false
}

// toleratedFor reports whether taint is tolerated at now, and for how much
// longer (0: forever, or not tolerated).
func toleratedFor(tolerations []corev1.Toleration, taint *corev1.Taint, now time.Time) (time.Duration, bool) {
	var limit *int64
	matched := false
	for i := range tolerations {
		tol := &tolerations[i]
		if !tol.ToleratesTaint(klog.Background(), taint, false) {
			continue
		}
		matched = true
		if tol.TolerationSeconds == nil {
			return 0, true
		}
		if limit == nil || *tol.TolerationSeconds < *limit {
			limit = tol.TolerationSeconds
		}
	}
	if !matched {
		return 0, false
	}
	added := now
	if taint.TimeAdded != nil {
		added = taint.TimeAdded.Time
	}
	left := added.Add(time.Duration(*limit) * time.Second).Sub(now)
	if left <= 0 {
		return 0, false
	}
	return left, true
}

// PurgeMode is how a binding's copies leave a failed cluster: its policy's
// failover.cluster.purgeMode, Gracefully by default (failover is on unless
// the policy says otherwise).
func PurgeMode(spec *workv1alpha2.ResourceBindingSpec) policyv1alpha1.PurgeMode {
	if f := spec.Failover; f != nil && f.Cluster != nil && f.Cluster.PurgeMode == policyv1alpha1.ClusterFailoverPurgeModeDirectly {
		return policyv1alpha1.PurgeModeDirectly
	}
	return policyv1alpha1.PurgeModeGracefully
}

// Evict removes the evicted clusters from spec.clusters and, unless the
// purge mode is Directly, records a graceful eviction task for each, so the
// binding controller keeps the old copy until the replacement is healthy.
// It returns the clusters the binding ran on before.
func Evict(spec *workv1alpha2.ResourceBindingSpec, evictions []Eviction, now time.Time) {
	before := make([]string, 0, len(spec.Clusters))
	for _, c := range spec.Clusters {
		before = append(before, c.Name)
	}
	sort.Strings(before)
	evicted := map[string]Eviction{}
	for _, e := range evictions {
		evicted[e.Cluster] = e
	}
	kept := spec.Clusters[:0:0]
	mode := PurgeMode(spec)
	for _, c := range spec.Clusters {
		e, ok := evicted[c.Name]
		if !ok {
			kept = append(kept, c)
			continue
		}
		if mode == policyv1alpha1.PurgeModeDirectly || HasTask(spec, c.Name) {
			continue
		}
		replicas := c.Replicas
		ts := metav1.NewTime(now)
		spec.GracefulEvictionTasks = append(spec.GracefulEvictionTasks, workv1alpha2.GracefulEvictionTask{
			FromCluster: c.Name, PurgeMode: mode, Replicas: &replicas, Reason: ReasonTaintUntolerated,
			Message:  fmt.Sprintf("cluster %s has taint %s:%s, which the placement does not tolerate", c.Name, e.Taint.Key, e.Taint.Effect),
			Producer: Producer, CreationTimestamp: &ts, ClustersBeforeFailover: before,
		})
	}
	spec.Clusters = kept
}

// HasTask reports whether the binding has an eviction task for cluster.
func HasTask(spec *workv1alpha2.ResourceBindingSpec, cluster string) bool {
	for _, t := range spec.GracefulEvictionTasks {
		if t.FromCluster == cluster {
			return true
		}
	}
	return false
}

// TaskDone reports whether a graceful eviction task has done its job: the
// replacement is healthy (replacementHealthy: every current target runs a
// healthy copy of the current manifest), or the grace period is over;
// otherwise it returns how long until the grace period ends. A task with
// suppressDeletion, or purge mode Never, is never done by itself.
func TaskDone(t *workv1alpha2.GracefulEvictionTask, replacementHealthy bool, now time.Time) (bool, time.Duration) {
	if !TaskEndsByItself(t) {
		return false, 0
	}
	if t.PurgeMode == policyv1alpha1.PurgeModeDirectly || replacementHealthy {
		return true, 0
	}
	grace := DefaultGracePeriod
	if t.GracePeriodSeconds != nil {
		grace = time.Duration(*t.GracePeriodSeconds) * time.Second
	}
	created := now
	if t.CreationTimestamp != nil {
		created = t.CreationTimestamp.Time
	}
	left := created.Add(grace).Sub(now)
	if left <= 0 {
		return true, 0
	}
	return false, left
}

// TaskEndsByItself reports whether a graceful eviction task ends without a
// user: purge mode Never and suppressDeletion keep the old copy until
// someone acts.
func TaskEndsByItself(t *workv1alpha2.GracefulEvictionTask) bool {
	return t.PurgeMode != policyv1alpha1.PurgeModeNever && (t.SuppressDeletion == nil || !*t.SuppressDeletion)
}
