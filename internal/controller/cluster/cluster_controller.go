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
// Package cluster keeps cluster.karmada.io Clusters live: it probes each
// member's health, publishes Ready (damped by thresholds), taints clusters
// that are not ready, and collects version, API enablements, nodes and
// resources into the status.
package cluster

import (
	"context"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/controller/retry"
	"kurator.dev/kurator/internal/membercluster"
	"kurator.dev/kurator/internal/message"
)

// Options tune health probing.
type Options struct {
	// ProbePeriod is how often each member is probed.
	ProbePeriod time.Duration
	// ProbeTimeout bounds one probe.
	ProbeTimeout time.Duration
	Thresholds   Thresholds
	// APIEnablementsRefresh is how often API discovery is re-read.
	APIEnablementsRefresh time.Duration
	// EvictionGrace is how long a member stays not ready (tainted
	// NoSchedule) before it is also tainted NoExecute, which evicts the
	// workloads that do not tolerate it. Short outages inside it move
	// nothing.
	EvictionGrace time.Duration
}

// DefaultOptions detect a dead member within 10 s and its return within 10 s.
func DefaultOptions() Options {
	return Options{
		ProbePeriod:           2 * time.Second,
		ProbeTimeout:          3 * time.Second,
		Thresholds:            Thresholds{Failure: 4 * time.Second, Success: 2 * time.Second},
		APIEnablementsRefresh: time.Minute,
		EvictionGrace:         10 * time.Second,
	}
}

// Reconciler maintains the status of one Cluster per request.
type Reconciler struct {
	Client   client.Client
	Members  *membercluster.Registry
	Recorder events.EventRecorder
	Clock    clock.Clock
	Options  Options
	// SyncTimeout, when set, bounds the first list of a member's nodes and
	// pods instead of Options.ProbeTimeout, read at every collection (a
	// KarmadaConfig's cacheSyncTimeout).
	SyncTimeout func() time.Duration

	health    *healthTracker
	collector *Collector
}

// SetupWithManager registers the controller.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	r.health = newHealthTracker(r.Clock, r.Options.Thresholds)
	r.collector = NewCollector(r.Clock, r.Options.APIEnablementsRefresh, r.Options.ProbeTimeout)
	if r.SyncTimeout != nil {
		r.collector.SetSyncTimeout(r.SyncTimeout)
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("cluster-status").
		// Status writes of our own must not retrigger a probe; the periodic
		// requeue drives probing.
		For(&karmadaclusterv1alpha1.Cluster{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.LabelChangedPredicate{}))).
		// A pull member's agent renewing its Lease is its heartbeat.
		Watches(&coordinationv1.Lease{}, handler.EnqueueRequestsFromMapFunc(clusterOfLease), builder.WithPredicates(inLeaseNamespace())).
		WithOptions(controller.Options{MaxConcurrentReconciles: 8}).
		Complete(retry.OnConflict(r))
}

// +kubebuilder:rbac:groups=cluster.karmada.io,resources=clusters;clusters/status,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;list;watch

// Reconcile probes the member and writes what it found.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	log := ctrl.LoggerFrom(ctx)
	cluster := &karmadaclusterv1alpha1.Cluster{}
	if err := r.Client.Get(ctx, req.NamespacedName, cluster); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.Members.Forget(req.Name)
			r.health.forget(req.Name)
			r.collector.Forget(req.Name)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !cluster.DeletionTimestamp.IsZero() {
		r.Members.Forget(cluster.Name)
		return ctrl.Result{}, nil
	}
	before := cluster.DeepCopy()
	requeue := r.Options.ProbePeriod

	if cluster.Spec.SyncMode == karmadaclusterv1alpha1.Pull {
		// The agent reports; the control plane reads its heartbeat and
		// never dials the member.
		requeue = r.applyLease(ctx, cluster)
	} else if member, err := r.Members.Get(ctx, cluster); err != nil {
		// Credentials are missing or unusable: not ready, with the reason.
		r.setReady(cluster, metav1.ConditionFalse, karmadaclusterv1alpha1.StatusCollectionFailed, err.Error())
	} else {
		published := publishedHealth(cluster)
		probed, probeErr := r.probe(ctx, member)
		health, wait := r.health.observe(cluster.Name, probed, published)
		if wait > 0 && wait < requeue {
			requeue = wait
		}
		r.applyHealth(ctx, cluster, member, health, probeErr)
	}

	if wait := syncNoExecute(cluster, r.Clock.Now(), r.Options.EvictionGrace); wait > 0 && wait < requeue {
		requeue = wait
	}
	if err := r.writeTaints(ctx, before, cluster); err != nil {
		return ctrl.Result{}, err
	}
	if err := r.writeStatus(ctx, before, cluster); err != nil {
		return ctrl.Result{}, err
	}
	log.V(4).Info("Probed cluster", "ready", apimeta.IsStatusConditionTrue(cluster.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady))
	return ctrl.Result{RequeueAfter: requeue}, nil
}

// probe asks the member's /readyz.
func (r *Reconciler) probe(ctx context.Context, m *membercluster.Member) (Health, error) {
	ctx, cancel := context.WithTimeout(ctx, r.Options.ProbeTimeout)
	defer cancel()
	var code int
	res := m.Client.Discovery().RESTClient().Get().AbsPath("/readyz").Do(ctx).StatusCode(&code)
	switch {
	case code == 200:
		return Healthy, nil
	case code != 0:
		return Unhealthy, res.Error()
	default:
		return Unreachable, res.Error()
	}
}

// applyHealth sets Ready, the not-ready taints and, for a healthy member, the
// collected status.
func (r *Reconciler) applyHealth(ctx context.Context, cluster *karmadaclusterv1alpha1.Cluster, m *membercluster.Member, h Health, probeErr error) {
	switch h {
	case Healthy:
		if err := r.collector.Collect(ctx, cluster, m); err != nil {
			r.setReady(cluster, metav1.ConditionFalse, karmadaclusterv1alpha1.StatusCollectionFailed, err.Error())
			return
		}
		r.markHealth(cluster, Healthy, "cluster is healthy and ready to accept workloads")
	case Unhealthy:
		m.StopInformers()
		r.markHealth(cluster, Unhealthy, "cluster API server is not ready: "+errText(probeErr))
	case Unreachable:
		m.StopInformers()
		r.markHealth(cluster, Unreachable, "cluster API server is not reachable: "+errText(probeErr))
	}
}

// markHealth sets Ready and the not-ready taints for h, with msg saying why.
func (r *Reconciler) markHealth(cluster *karmadaclusterv1alpha1.Cluster, h Health, msg string) {
	now := r.Clock.Now()
	switch h {
	case Healthy:
		r.setReady(cluster, metav1.ConditionTrue, karmadaclusterv1alpha1.ClusterReady, msg)
		setTaint(cluster, karmadaclusterv1alpha1.TaintClusterNotReady, corev1.TaintEffectNoSchedule, false, now)
		setTaint(cluster, karmadaclusterv1alpha1.TaintClusterUnreachable, corev1.TaintEffectNoSchedule, false, now)
	case Unhealthy:
		r.setReady(cluster, metav1.ConditionFalse, karmadaclusterv1alpha1.ClusterNotReady, msg)
		setTaint(cluster, karmadaclusterv1alpha1.TaintClusterNotReady, corev1.TaintEffectNoSchedule, true, now)
		setTaint(cluster, karmadaclusterv1alpha1.TaintClusterUnreachable, corev1.TaintEffectNoSchedule, false, now)
	case Unreachable:
		r.setReady(cluster, metav1.ConditionFalse, karmadaclusterv1alpha1.ClusterNotReachable, msg)
		setTaint(cluster, karmadaclusterv1alpha1.TaintClusterUnreachable, corev1.TaintEffectNoSchedule, true, now)
		setTaint(cluster, karmadaclusterv1alpha1.TaintClusterNotReady, corev1.TaintEffectNoSchedule, false, now)
	}
}

func (r *Reconciler) setReady(cluster *karmadaclusterv1alpha1.Cluster, status metav1.ConditionStatus, reason, msg string) {
	apimeta.SetStatusCondition(&cluster.Status.Conditions, metav1.Condition{
		Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: status, Reason: reason,
		Message: message.Truncate(msg, message.ConditionMax), ObservedGeneration: cluster.Generation,
		LastTransitionTime: metav1.NewTime(r.Clock.Now()),
	})
}

// writeTaints patches spec.taints when they changed, with optimistic locking
// so a concurrent cordon is not lost.
func (r *Reconciler) writeTaints(ctx context.Context, before, cluster *karmadaclusterv1alpha1.Cluster) error {
	if equality.Semantic.DeepEqual(before.Spec.Taints, cluster.Spec.Taints) {
		return nil
	}
	patch := client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})
	status := cluster.Status.DeepCopy()
	if err := r.Client.Patch(ctx, cluster, patch); err != nil {
		return err
	}
	// The patch response carries the stored status; keep what we computed.
	cluster.Status = *status
	switch wasTainted, tainted, evicting := readyTaint(before) != "", readyTaint(cluster) != "", hasNoExecute(cluster); {
	case !wasTainted && tainted:
		r.Recorder.Eventf(cluster, nil, corev1.EventTypeWarning, "ClusterTainted", "Taint", "Cluster is not ready; tainted %s:NoSchedule", readyTaint(cluster))
	case wasTainted && !tainted:
		r.Recorder.Eventf(cluster, nil, corev1.EventTypeNormal, "ClusterUntainted", "Untaint", "Cluster is ready again; not-ready taints removed")
	case evicting && !hasNoExecute(before):
		r.Recorder.Eventf(cluster, nil, corev1.EventTypeWarning, "ClusterEvicting", "Taint",
			"Cluster has been not ready for %s; tainted %s:NoExecute, workloads that do not tolerate it are moved", r.Options.EvictionGrace, readyTaint(cluster))
	}
	return nil
}

// syncNoExecute adds the NoExecute twin of a not-ready or unreachable
// taint once the NoSchedule one is EvictionGrace old, and drops NoExecute
// not-ready taints whose NoSchedule twin is gone (the member is back). It
// returns how long until the next NoExecute taint is due (0: none).
func syncNoExecute(cluster *karmadaclusterv1alpha1.Cluster, now time.Time, grace time.Duration) time.Duration {
	var wait time.Duration
	for _, key := range []string{karmadaclusterv1alpha1.TaintClusterNotReady, karmadaclusterv1alpha1.TaintClusterUnreachable} {
		since, present := taintAdded(cluster, key, corev1.TaintEffectNoSchedule)
		if !present {
			setTaint(cluster, key, corev1.TaintEffectNoExecute, false, now)
			continue
		}
		if left := since.Add(grace).Sub(now); left > 0 {
			setTaint(cluster, key, corev1.TaintEffectNoExecute, false, now)
			if wait == 0 || left < wait {
				wait = left
			}
			continue
		}
		setTaint(cluster, key, corev1.TaintEffectNoExecute, true, now)
	}
	return wait
}

func taintAdded(cluster *karmadaclusterv1alpha1.Cluster, key string, effect corev1.TaintEffect) (time.Time, bool) {
	for _, t := range cluster.Spec.Taints {
		if t.Key == key && t.Effect == effect {
			if t.TimeAdded == nil {
				return time.Time{}, true
			}
			return t.TimeAdded.Time, true
		}
	}
	return time.Time{}, false
}

func hasNoExecute(cluster *karmadaclusterv1alpha1.Cluster) bool {
	for _, key := range []string{karmadaclusterv1alpha1.TaintClusterNotReady, karmadaclusterv1alpha1.TaintClusterUnreachable} {
		if _, ok := taintAdded(cluster, key, corev1.TaintEffectNoExecute); ok {
			return true
		}
	}
	return false
}

// writeStatus updates the status subresource when it changed.
func (r *Reconciler) writeStatus(ctx context.Context, before, cluster *karmadaclusterv1alpha1.Cluster) error {
	now := metav1.NewTime(r.Clock.Now())
	stale := before.Status.LastProbeTime == nil || now.Sub(before.Status.LastProbeTime.Time) > time.Minute
	cluster.Status.ObservedGeneration = cluster.Generation
	candidate := cluster.Status.DeepCopy()
	candidate.LastProbeTime = before.Status.LastProbeTime
	if !stale && equality.Semantic.DeepEqual(before.Status, *candidate) {
		return nil
	}
	cluster.Status.LastProbeTime = &now
	return r.Client.Status().Update(ctx, cluster)
}

func publishedHealth(cluster *karmadaclusterv1alpha1.Cluster) Health {
	c := apimeta.FindStatusCondition(cluster.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady)
	switch {
	case c == nil:
		return ""
	case c.Status == metav1.ConditionTrue:
		return Healthy
	case c.Reason == karmadaclusterv1alpha1.ClusterNotReachable:
		return Unreachable
	case c.Reason == karmadaclusterv1alpha1.ClusterNotReady:
		return Unhealthy
	default:
		return ""
	}
}

func setTaint(cluster *karmadaclusterv1alpha1.Cluster, key string, effect corev1.TaintEffect, present bool, now time.Time) {
	idx := -1
	for i, t := range cluster.Spec.Taints {
		if t.Key == key && t.Effect == effect {
			idx = i
		}
	}
	switch {
	case present && idx < 0:
		added := metav1.NewTime(now)
		cluster.Spec.Taints = append(cluster.Spec.Taints, corev1.Taint{Key: key, Effect: effect, TimeAdded: &added})
	case !present && idx >= 0:
		cluster.Spec.Taints = append(cluster.Spec.Taints[:idx:idx], cluster.Spec.Taints[idx+1:]...)
	}
}

func readyTaint(cluster *karmadaclusterv1alpha1.Cluster) string {
	for _, t := range cluster.Spec.Taints {
		if t.Key == karmadaclusterv1alpha1.TaintClusterNotReady || t.Key == karmadaclusterv1alpha1.TaintClusterUnreachable {
			return t.Key
		}
	}
	return ""
}

func errText(err error) string {
	if err == nil {
		return "no detail"
	}
	return err.Error()
}
