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
// Package scheduling runs the scheduler for ResourceBindings and
// ClusterResourceBindings: it decides when a binding needs a new decision
// (Karmada's rules, plus the failback a policy opts into), builds the
// snapshot, and writes spec.clusters with the Scheduled condition and the
// explanation.
package scheduling

import (
	"context"
	"encoding/json"
	"time"

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
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	karmadaconfigv1alpha1 "kurator.dev/kurator/api/karmadaconfig/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/controller/retry"
	"kurator.dev/kurator/internal/membercluster"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/estimator"
	"kurator.dev/kurator/internal/scheduler/framework"
	"kurator.dev/kurator/internal/scheduler/tuning"
)

// Reconciler schedules one kind of binding.
type Reconciler struct {
	Client    client.Client
	Members   *membercluster.Registry
	Recorder  events.EventRecorder
	Clock     clock.Clock
	Scheduler *scheduler.Scheduler
	// NewBinding returns an empty ResourceBinding or ClusterResourceBinding.
	NewBinding func() workv1alpha2.Binding
	// NewList lists bindings of that kind.
	NewList func() client.ObjectList

	snap     *snapshots
	reserved *reservations
	decided  *decisions
	// slots bounds the decisions of both kinds running at once.
	slots *tuning.Limiter
}

// Shared state between the two binding kinds' reconcilers.
type shared struct {
	snap     *snapshots
	reserved *reservations
	decided  *decisions
}

// WorkersPerKind is how many bindings of one kind may be decided at once:
// the ceiling of a KarmadaConfig's parallelism.
const WorkersPerKind = karmadaconfigv1alpha1.MaxParallelism

// MaxParallelism is how many decisions run at once without a
// KarmadaConfig: every worker of both binding kinds.
const MaxParallelism = 2 * WorkersPerKind

// SetupWithManager registers reconcilers for ResourceBinding and
// ClusterResourceBinding sharing one snapshot cache, reservation book and
// the settings in force (tune; its defaults' Parallelism should be
// MaxParallelism).
func SetupWithManager(mgr ctrl.Manager, members *membercluster.Registry, recorder events.EventRecorder, tune *tuning.Tuning) error {
	s, err := scheduler.New(scheduler.DefaultConfig(), scheduler.WithPercentOfClustersToScore(tune.PercentOfClustersToScore))
	if err != nil {
		return err
	}
	tune.Limiter().Export(parallelismGauge, inFlightGauge)
	c := clock.RealClock{}
	sh := shared{
		snap: &snapshots{client: mgr.GetClient(), members: members, clock: c, maxAge: time.Second,
			estimatorTimeout: tune.EstimatorTimeout},
		reserved: &reservations{clock: c, ttl: 20 * time.Second, byWork: map[string]reservation{}},
		decided:  &decisions{},
	}
	for _, r := range []*Reconciler{
		{NewBinding: func() workv1alpha2.Binding { return &workv1alpha2.ResourceBinding{} }, NewList: func() client.ObjectList { return &workv1alpha2.ResourceBindingList{} }},
		{NewBinding: func() workv1alpha2.Binding { return &workv1alpha2.ClusterResourceBinding{} }, NewList: func() client.ObjectList { return &workv1alpha2.ClusterResourceBindingList{} }},
	} {
		r.Client, r.Members, r.Recorder, r.Clock, r.Scheduler = mgr.GetClient(), members, recorder, c, s
		r.snap, r.reserved, r.decided, r.slots = sh.snap, sh.reserved, sh.decided, tune.Limiter()
		name := "scheduling-rb"
		if _, ok := r.NewBinding().(*workv1alpha2.ClusterResourceBinding); ok {
			name = "scheduling-crb"
		}
		// Decisions are independent (reservations are locked), so several
		// run at once, as many as the KarmadaConfig's parallelism lets;
		// Karmada has a single scheduling worker.
		// Only spec changes (the generation) and the findings of the
		// application failover and the descheduler need a decision: status
		// writes must not re-run the scheduler. Works report to a binding
		// that waits for a healthy replacement (evictions, failback).
		if err := ctrl.NewControllerManagedBy(mgr).Named(name).For(r.NewBinding(), builder.WithPredicates(decisionInputChanged)).
			WithOptions(controller.Options{MaxConcurrentReconciles: WorkersPerKind}).
			Watches(&karmadaclusterv1alpha1.Cluster{}, handler.EnqueueRequestsFromMapFunc(r.allBindings), builder.WithPredicates(clusterChanged)).
			Watches(&workv1alpha1.Work{}, handler.EnqueueRequestsFromMapFunc(r.evictingBindingOfWork)).
			Complete(retry.OnConflict(r)); err != nil {
			return err
		}
	}
	return nil
}

// +kubebuilder:rbac:groups=work.karmada.io,resources=resourcebindings;resourcebindings/status;clusterresourcebindings;clusterresourcebindings/status,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=work.karmada.io,resources=works,verbs=get;list;watch

// Reconcile makes a decision for one binding when it needs one.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	b := r.NewBinding()
	if err := r.Client.Get(ctx, req.NamespacedName, b); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.reserved.forget(req.String())
			r.decided.forget(req.String())
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	spec := b.BindingSpec()
	if !b.GetDeletionTimestamp().IsZero() || spec.Placement == nil || (spec.Suspension != nil && spec.Suspension.Scheduling != nil && *spec.Suspension.Scheduling) {
		return ctrl.Result{}, nil
	}
	log := ctrl.LoggerFrom(ctx)
	wrote, purgeLeft, err := r.finishEvictions(ctx, b)
	if err != nil || wrote {
		// The write wakes this binding again, with the tasks it left.
		return ctrl.Result{RequeueAfter: purgeLeft}, err
	}
	placementJSON, err := json.Marshal(spec.Placement)
	if err != nil {
		return ctrl.Result{}, err
	}
	if r.slots != nil {
		release, err := r.slots.Acquire(ctx)
		if err != nil {
			return ctrl.Result{}, err
		}
		defer release()
	}
	infos, err := r.snap.get(ctx)
	if err != nil {
		return ctrl.Result{}, err
	}
	evicted, tolerationLeft := r.evict(b, infos)
	unhealthyEvicted, unhealthyLeft := r.evictUnhealthy(b)
	evicted = evicted || unhealthyEvicted
	waitFor := shortest(shortest(tolerationLeft, unhealthyLeft), purgeLeft)
	snap := &framework.Snapshot{Clusters: withReservations(withoutEvicted(infos, spec), r.reserved.others(req.String()))}
	var extra map[string]string
	w := r.workload(b)
	descheduled := withoutUnschedulable(w, b)
	gov := govern(b, w, r.Clock.Now())
	if gov == nil && r.awaitsObjective(ctx, b) {
		return ctrl.Result{RequeueAfter: 250 * time.Millisecond}, nil
	}
	decided := r.decided.decided(req.String(), b.GetGeneration())
	if !evicted && !descheduled && gov == nil && !decisionStale(b, string(placementJSON), infos, decided) {
		// The decision in force stands: the only move left is a failback
		// the policy opted into, and re-running the kinds Karmada always
		// re-runs.
		fb, wait := r.failback(ctx, b, snap)
		switch {
		case fb != nil:
			w, extra = fb.workload, fb.annotations
		case !rerunAlways(b):
			return ctrl.Result{RequeueAfter: shortest(waitFor, wait)}, nil
		default:
			waitFor = shortest(waitFor, wait)
		}
	}
	log.V(4).Info("Scheduling", "replicas", w.Replicas, "evicted", evicted, "descheduled", descheduled, "failback", extra != nil)
	res, schedErr := r.Scheduler.Schedule(ctx, snap, w)
	if extra == nil && w.Fresh && !evicted && schedErr == nil {
		extra = rebalanceHandover(b, res)
	}
	var own map[string]string
	if gov != nil {
		var recheck time.Duration
		own, recheck = gov.optimizationAnnotation(res, agnostic(ctx, r.Scheduler, snap, w), r.Clock.Now())
		waitFor = shortest(waitFor, recheck)
		if gov.blocked > 0 && gov.state.ScaleUpBlockedAt == nil {
			r.Recorder.Eventf(b, nil, corev1.EventTypeWarning, "BudgetExceeded", "Schedule",
				"Scale-up of %d replicas blocked: IntelligentScheduler %s is over its budget", gov.blocked, gov.objective.Scheduler)
		}
	}
	result, err := r.write(ctx, b, w, string(placementJSON), res, schedErr, evicted, extra, own)
	if err == nil {
		result.RequeueAfter = shortest(result.RequeueAfter, waitFor)
	}
	return result, err
}

// decisionStale applies Karmada's triggers for a new decision: a new
// placement, changed replicas, a requested rebalance, a target cluster going
// away, or a previous failure. decided says this generation was already
// decided here, whatever the (possibly stale) status read says.
func decisionStale(b workv1alpha2.Binding, placementJSON string, infos []*framework.ClusterInfo, decided bool) bool {
	spec, status := b.BindingSpec(), b.BindingStatus()
	if b.GetAnnotations()[policyv1alpha1.AppliedPlacementAnnotation] != placementJSON {
		return true
	}
	if !decided {
		if c := apimeta.FindStatusCondition(status.Conditions, workv1alpha2.ConditionScheduled); c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != b.GetGeneration() {
			return true
		}
		if spec.RescheduleTriggeredAt != nil && (status.LastScheduledTime == nil || spec.RescheduleTriggeredAt.After(status.LastScheduledTime.Time)) {
			return true
		}
	}
	var sum int32
	for _, t := range spec.Clusters {
		sum += t.Replicas
	}
	if !rerunAlways(b) && sum != spec.Replicas {
		return true
	}
	exists := make(map[string]bool, len(infos))
	for _, c := range infos {
		exists[c.Name()] = c.Cluster.DeletionTimestamp.IsZero()
	}
	for _, t := range spec.Clusters {
		if !exists[t.Name] {
			return true
		}
	}
	return false
}

// rerunAlways reports the kinds Karmada re-runs on every requeue, so new
// matching clusters pick them up: duplicated and replica-less ones. As in
// Karmada, a re-run starts from the observed affinity term.
func rerunAlways(b workv1alpha2.Binding) bool {
	spec := b.BindingSpec()
	return spec.Replicas == 0 || spec.Placement.ReplicaSchedulingType() == policyv1alpha1.ReplicaSchedulingTypeDuplicated
}

func withReservations(infos []*framework.ClusterInfo, reserved map[string][]estimator.Reservation) []*framework.ClusterInfo {
	if len(reserved) == 0 {
		return infos
	}
	out := make([]*framework.ClusterInfo, len(infos))
	for i, c := range infos {
		if res, ok := reserved[c.Name()]; ok {
			out[i] = &framework.ClusterInfo{Cluster: c.Cluster, Nodes: c.Nodes, Reserved: res}
			continue
		}
		out[i] = c
	}
	return out
}

// clusterChanged passes the Cluster changes that can change decisions:
// added or removed clusters, spec (taints, topology) and label changes,
// readiness flips, its prices and carbon intensity, and the kinds it serves (a new CRD in a group it already
// serves too). Capacity updates alone do not move running workloads.
var clusterChanged = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		o, ok1 := e.ObjectOld.(*karmadaclusterv1alpha1.Cluster)
		n, ok2 := e.ObjectNew.(*karmadaclusterv1alpha1.Cluster)
		if !ok1 || !ok2 {
			return true
		}
		return o.Generation != n.Generation || !equality.Semantic.DeepEqual(o.Labels, n.Labels) ||
			clusterproperties.Changed(o.Annotations, n.Annotations) ||
			apimeta.IsStatusConditionTrue(o.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady) !=
				apimeta.IsStatusConditionTrue(n.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady) ||
			!equality.Semantic.DeepEqual(o.Status.APIEnablements, n.Status.APIEnablements)
	},
}

// allBindings maps a Cluster change to every binding of this kind; the
// cached snapshot is dropped so they see it.
func (r *Reconciler) allBindings(ctx context.Context, _ client.Object) []reconcile.Request {
	r.snap.invalidate()
	list := r.NewList()
	if err := r.Client.List(ctx, list); err != nil {
		return nil
	}
	items, err := apimeta.ExtractList(list)
	if err != nil {
		return nil
	}
	out := make([]reconcile.Request, 0, len(items))
	for _, it := range items {
		if o, ok := it.(client.Object); ok {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(o)})
		}
	}
	return out
}

func describe(clusters []workv1alpha2.TargetCluster) string {
	if len(clusters) == 0 {
		return "no cluster"
	}
	out := ""
	for i, c := range clusters {
		if i > 0 {
			out += ", "
		}
		out += c.Name
		if c.Replicas > 0 {
			out += ":" + itoa(c.Replicas)
		}
	}
	return out
}

func itoa(n int32) string {
	b, _ := json.Marshal(n)
	return string(b)
}
