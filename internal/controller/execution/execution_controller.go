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

// Package execution applies Works to their member clusters: it server-side
// applies each manifest, watches the applied objects to revert drift and
// reflect their status and health into the Work, and removes (or releases)
// them when the Work is deleted.
package execution

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/controller/priorityqueue"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/controller/interpretercustomization"
	"kurator.dev/kurator/internal/controller/retry"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/membercluster"
)

// Options tune retries; zero values take the defaults.
type Options struct {
	// NotReadyRetry is how often a Work for a cluster that is not ready is
	// retried (a cluster becoming ready also triggers it).
	NotReadyRetry time.Duration
	// ConflictRetry is how often a Work blocked by an unmanaged member
	// object looks again.
	ConflictRetry time.Duration
	// PollInterval re-applies a Work whose member objects cannot be
	// watched, bounding how long drift lasts.
	PollInterval time.Duration
	// SyncTimeout bounds the wait for a new member informer to list.
	SyncTimeout time.Duration
	// MaxConcurrentReconciles is the number of Works applied in parallel.
	// Each apply mostly waits on a member and the control plane, so a fan-
	// out is bound by this number, not by CPU.
	MaxConcurrentReconciles int
}

// staleRetry is how soon a Work whose write met a newer version (it was
// read from a cache that lagged behind) is looked at again.
const staleRetry = time.Second

// DefaultOptions returns the defaults.
func DefaultOptions() Options {
	return Options{NotReadyRetry: 10 * time.Second, ConflictRetry: 30 * time.Second, PollInterval: 5 * time.Second,
		SyncTimeout: 5 * time.Second, MaxConcurrentReconciles: 64}
}

// Reconciler applies one Work per request. On the control plane it applies
// the Works of push members; a pull member's agent runs the same Reconciler
// for the Works of its own cluster.
type Reconciler struct {
	Client  client.Client
	Members membercluster.Source
	// Agent names the cluster whose agent this Reconciler runs in; empty on
	// the control plane, which leaves pull members' Works to their agents
	// and only marks their status stale while the agent is away.
	Agent    string
	Recorder events.EventRecorder
	Clock    clock.Clock
	Options  Options

	members  *memberCache
	statuses statusMemo
	// availability tells a recovery from the end of a first rollout.
	availability availability
	queue        atomic.Pointer[workqueue.TypedRateLimitingInterface[reconcile.Request]]
}

// scope is the state of one reconcile.
type scope struct {
	work    *workv1alpha1.Work
	before  *workv1alpha1.Work
	cluster string
}

func (s *scope) key() types.NamespacedName { return client.ObjectKeyFromObject(s.work) }

// SetupWithManager registers the controller.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	r.Options = withDefaults(r.Options)
	r.members = newMemberCache(mgr.GetLogger().WithName("execution"), r.Clock, r.enqueue)
	// Member informers enqueue Works directly; the queue is known once the
	// controller starts, before any informer runs.
	memberEvents := source.Func(func(_ context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
		r.queue.Store(&q)
		return nil
	})
	return ctrl.NewControllerManagedBy(mgr).
		Named("execution").
		For(&workv1alpha1.Work{}, builder.WithPredicates(inExecutionNamespace(), predicate.Or(predicate.GenerationChangedPredicate{}, deletionStarted()))).
		Watches(&karmadaclusterv1alpha1.Cluster{}, handler.EnqueueRequestsFromMapFunc(r.worksOfCluster), builder.WithPredicates(readinessChanged())).
		WatchesRawSource(memberEvents).
		WatchesRawSource(interpretercustomization.WorksOfChangedKinds(interpreter.Default, mgr.GetClient(), r.worksNamespace())).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.MaxConcurrentReconciles}).
		Complete(retry.OnConflict(r))
}

// +kubebuilder:rbac:groups=work.karmada.io,resources=works,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=work.karmada.io,resources=works/status;works/finalizers,verbs=get;update;patch
// +kubebuilder:rbac:groups=work.karmada.io,resources=resourcebindings;clusterresourcebindings,verbs=get;list;watch
// +kubebuilder:rbac:groups=cluster.karmada.io,resources=clusters,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile applies the Work to its member cluster, or cleans up after it.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	cluster, ok := workv1alpha1.ClusterForExecutionNamespace(req.Namespace)
	if !ok {
		return ctrl.Result{}, nil
	}
	if r.Agent != "" && cluster != r.Agent {
		return ctrl.Result{}, nil
	}
	ctx = ctrl.LoggerInto(ctx, ctrl.LoggerFrom(ctx).WithValues("cluster", cluster))
	work := &workv1alpha1.Work{}
	if err := r.Client.Get(ctx, req.NamespacedName, work); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.members.release(cluster, req.NamespacedName)
			r.statuses.forget(req.NamespacedName)
			r.availability.forget(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	s := &scope{work: work, cluster: cluster}
	if pulled, err := r.pulledByAgent(ctx, cluster); err != nil || pulled {
		if err != nil {
			return ctrl.Result{}, err
		}
		return r.reconcilePulled(ctx, s)
	}
	if !work.DeletionTimestamp.IsZero() {
		return r.reconcileDelete(ctx, s)
	}
	if !controllerutil.ContainsFinalizer(work, workv1alpha1.ExecutionFinalizer) {
		patch := client.MergeFromWithOptions(work.DeepCopy(), client.MergeFromWithOptimisticLock{})
		controllerutil.AddFinalizer(work, workv1alpha1.ExecutionFinalizer)
		if err := r.Client.Patch(ctx, work, patch); err != nil {
			if apierrors.IsConflict(err) {
				return ctrl.Result{RequeueAfter: staleRetry}, nil
			}
			return ctrl.Result{}, err
		}
	}
	s.before = work.DeepCopy()
	result, err := r.reconcileNormal(ctx, s)
	if werr := r.writeStatus(ctx, s); werr != nil {
		if apierrors.IsConflict(werr) && err == nil {
			// The Work was read from a cache that had not seen our last
			// status write yet; look again once it has.
			return ctrl.Result{RequeueAfter: staleRetry}, nil
		}
		return ctrl.Result{}, errors.Join(err, werr)
	}
	return result, err
}

// reconcileNormal runs the phases in order; each may end the reconcile.
func (r *Reconciler) reconcileNormal(ctx context.Context, s *scope) (ctrl.Result, error) {
	if ptr.Deref(s.work.Spec.SuspendDispatching, false) {
		r.members.release(s.cluster, s.key())
		r.setDispatching(s.work, true)
		return ctrl.Result{}, nil
	}
	r.setDispatching(s.work, false)
	mc, result := r.connect(ctx, s)
	if mc == nil {
		return result, nil
	}
	return r.applyWork(ctx, s, mc)
}

// connect returns the member's clients, or nil after recording on the Work
// why the member cannot be used.
func (r *Reconciler) connect(ctx context.Context, s *scope) (*memberClient, ctrl.Result) {
	cluster := &karmadaclusterv1alpha1.Cluster{}
	if err := r.Client.Get(ctx, client.ObjectKey{Name: s.cluster}, cluster); err != nil {
		r.members.forget(s.cluster)
		if apierrors.IsNotFound(err) {
			// The Cluster watch brings the Work back when it appears.
			r.setClusterNotReady(s.work, "cluster "+s.cluster+" does not exist")
			return nil, ctrl.Result{}
		}
		r.setClusterNotReady(s.work, "cluster "+s.cluster+" cannot be read: "+err.Error())
		return nil, ctrl.Result{RequeueAfter: r.Options.NotReadyRetry}
	}
	if ready, why := clusterReady(cluster); !ready {
		r.members.forget(s.cluster)
		r.setClusterNotReady(s.work, "cluster "+s.cluster+" is not ready: "+why)
		return nil, ctrl.Result{RequeueAfter: r.Options.NotReadyRetry}
	}
	member, err := r.Members.Get(ctx, cluster)
	var mc *memberClient
	if err == nil {
		mc, err = r.members.get(member)
	}
	if err != nil {
		r.setClusterNotReady(s.work, "cluster "+s.cluster+" cannot be reached: "+err.Error())
		return nil, ctrl.Result{RequeueAfter: r.Options.NotReadyRetry}
	}
	return mc, ctrl.Result{}
}

// reconcileDelete removes (or releases) the member objects, then lets the
// Work go. A member that is unreachable is retried with backoff; a cluster
// that no longer exists (or is leaving and not ready) has nothing to clean.
func (r *Reconciler) reconcileDelete(ctx context.Context, s *scope) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(s.work, workv1alpha1.ExecutionFinalizer) {
		r.members.release(s.cluster, s.key())
		return ctrl.Result{}, nil
	}
	cluster := &karmadaclusterv1alpha1.Cluster{}
	err := r.Client.Get(ctx, client.ObjectKey{Name: s.cluster}, cluster)
	if client.IgnoreNotFound(err) != nil {
		return ctrl.Result{}, err
	}
	ready, _ := clusterReady(cluster)
	if err == nil && cluster.DeletionTimestamp.IsZero() && !ready {
		// The copy is removed when the member is back (its readiness
		// change requeues the Work); until then the Work stays.
		return ctrl.Result{RequeueAfter: r.Options.NotReadyRetry}, nil
	}
	if err == nil && cluster.DeletionTimestamp.IsZero() && ready {
		if wait := returnWait(cluster, r.Clock.Now()); wait > 0 {
			return ctrl.Result{RequeueAfter: wait}, nil
		}
		placed, err := r.placedAgain(ctx, s.work, s.cluster)
		if err != nil {
			return ctrl.Result{}, err
		}
		if placed {
			// The workload is coming back to this member: the copy stays for
			// the new Work to take over, in place, instead of being deleted
			// and made again.
			return r.release(ctx, s, "kept for the new placement")
		}
	}
	if err == nil && (cluster.DeletionTimestamp.IsZero() || ready) {
		member, err := r.Members.Get(ctx, cluster)
		if err != nil {
			return ctrl.Result{}, err
		}
		mc, err := r.members.get(member)
		if err != nil {
			return ctrl.Result{}, err
		}
		if err := r.cleanup(ctx, s, mc); err != nil {
			return ctrl.Result{}, err
		}
	}
	preserved := "removed"
	if ptr.Deref(s.work.Spec.PreserveResourcesOnDeletion, false) {
		preserved = "preserved"
	}
	return r.release(ctx, s, preserved)
}

// release lets a deleted Work go; copy says what became of its member copy.
func (r *Reconciler) release(ctx context.Context, s *scope, copy string) (ctrl.Result, error) {
	r.members.release(s.cluster, s.key())
	patch := client.MergeFromWithOptions(s.work.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.RemoveFinalizer(s.work, workv1alpha1.ExecutionFinalizer)
	if err := r.Client.Patch(ctx, s.work, patch); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	ctrl.LoggerFrom(ctx).V(2).Info("Released Work", "copy", copy)
	return ctrl.Result{}, nil
}

// worksOfCluster maps a Cluster to the Works in its execution namespace.
func (r *Reconciler) worksOfCluster(ctx context.Context, obj client.Object) []reconcile.Request {
	var works workv1alpha1.WorkList
	if err := r.Client.List(ctx, &works, client.InNamespace(workv1alpha1.ExecutionNamespace(obj.GetName()))); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Cannot list Works of cluster", "cluster", obj.GetName())
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(works.Items))
	for i := range works.Items {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&works.Items[i])})
	}
	return reqs
}

// enqueue is called by member informers for the Work an object names.
// StatusCoalescing is how long a change of a member object waits before
// its Work is reconciled: the changes of a rollout (replicas, then ready,
// then available) within it become one status write instead of several.
// Drift is corrected by the same reconcile, well within its 10 s bound.
const StatusCoalescing = time.Second

// enqueue is called for changes of member objects. They are queued at low
// priority and after StatusCoalescing: applying new and changed Works comes
// first, and the status they carry back can wait a little.
func (r *Reconciler) enqueue(work types.NamespacedName) {
	q := r.queue.Load()
	if q == nil {
		return
	}
	req := reconcile.Request{NamespacedName: work}
	if pq, ok := (*q).(priorityqueue.PriorityQueue[reconcile.Request]); ok {
		pq.AddWithOpts(priorityqueue.AddOpts{Priority: ptr.To(handler.LowPriority), After: StatusCoalescing}, req)
		return
	}
	(*q).AddAfter(req, StatusCoalescing)
}

func withDefaults(o Options) Options {
	d := DefaultOptions()
	if o.NotReadyRetry <= 0 {
		o.NotReadyRetry = d.NotReadyRetry
	}
	if o.ConflictRetry <= 0 {
		o.ConflictRetry = d.ConflictRetry
	}
	if o.PollInterval <= 0 {
		o.PollInterval = d.PollInterval
	}
	if o.SyncTimeout <= 0 {
		o.SyncTimeout = d.SyncTimeout
	}
	if o.MaxConcurrentReconciles <= 0 {
		o.MaxConcurrentReconciles = d.MaxConcurrentReconciles
	}
	return o
}

// worksNamespace is where this Reconciler's Works are: its cluster's
// execution namespace in an agent, every namespace on the control plane.
func (r *Reconciler) worksNamespace() string {
	if r.Agent == "" {
		return ""
	}
	return workv1alpha1.ExecutionNamespace(r.Agent)
}
