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
// Package descheduler finds the replicas of dynamically divided workloads
// that stay Pending in a member (the member cannot fit them, whatever its
// summary said), as Karmada's descheduler does. It records them on the
// binding (workv1alpha2.UnschedulableReplicasAnnotation, its only write);
// the scheduler then lowers that cluster's share and places the difference
// where capacity is, the crowded cluster having none.
package descheduler

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/membercluster"
)

// Options tune the descheduler.
type Options struct {
	// Interval is how often the bindings are examined.
	Interval time.Duration
	// Threshold is how long a replica must stay unschedulable in a member
	// before it is moved.
	Threshold time.Duration
}

// DefaultOptions look every 15 s and move replicas Pending for 2 minutes.
func DefaultOptions() Options {
	return Options{Interval: 15 * time.Second, Threshold: 2 * time.Minute}
}

// Descheduler is a manager Runnable.
type Descheduler struct {
	Client   client.Client
	Members  *membercluster.Registry
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	Options  Options
}

// NeedLeaderElection: one descheduler acts at a time.
func (d *Descheduler) NeedLeaderElection() bool { return true }

// Start examines the bindings every Interval until ctx ends.
func (d *Descheduler) Start(ctx context.Context) error {
	if d.Clock == nil {
		d.Clock = clock.RealClock{}
	}
	log := ctrl.LoggerFrom(ctx).WithName("descheduler")
	wait.UntilWithContext(ctx, func(ctx context.Context) {
		if err := d.pass(ctx); err != nil {
			log.Error(err, "Descheduling pass failed")
		}
	}, d.Options.Interval)
	return nil
}

// +kubebuilder:rbac:groups=work.karmada.io,resources=resourcebindings,verbs=get;list;watch;patch

func (d *Descheduler) pass(ctx context.Context) error {
	var list workv1alpha2.ResourceBindingList
	if err := d.Client.List(ctx, &list); err != nil {
		return err
	}
	for i := range list.Items {
		rb := &list.Items[i]
		if !dynamic(rb.Spec.Placement) || !rb.DeletionTimestamp.IsZero() || len(rb.Spec.Clusters) < 1 {
			continue
		}
		if err := d.deschedule(ctx, rb); err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "Cannot deschedule binding", "binding", client.ObjectKeyFromObject(rb))
		}
	}
	return nil
}

// dynamic: divided by what clusters can hold (Aggregated, or dynamic
// weights), where a cluster that cannot fit its share should lose it.
// Static weights are the user's wish and are left alone.
func dynamic(p *policyv1alpha1.Placement) bool {
	if p.ReplicaSchedulingType() != policyv1alpha1.ReplicaSchedulingTypeDivided {
		return false
	}
	rs := p.ReplicaScheduling
	return rs.ReplicaDivisionPreference == policyv1alpha1.ReplicaDivisionPreferenceAggregated ||
		(rs.WeightPreference != nil && rs.WeightPreference.DynamicWeight != "")
}

func (d *Descheduler) deschedule(ctx context.Context, rb *workv1alpha2.ResourceBinding) error {
	now := d.Clock.Now()
	lower := map[string]int32{}
	for _, t := range rb.Spec.Clusters {
		if t.Replicas == 0 {
			continue
		}
		n, err := d.unschedulable(ctx, rb, t, now)
		if err != nil {
			return err
		}
		if n > 0 {
			lower[t.Name] = min(int32(n), t.Replicas)
		}
	}
	if len(lower) == 0 {
		return nil
	}
	found := workv1alpha2.UnschedulableReplicas{Generation: rb.Generation, Replicas: lower}
	raw, err := json.Marshal(found)
	if err != nil {
		return err
	}
	if rb.Annotations[workv1alpha2.UnschedulableReplicasAnnotation] == string(raw) {
		return nil // found before, and the scheduler could place them nowhere else
	}
	// The descheduler is the annotation's only writer: a merge patch of that
	// one key needs no lock.
	body, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]string{workv1alpha2.UnschedulableReplicasAnnotation: string(raw)}}})
	if err != nil {
		return err
	}
	if err := d.Client.Patch(ctx, rb, client.RawPatch(types.MergePatchType, body)); err != nil {
		return client.IgnoreNotFound(err)
	}
	for cluster, n := range lower {
		d.Recorder.Eventf(rb, nil, corev1.EventTypeNormal, "Deschedule", "Deschedule",
			"Moving %d replica(s) off %s: unschedulable there for more than %s", n, cluster, d.Options.Threshold)
	}
	return nil
}

// unschedulable counts the workload's pods in one member that the member's
// scheduler has reported Unschedulable for at least Threshold.
func (d *Descheduler) unschedulable(ctx context.Context, rb *workv1alpha2.ResourceBinding, t workv1alpha2.TargetCluster, now time.Time) (int, error) {
	cluster := t.Name
	selector, ok, err := d.podSelector(ctx, rb, t)
	if err != nil || !ok {
		return 0, err
	}
	c := &karmadaclusterv1alpha1.Cluster{}
	if err := d.Client.Get(ctx, client.ObjectKey{Name: cluster}, c); err != nil {
		return 0, client.IgnoreNotFound(err)
	}
	m, err := d.Members.Get(ctx, c)
	if err != nil {
		return 0, nil // not reachable: failover's business
	}
	_, pods, running := m.Listers()
	if !running {
		return 0, nil
	}
	list, err := pods.Pods(rb.Spec.Resource.Namespace).List(selector)
	if err != nil {
		return 0, err
	}
	return CountUnschedulable(list, d.Options.Threshold, now), nil
}

// podSelector is the workload's pod selector, read from the manifest sent
// to that cluster (so it is exactly what the member runs). ok is false
// until the member runs the cluster's current share: pods counted before
// would be counted twice.
func (d *Descheduler) podSelector(ctx context.Context, rb *workv1alpha2.ResourceBinding, t workv1alpha2.TargetCluster) (labels.Selector, bool, error) {
	w := &workv1alpha1.Work{}
	key := client.ObjectKey{Namespace: workv1alpha1.ExecutionNamespace(t.Name), Name: workv1alpha2.WorkName(rb)}
	if err := d.Client.Get(ctx, key, w); err != nil {
		return nil, false, client.IgnoreNotFound(err)
	}
	if len(w.Spec.Workload.Manifests) == 0 {
		return nil, false, nil
	}
	var manifest struct {
		Spec struct {
			Replicas *int32                `json:"replicas"`
			Selector *metav1.LabelSelector `json:"selector"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(w.Spec.Workload.Manifests[0].Raw, &manifest); err != nil || manifest.Spec.Selector == nil ||
		manifest.Spec.Replicas == nil || *manifest.Spec.Replicas != t.Replicas {
		return nil, false, nil
	}
	if c := apimeta.FindStatusCondition(w.Status.Conditions, workv1alpha1.ConditionApplied); c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != w.Generation {
		return nil, false, nil
	}
	s, err := metav1.LabelSelectorAsSelector(manifest.Spec.Selector)
	if err != nil {
		return nil, false, fmt.Errorf("selector of %s: %w", key, err)
	}
	return s, !s.Empty(), nil
}

// CountUnschedulable counts the pods Pending with PodScheduled=False,
// reason Unschedulable, since at least threshold before now.
func CountUnschedulable(pods []*corev1.Pod, threshold time.Duration, now time.Time) int {
	n := 0
	for _, p := range pods {
		if p.Status.Phase != corev1.PodPending || !p.DeletionTimestamp.IsZero() {
			continue
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable &&
				now.Sub(c.LastTransitionTime.Time) >= threshold {
				n++
			}
		}
	}
	return n
}
